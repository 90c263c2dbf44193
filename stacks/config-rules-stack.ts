/**
 * AWS Config organization rules on the root user, from the security account. Deployed after every baseline: a rule
 * fails in any account that has no configuration recorder yet.
 */
import { Construct } from 'constructs';
import type { Model } from '../config/model';
import { RootlockStack } from '../modules/rootlock-stack';
import { ConfigOrganizationRules } from '../modules/config-organization-rules';

export class ConfigRulesStack extends RootlockStack {
  constructor(scope: Construct, model: Model) {
    super(scope, model.stackNames.configRules, {
      model,
      accountId: model.security.id,
      deployRoleArn: model.security.deployRoleArn,
      purpose: 'AWS Config organization rules ROOT_ACCOUNT_MFA_ENABLED, IAM_ROOT_ACCESS_KEY_CHECK, ROOT_ACCOUNT_HARDWARE_MFA_ENABLED.',
    });
    new ConfigOrganizationRules(this, 'root_rules');
  }
}
