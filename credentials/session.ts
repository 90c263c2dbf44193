/**
 * Privileged `sts:AssumeRoot` task sessions, one per account and task: the only way rootlock touches a member
 * account's root user. AssumeRoot has no global endpoint (a regional STS endpoint is required) and lasts at most 900
 * seconds; the session's IAM calls made without `UserName` act on the root user, scoped by the AWS-managed task policy.
 * https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoot.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user-privileged-task.html
 */
import { AssumeRootCommand, STSClient } from '@aws-sdk/client-sts';
import { AwsAccess, clientConfig, Credentials } from '../audit/aws';
import { taskPolicyArn, TASK_SESSION_SECONDS, type RootTaskPolicy } from '../config/root-tasks';

export type TaskPolicy = RootTaskPolicy;

export async function taskSession(access: AwsAccess, region: string, accountId: string, policy: TaskPolicy): Promise<Credentials> {
  const sts = new STSClient(clientConfig(access, region));
  try {
    const out = await sts.send(new AssumeRootCommand({ TargetPrincipal: accountId, TaskPolicyArn: { arn: taskPolicyArn(policy) }, DurationSeconds: TASK_SESSION_SECONDS }));
    const c = out.Credentials!;
    return { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken };
  } finally {
    sts.destroy();
  }
}
