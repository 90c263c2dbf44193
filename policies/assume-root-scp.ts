/**
 * Who may ask for root in a member account (issue 29, item 4): with a delegated administrator for centralized root
 * access, `sts:AssumeRoot` can be called from the security account. These statements, added to the root-deny SCP
 * (which reaches the security account's OU), let only the named principals call it, only with the configured
 * AWS-managed task policies (`sts:TaskPolicyArn`, the condition key AssumeRoot supports), and rootlock's audit job
 * role only with IAMAuditRootUserCredentials. No other member account can call AssumeRoot at all (not a delegated
 * administrator), so the statements change nothing there. The management account is never reached by an SCP: it can
 * still call AssumeRoot with any task policy, and every AssumeRoot pages (`root-task-session`; a password recovery
 * also `root-password-recovery-session`).
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecuritytokenservice.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-enable-root-access.html
 */
import type { Model } from '../config/model';
import type { Statement } from './document';

export function assumeRootLimitStatements(model: Pick<Model, 'rootAccess'>): Statement[] {
  const d = model.rootAccess.delegatedAdministrator;
  if (!d) return [];
  return [
    {
      Sid: 'AssumeRootOnlyNamedPrincipals',
      Effect: 'Deny',
      Action: 'sts:AssumeRoot',
      Resource: '*',
      Condition: { ArnNotLike: { 'aws:PrincipalArn': [...d.principals, d.auditJobRoleArn] } },
    },
    {
      Sid: 'AssumeRootOnlyNamedTaskPolicies',
      Effect: 'Deny',
      Action: 'sts:AssumeRoot',
      Resource: '*',
      Condition: { ArnNotEquals: { 'sts:TaskPolicyArn': [...new Set([...d.taskPolicyArns, d.auditTaskPolicyArn])].sort() } },
    },
    {
      Sid: 'AssumeRootAuditJobRoleAuditsOnly',
      Effect: 'Deny',
      Action: 'sts:AssumeRoot',
      Resource: '*',
      Condition: { ArnEquals: { 'aws:PrincipalArn': d.auditJobRoleArn }, ArnNotEquals: { 'sts:TaskPolicyArn': d.auditTaskPolicyArn } },
    },
  ];
}
