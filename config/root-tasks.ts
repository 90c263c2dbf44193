/**
 * The AWS-managed task policies of `sts:AssumeRoot` and the session length STS allows: IAM facts the runbooks, the audit
 * and the root-credentials CLI share (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user-privileged-task.html).
 */
import { awsManagedPolicyArn } from './arn';

/** STS limits AssumeRoot task sessions to 900 seconds. */
export const TASK_SESSION_SECONDS = 900;

/** The AWS-managed task policies, under arn:aws:iam::aws:policy/root-task/. */
export type RootTaskPolicy = 'IAMAuditRootUserCredentials' | 'IAMCreateRootUserPassword' | 'IAMDeleteRootUserCredentials' | 'S3UnlockBucketPolicy' | 'SQSUnlockQueuePolicy';

export function taskPolicyArn(policy: RootTaskPolicy): string {
  return awsManagedPolicyArn(`root-task/${policy}`);
}
