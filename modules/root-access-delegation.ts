/**
 * Optional (`rootAccess.delegatedAdministrator`): the security account becomes IAM's delegated administrator for
 * centralized root access (Organizations RegisterDelegatedAdministrator for `iam.amazonaws.com`), so sts:AssumeRoot
 * task sessions are requested from it; the root-deny SCP limits who there may call it and with which task policy
 * (policies/assume-root-scp.ts). Registered after centralized root access is enabled.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-enable-root-access.html
 */
import { Construct } from 'constructs';
import { ITerraformDependable, TerraformOutput } from 'cdktf';
import { OrganizationsDelegatedAdministrator } from '@cdktf/provider-aws/lib/organizations-delegated-administrator';
import type { Model } from '../config/model';

export interface RootAccessDelegationProps {
  model: Model;
  /** Centralized root access (its features) must be enabled first. */
  centralizedRootAccess: ITerraformDependable;
}

export class RootAccessDelegation extends Construct {
  constructor(scope: Construct, id: string, props: RootAccessDelegationProps) {
    super(scope, id);
    const d = props.model.rootAccess.delegatedAdministrator;
    if (!d) return;
    new OrganizationsDelegatedAdministrator(this, 'iam', { accountId: d.accountId, servicePrincipal: d.servicePrincipal, dependsOn: [props.centralizedRootAccess] });
    new TerraformOutput(this, 'assume_root_principals', {
      value: { principals: d.principals, taskPolicyArns: d.taskPolicyArns, auditJobRole: d.auditJobRoleArn },
      description: 'Who in the delegated administrator (security) account may call sts:AssumeRoot, and with which task policies (root-deny SCP).',
    });
  }
}
