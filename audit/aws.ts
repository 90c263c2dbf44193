/**
 * How the audit talks to AWS: read-only clients built from one base configuration (standard credentials and
 * AWS_ENDPOINT_URL from the environment, or explicit ones in tests), bounded concurrency, and retries with
 * exponential backoff and jitter on throttling (on top of the SDK's own attempts), so 1,000 accounts do not trip
 * API rate limits.
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
}

export function clientConfig(access: AwsAccess, region: string, credentials?: Credentials) {
  return { ...access.base, region, ...(credentials ? { credentials } : {}), maxAttempts: 3 };
}

const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'PriorRequestNotComplete',
]);

export function isThrottling(e: unknown): boolean {
  const err = e as { name?: string; Code?: string; $metadata?: { httpStatusCode?: number } };
  return THROTTLING.has(err?.name ?? '') || THROTTLING.has(err?.Code ?? '') || err?.$metadata?.httpStatusCode === 429;
}

/** Retries `fn` on throttling: up to `attempts` tries, waiting base * 2^n with full jitter (capped at 20 s). */
export async function withBackoff<T>(fn: () => Promise<T>, attempts = 8, baseMs = 200, sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (!isThrottling(e) || attempt >= attempts) throw e;
      await sleep(Math.random() * Math.min(20_000, baseMs * 2 ** attempt));
    }
  }
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
    const out = await withBackoff(() => sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'rootlock-audit', DurationSeconds: 900 })));
    const c = out.Credentials!;
    return { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken };
  } finally {
    sts.destroy();
  }
}
