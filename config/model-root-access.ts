/**
 * Who may ask for root, resolved once (`model.rootAccess`): without a delegated administrator only the management
 * account calls sts:AssumeRoot (SCPs never reach it); with one, the security account does, limited by SCP to the
 * named principals and task policies, and rootlock's audit job role to the audit task.
 */
import type { RootlockConfig } from './schema';
import { awsManagedPolicyArn, iamRoleArn } from './arn';
import { JOB_ROLE_NAMES } from './contract';

export interface RootAccessModel {
  delegatedAdministrator?: {
    accountId: string;
    /** Service principal registered for the security account (Organizations RegisterDelegatedAdministrator). */
    servicePrincipal: 'iam.amazonaws.com';
    principals: string[];
    taskPolicyArns: string[];
    /** rootlock's audit job role in the security account: may call AssumeRoot with the audit task policy only. */
    auditJobRoleArn: string;
    auditTaskPolicyArn: string;
  };
}

export function resolveRootAccess(config: RootlockConfig, securityAccountId: string): RootAccessModel {
  const d = config.rootAccess.delegatedAdministrator;
  if (!d) return {};
  return {
    delegatedAdministrator: {
      accountId: securityAccountId,
      servicePrincipal: 'iam.amazonaws.com',
      principals: [...new Set(d.principals)].sort(),
      taskPolicyArns: [...new Set(d.taskPolicies)].sort().map((p) => awsManagedPolicyArn(`root-task/${p}`)),
      auditJobRoleArn: iamRoleArn(securityAccountId, JOB_ROLE_NAMES.audit),
      auditTaskPolicyArn: awsManagedPolicyArn('root-task/IAMAuditRootUserCredentials'),
    },
  };
}
