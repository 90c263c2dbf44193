/**
 * KMS calls for the emulator tests over KMS's JSON wire protocol (`X-Amz-Target: TrentService.<Action>`): the project
 * has no @aws-sdk/client-kms (dependencies are frozen for this round). The emulator reads the caller's account from the
 * access key in the Authorization header and does not verify signatures, so no signing is needed. Emulator only.
 */
import type { AwsCredentials, Emulator } from './emulator';
import { TEST_CREDENTIALS } from './emulator';

export async function kmsCall<T = Record<string, unknown>>(emu: Emulator, action: string, body: object, opts: { region?: string; credentials?: AwsCredentials } = {}): Promise<T> {
  const region = opts.region ?? 'us-east-1';
  const accessKey = opts.credentials?.accessKeyId ?? TEST_CREDENTIALS.AWS_ACCESS_KEY_ID;
  const headers: Record<string, string> = {
    'Content-Type': 'application/x-amz-json-1.1',
    'X-Amz-Target': `TrentService.${action}`,
    Authorization: `AWS4-HMAC-SHA256 Credential=${accessKey}/20260101/${region}/kms/aws4_request, SignedHeaders=host, Signature=emulator`,
  };
  if (opts.credentials?.sessionToken) headers['X-Amz-Security-Token'] = opts.credentials.sessionToken;
  const res = await fetch(`${emu.endpoint}/`, { method: 'POST', headers, body: JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`KMS ${action}: HTTP ${res.status} ${text}`);
  return (text ? JSON.parse(text) : {}) as T;
}
