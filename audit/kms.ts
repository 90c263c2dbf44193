/**
 * A read-only KMS client for the audit: DescribeKey, GetKeyPolicy and GetKeyRotationStatus, nothing else; and the
 * deployed-state reader of `aws_kms_key` (READERS in deployed-read.ts) built on it.
 *
 * Why not @aws-sdk/client-kms: it is not among the project's installed dependencies (one shared SDK runtime, see
 * __tests__/dependencies.test.ts), and three read calls do not justify a new client. These are the KMS JSON 1.1 API
 * (POST /, `X-Amz-Target: TrentService.<Operation>`, https://docs.aws.amazon.com/kms/latest/APIReference/CommonParameters.html),
 * signed with the SDK's own SigV4 signer (@smithy/signature-v4, already in the lock as the shared runtime) and the
 * credentials the SDK's default chain resolves (an STS client's resolved provider) unless explicit ones are given.
 * The endpoint follows the SDK's rules for a service-specific endpoint: AWS_ENDPOINT_URL_KMS, then AWS_ENDPOINT_URL
 * (https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html). Throttling and 5xx answers are retried
 * with exponential backoff and jitter, as the SDK's standard retry mode does.
 * Replace with @aws-sdk/client-kms once it is a pinned direct dependency: the constructor takes the same configuration.
 */
import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { STSClient } from '@aws-sdk/client-sts';
import type { Credentials } from './aws';
import type { ExpectedResource } from './expected';

export interface KeyMetadata {
  KeyId: string;
  Arn: string;
  Enabled: boolean;
  /** Enabled, Disabled, PendingDeletion, PendingImport, Unavailable, ... */
  KeyState: string;
  DeletionDate?: number;
  KeyManager?: string;
}

/** A KMS error answer, named as the SDK names it (`NotFoundException`, `KMSInvalidStateException`). */
export class KmsError extends Error {
  constructor(
    readonly name: string,
    message: string,
  ) {
    super(message);
  }
}

type Source = string | ArrayBuffer | ArrayBufferView;
const bytes = (d: Source) => (typeof d === 'string' ? d : ArrayBuffer.isView(d) ? new Uint8Array(d.buffer, d.byteOffset, d.byteLength) : new Uint8Array(d));

/** SHA-256 and HMAC-SHA-256 from node:crypto, in the shape the signer takes. */
class Sha256 {
  private readonly h;
  constructor(secret?: Source) {
    this.h = secret ? createHmac('sha256', bytes(secret)) : createHash('sha256');
  }
  update(data: Source): void {
    this.h.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return this.h.digest();
  }
}

const RETRYABLE = /Throttl|LimitExceeded|RequestTimeout|ServiceUnavailable|InternalFailure|DependencyTimeout|KMSInternal/;

export class KmsReadClient {
  private readonly region: string;
  private readonly endpoint: URL;
  private readonly maxAttempts: number;
  private readonly credentials: () => Promise<Credentials>;
  private sts?: STSClient;

  /** The configuration every audit client gets (audit/aws.ts clientConfig): region, endpoint, credentials, attempts. */
  constructor(config: object) {
    const cfg = config as { region: string; endpoint?: string; credentials?: Credentials; maxAttempts?: number };
    this.region = cfg.region;
    const suffix = cfg.region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
    this.endpoint = new URL(cfg.endpoint ?? process.env.AWS_ENDPOINT_URL_KMS ?? process.env.AWS_ENDPOINT_URL ?? `https://kms.${cfg.region}.${suffix}`);
    this.maxAttempts = cfg.maxAttempts ?? 8;
    if (cfg.credentials) {
      const given = cfg.credentials;
      this.credentials = async () => given;
    } else {
      this.sts = new STSClient({ region: cfg.region });
      const provider = this.sts.config.credentials;
      this.credentials = async () => provider();
    }
  }

  destroy(): void {
    this.sts?.destroy();
  }

  /** DescribeKey accepts a key id, key ARN, alias name or alias ARN (https://docs.aws.amazon.com/kms/latest/APIReference/API_DescribeKey.html). */
  async describeKey(keyId: string): Promise<KeyMetadata> {
    return ((await this.call('DescribeKey', { KeyId: keyId })) as { KeyMetadata: KeyMetadata }).KeyMetadata;
  }

  /** The key policy; `default` is the only policy name a key has (https://docs.aws.amazon.com/kms/latest/APIReference/API_GetKeyPolicy.html). */
  async getKeyPolicy(keyId: string): Promise<string | undefined> {
    return ((await this.call('GetKeyPolicy', { KeyId: keyId, PolicyName: 'default' })) as { Policy?: string }).Policy;
  }

  async getKeyRotationStatus(keyId: string): Promise<boolean> {
    return ((await this.call('GetKeyRotationStatus', { KeyId: keyId })) as { KeyRotationEnabled?: boolean }).KeyRotationEnabled === true;
  }

  private async call(operation: string, input: object): Promise<unknown> {
    const body = JSON.stringify(input);
    for (let attempt = 1; ; attempt++) {
      const signer = new SignatureV4({ credentials: await this.credentials(), region: this.region, service: 'kms', sha256: Sha256 });
      const request = await signer.sign({
        method: 'POST',
        protocol: this.endpoint.protocol,
        hostname: this.endpoint.hostname,
        port: this.endpoint.port ? Number(this.endpoint.port) : undefined,
        path: this.endpoint.pathname || '/',
        query: {},
        headers: { host: this.endpoint.host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `TrentService.${operation}` },
        body,
      });
      let status: number;
      let text: string;
      try {
        const res = await fetch(new URL(request.path, this.endpoint), { method: 'POST', headers: request.headers, body });
        status = res.status;
        text = await res.text();
      } catch (e) {
        if (attempt < this.maxAttempts) {
          await backoff(attempt);
          continue;
        }
        throw e;
      }
      const parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      if (status < 300) return parsed;
      const name = String(parsed.__type ?? `HTTP${status}`).split('#').pop()!;
      if ((status >= 500 || RETRYABLE.test(name)) && attempt < this.maxAttempts) {
        await backoff(attempt);
        continue;
      }
      throw new KmsError(name, String(parsed.message ?? parsed.Message ?? text));
    }
  }
}

const backoff = (attempt: number) => new Promise((r) => setTimeout(r, Math.random() * Math.min(20_000, 100 * 2 ** attempt)));

const errorName = (e: unknown) => (e as { name?: string }).name ?? '';

/**
 * A customer-managed key, found through its synthesized alias (AWS generates the key id): DescribeKey by alias name,
 * then the policy and rotation by the key id. A key that is disabled or pending deletion is not enabled; its state is
 * shown next to the value. A key nothing names cannot be found: `unknown` says why (judged not-checked).
 */
export const kmsKey = async (ctx: { client<T>(ctor: new (cfg: object) => T, r: ExpectedResource): Promise<T> }, r: ExpectedResource): Promise<Record<string, unknown> | null> => {
  if (!r.lookup) return { unknown: 'no synthesized alias targets this key, and AWS generates its id: nothing names the live key' };
  const kms = await ctx.client(KmsReadClient, r);
  let meta;
  try {
    meta = await kms.describeKey(r.lookup.name);
  } catch (e) {
    if (errorName(e).includes('NotFound')) return null;
    throw e;
  }
  // Should a key state refuse these reads (https://docs.aws.amazon.com/kms/latest/developerguide/key-state.html), the
  // key is unusable anyway: is_enabled fails with its state, the refused attributes read as none.
  const unlessInvalidState = <T>(p: Promise<T>) => p.catch((e) => (errorName(e).includes('KMSInvalidState') ? undefined : Promise.reject(e)));
  const policy = await unlessInvalidState(kms.getKeyPolicy(meta.KeyId));
  const rotation = await unlessInvalidState(kms.getKeyRotationStatus(meta.KeyId));
  return {
    id: meta.KeyId,
    key_id: meta.KeyId,
    arn: meta.Arn,
    policy,
    is_enabled: meta.KeyState === 'Enabled' ? true : `false (${meta.KeyState} through ${r.lookup.name})`,
    enable_key_rotation: rotation,
  };
};
