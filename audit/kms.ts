/**
 * The deployed-state reader of `aws_kms_key` (READERS in deployed-read.ts): read-only KMS calls (DescribeKey by alias,
 * GetKeyPolicy, GetKeyRotationStatus) through @aws-sdk/client-kms, on the same shared SDK runtime, retries and
 * credentials as every other audit client (audit/aws.ts clientConfig).
 */
import { DescribeKeyCommand, GetKeyPolicyCommand, GetKeyRotationStatusCommand, KMSClient } from '@aws-sdk/client-kms';
import type { ExpectedResource } from './expected';

const errorName = (e: unknown) => (e as { name?: string }).name ?? '';

/**
 * A customer-managed key, found through its synthesized alias (AWS generates the key id): DescribeKey by alias name,
 * then the policy and rotation by the key id. A key that is disabled or pending deletion is not enabled; its state is
 * shown next to the value. A key nothing names cannot be found: `unknown` says why (judged not-checked).
 */
export const kmsKey = async (ctx: { client<T>(ctor: new (cfg: object) => T, r: ExpectedResource): Promise<T> }, r: ExpectedResource): Promise<Record<string, unknown> | null> => {
  if (!r.lookup) return { unknown: 'no synthesized alias targets this key, and AWS generates its id: nothing names the live key' };
  const kms = await ctx.client(KMSClient, r);
  let meta;
  try {
    // DescribeKey accepts an alias name (https://docs.aws.amazon.com/kms/latest/APIReference/API_DescribeKey.html).
    meta = (await kms.send(new DescribeKeyCommand({ KeyId: r.lookup.name }))).KeyMetadata;
  } catch (e) {
    if (errorName(e).includes('NotFound')) return null;
    throw e;
  }
  // Should a key state refuse these reads (https://docs.aws.amazon.com/kms/latest/developerguide/key-state.html), the
  // key is unusable anyway: is_enabled fails with its state, the refused attributes read as none.
  const unlessInvalidState = <T>(p: Promise<T>) => p.catch((e) => (errorName(e).includes('KMSInvalidState') ? undefined : Promise.reject(e)));
  if (!meta?.KeyId) return null;
  const keyId = meta.KeyId;
  // `default` is the only policy name a key has (https://docs.aws.amazon.com/kms/latest/APIReference/API_GetKeyPolicy.html).
  const policy = await unlessInvalidState(kms.send(new GetKeyPolicyCommand({ KeyId: keyId, PolicyName: 'default' })).then((o) => o.Policy));
  const rotation = await unlessInvalidState(kms.send(new GetKeyRotationStatusCommand({ KeyId: keyId })).then((o) => o.KeyRotationEnabled === true));
  return {
    id: keyId,
    key_id: keyId,
    arn: meta.Arn,
    policy,
    is_enabled: meta.KeyState === 'Enabled' ? true : `false (${meta.KeyState} through ${r.lookup.name})`,
    enable_key_rotation: rotation,
  };
};
