/**
 * `rootAccess`: who may ask for root. Off by default (the management account alone calls sts:AssumeRoot). With
 * `delegatedAdministrator`, the security account becomes IAM's delegated administrator for centralized root access, so
 * task sessions are requested from it, and an SCP limits sts:AssumeRoot there to the named principals and task
 * policies (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-enable-root-access.html).
 */
import { z } from 'zod';

export const ROOT_TASK_POLICIES = ['IAMAuditRootUserCredentials', 'IAMCreateRootUserPassword', 'IAMDeleteRootUserCredentials', 'S3UnlockBucketPolicy', 'SQSUnlockQueuePolicy'] as const;
/** The task policies a delegated administrator gets unless the configuration lists others: read and delete credentials. */
export const DEFAULT_DELEGATED_TASK_POLICIES: Array<(typeof ROOT_TASK_POLICIES)[number]> = ['IAMAuditRootUserCredentials', 'IAMDeleteRootUserCredentials'];
const ROLE_OR_USER_ARN = /^arn:aws[\w-]*:iam::\d{12}:(user|role)\/[\w+=,.@/-]+$/;

export const rootAccessSchema = z
  .strictObject({
    delegatedAdministrator: z
      .strictObject({
        principals: z
          .array(z.string().regex(ROLE_OR_USER_ARN, 'is not an IAM role or user ARN such as "arn:aws:iam::222222222222:role/root-access-admin"'))
          .min(1, 'needs at least one IAM role or user of the security account allowed to call sts:AssumeRoot')
          .describe('IAM roles or users of the security account that may call sts:AssumeRoot; every other principal there is denied by SCP.'),
        taskPolicies: z
          .array(z.enum(ROOT_TASK_POLICIES, { error: `must be one of ${ROOT_TASK_POLICIES.join(', ')}` }))
          .min(1, 'needs at least one task policy')
          .default(DEFAULT_DELEGATED_TASK_POLICIES)
          .describe('AWS-managed task policies (arn:aws:iam::aws:policy/root-task/...) those principals may use. IAMCreateRootUserPassword (password recovery) only when listed.'),
      })
      .optional()
      .describe('Register the security account as IAM delegated administrator for centralized root access, with sts:AssumeRoot limited by SCP.'),
  })
  .default({})
  .describe('Who may ask for root (sts:AssumeRoot task sessions).');
