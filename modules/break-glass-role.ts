/** The MFA-gated break-glass role of one account: named principals, fresh MFA, a source identity, short sessions. */
import { Construct } from 'constructs';
import { TerraformOutput } from 'cdktf';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import type { AccountTarget, Model } from '../config/model';
import { breakGlassTrustPolicy } from '../policies/break-glass';
import { policyJson, terraformLiteral } from '../policies/document';
import { PURPOSES, TAGS } from '../config/contract';

export interface BreakGlassRoleProps {
  model: Model;
  account: AccountTarget;
}

export class BreakGlassRole extends Construct {
  readonly role: IamRole;

  constructor(scope: Construct, id: string, props: BreakGlassRoleProps) {
    super(scope, id);
    const bg = props.model.breakGlass;
    this.role = new IamRole(this, 'role', {
      name: bg.roleName,
      description: `Break-glass administrator access to ${props.account.name}. MFA and a source identity required; every use pages. Runbook: ${props.model.runbooks.breakGlass}`,
      assumeRolePolicy: terraformLiteral(policyJson(breakGlassTrustPolicy(props.model))),
      maxSessionDuration: bg.sessionDurationSeconds,
      tags: { [TAGS.purpose]: PURPOSES.breakGlass, [TAGS.runbook]: props.model.runbooks.breakGlass },
    });
    new IamRolePolicyAttachment(this, 'administrator_access', { role: this.role.name, policyArn: bg.adminPolicyArn });
    new TerraformOutput(this, 'role_arn', { value: this.role.arn, description: 'Break-glass role ARN.' });
    new TerraformOutput(this, 'switch_role_url', { value: props.account.switchRoleUrl, description: 'Console switch-role URL for the break-glass role.' });
  }
}
