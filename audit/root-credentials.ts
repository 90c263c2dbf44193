/**
 * Root credentials of every member account, read the way AWS intends since centralized root access: a privileged
 * `sts:AssumeRoot` task session scoped by the AWS-managed `IAMAuditRootUserCredentials` task policy, on a regional STS
 * endpoint (the global endpoint is not supported), whose IAM calls without UserName act on the root user.
 * https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoot.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user-privileged-task.html
 */
import { GetLoginProfileCommand, IAMClient, ListAccessKeysCommand, ListMFADevicesCommand, ListSigningCertificatesCommand } from '@aws-sdk/client-iam';
import { AssumeRootCommand, STSClient } from '@aws-sdk/client-sts';
import { taskPolicyArn } from '../config/root-tasks';
import { assumeRole, AwsAccess, clientConfig, Credentials, errorText } from './aws';
import { fail, notChecked, pass, Result } from './checks';

export const AUDIT_TASK_POLICY_ARN = taskPolicyArn('IAMAuditRootUserCredentials');
/** The longest a task session may last; the audit needs seconds. */
const TASK_SESSION_SECONDS = 900;

export interface RootCredentialState {
  accountId: string;
  name: string;
  /** Why the root user could not be read (AssumeRoot refused, a read failed). */
  error?: string;
  loginProfile?: boolean;
  accessKeys?: string[];
  certificates?: string[];
  mfaDevices?: string[];
}

async function assumeRoot(access: AwsAccess, region: string, accountId: string): Promise<Credentials> {
  const asker = access.rootTaskRoleArn ? await assumeRole(access, region, access.rootTaskRoleArn) : undefined;
  const sts = new STSClient(clientConfig(access, region, asker));
  try {
    const out = await sts.send(new AssumeRootCommand({ TargetPrincipal: accountId, TaskPolicyArn: { arn: AUDIT_TASK_POLICY_ARN }, DurationSeconds: TASK_SESSION_SECONDS }));
    const c = out.Credentials!;
    return { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken };
  } finally {
    sts.destroy();
  }
}

export async function readRootCredentials(access: AwsAccess, region: string, account: { id: string; name: string }): Promise<RootCredentialState> {
  const state: RootCredentialState = { accountId: account.id, name: account.name };
  let creds: Credentials;
  try {
    creds = await assumeRoot(access, region, account.id);
  } catch (e) {
    return { ...state, error: `sts:AssumeRoot with IAMAuditRootUserCredentials refused: ${errorText(e)}` };
  }
  const iam = new IAMClient(clientConfig(access, region, creds));
  try {
    try {
      await iam.send(new GetLoginProfileCommand({}));
      state.loginProfile = true;
    } catch (e) {
      if ((e as { name?: string }).name !== 'NoSuchEntityException' && (e as { name?: string }).name !== 'NoSuchEntity') throw e;
      state.loginProfile = false;
    }
    state.accessKeys = ((await iam.send(new ListAccessKeysCommand({}))).AccessKeyMetadata ?? []).map((k) => `${k.AccessKeyId} (${k.Status})`).sort();
    state.certificates = ((await iam.send(new ListSigningCertificatesCommand({}))).Certificates ?? []).map((c) => `${c.CertificateId} (${c.Status})`).sort();
    state.mfaDevices = ((await iam.send(new ListMFADevicesCommand({}))).MFADevices ?? []).map((d) => d.SerialNumber!).sort();
    return state;
  } catch (e) {
    return { accountId: account.id, name: account.name, error: `reading the root user failed: ${errorText(e)}` };
  } finally {
    iam.destroy();
  }
}

export function evaluateRootCredentials(states: RootCredentialState[]): Result[] {
  const results: Result[] = [];
  for (const s of states) {
    const who = `${s.accountId} (${s.name})`;
    if (s.error) {
      for (const id of ['root-login-profile', 'root-access-keys', 'root-signing-certificates', 'root-mfa-devices']) results.push(notChecked(id, who, s.error));
      continue;
    }
    results.push(s.loginProfile ? fail('root-login-profile', who, 'The root user has a password (login profile).') : pass('root-login-profile', who, 'No password.'));
    const list = (id: string, items: string[] | undefined, what: string) =>
      results.push(items && items.length > 0 ? fail(id, who, `The root user has ${items.length} ${what}: ${items.join(', ')}.`) : pass(id, who, `No ${what}.`));
    list('root-access-keys', s.accessKeys, 'access key(s)');
    list('root-signing-certificates', s.certificates, 'signing certificate(s)');
    list('root-mfa-devices', s.mfaDevices, 'MFA device(s)');
  }
  return results;
}
