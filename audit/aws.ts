/**
 * How the audit talks to AWS: read-only clients built from one base configuration (standard credentials and
 * AWS_ENDPOINT_URL from the environment, or explicit ones in tests), bounded concurrency, and the SDK's adaptive
 * retry mode (backoff with jitter plus client-side rate limiting once throttled), so 1,000 accounts do not trip API
 * rate limits.
 */
import { STSClient, AssumeRoleCommand } from '@aws-sdk/client-sts';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface AwsAccess {
  /** Base client configuration: empty for the CLI (the SDK reads the environment), endpoint + credentials in tests. */
  base: { endpoint?: string; credentials?: Credentials };
  /** How many accounts are read at once. */
  concurrency: number;
  /** Role assumed in every account but the caller's (default JOB_ROLE_NAMES.audit: the audit's own read-only role). */
  roleName?: string;
  /**
   * Role of the management account that asks for the AssumeRoot task sessions (the audit: its own job role, whose only
   * task policy is the read-only IAMAuditRootUserCredentials, so its sessions are told apart and do not page). Unset:
   * the caller's own credentials.
   */
  rootTaskRoleArn?: string;
}

export function clientConfig(access: AwsAccess, region: string, credentials?: Credentials) {
  // The SDK's adaptive retry mode: exponential backoff plus client-side rate limiting once throttled
  // (https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html).
  return { ...access.base, region, ...(credentials ? { credentials } : {}), retryMode: 'adaptive' as const, maxAttempts: 8 };
}

/** `fn` over `items` with at most `limit` in flight; results in the items' order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

/** One line for an AWS error: its code and message, never a stack. */
export function errorText(e: unknown): string {
  const err = e as { name?: string; message?: string };
  const msg = (err?.message ?? String(e)).split('\n')[0];
  return err?.name && err.name !== 'Error' ? `${err.name}: ${msg}` : msg;
}

/** Credentials for a role in another account (the deployment role of a member account). */
export async function assumeRole(access: AwsAccess, region: string, roleArn: string): Promise<Credentials> {
  const sts = new STSClient(clientConfig(access, region));
  try {
    const out = await sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'rootlock-audit', DurationSeconds: 900 }));
    const c = out.Credentials!;
    return { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken };
  } finally {
    sts.destroy();
  }
}
