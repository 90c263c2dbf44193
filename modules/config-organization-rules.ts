/** AWS Config organization managed rules on the root user, deployed from the delegated administrator. */
import { Construct } from 'constructs';
import { ConfigOrganizationManagedRule } from '@cdktf/provider-aws/lib/config-organization-managed-rule';
import { ORG_CONFIG_RULES } from '../detections/catalog';

export class ConfigOrganizationRules extends Construct {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    for (const rule of ORG_CONFIG_RULES) {
      new ConfigOrganizationManagedRule(this, rule.name.replace(/^rootlock-/, '').replace(/-/g, '_'), {
        name: rule.name,
        ruleIdentifier: rule.identifier,
        description: `rootlock: checks that ${rule.why}.`,
        maximumExecutionFrequency: 'TwentyFour_Hours',
      });
    }
  }
}
