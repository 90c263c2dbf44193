/**
 * `npm run state-bucket`: the first-run command for `state: { backend: s3, bucket, region }`. Creates the state bucket
 * (or brings an existing one of ours up to the settings) before the first deploy, with the caller's credentials:
 * versioning (Terraform recommends it "to allow for state recovery in the case of accidental deletions and human
 * error": https://developer.hashicorp.com/terraform/language/backend/s3), default encryption, every public access
 * block, bucket-owner-enforced ownership and a policy refusing plain HTTP. Locking needs nothing on the bucket: every
 * stack's backend sets `use_lockfile` (S3 conditional writes, Terraform >= 1.10). Idempotent; exit 1 with one line
 * when the configuration keeps local state or the bucket cannot be created.
 */
import {
  CreateBucketCommand,
  HeadBucketCommand,
  PutBucketEncryptionCommand,
  PutBucketOwnershipControlsCommand,
  PutBucketPolicyCommand,
  PutBucketVersioningCommand,
  PutPublicAccessBlockCommand,
  S3Client,
  type BucketLocationConstraint,
} from '@aws-sdk/client-s3';
import { configPathFromEnv, loadConfigFile } from '../config/load';
import { resolveModel } from '../config/model';

export interface StateBucket {
  bucket: string;
  region: string;
  created: boolean;
}

/** The bucket policy: TLS only (the state holds every resource's attributes). */
export function stateBucketPolicy(bucket: string, partition = 'aws'): string {
  const arn = `arn:${partition}:s3:::${bucket}`;
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Sid: 'DenyPlainHttp', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: [arn, `${arn}/*`], Condition: { Bool: { 'aws:SecureTransport': 'false' } } }],
  });
}

export async function ensureStateBucket(s3: S3Client, bucket: string, region: string): Promise<StateBucket> {
  let created = false;
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
  } catch (e) {
    const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status !== 404) throw new Error(`state bucket ${bucket}: HeadBucket failed (${(e as Error).name}${status ? ` ${status}` : ''}): it may belong to another account; choose another state.bucket`);
    // us-east-1 takes no LocationConstraint (CreateBucket refuses one).
    await s3.send(new CreateBucketCommand({ Bucket: bucket, ...(region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } }) }));
    created = true;
  }
  await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
  await s3.send(
    new PutBucketEncryptionCommand({ Bucket: bucket, ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BucketKeyEnabled: true }] } }),
  );
  await s3.send(
    new PutPublicAccessBlockCommand({ Bucket: bucket, PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true } }),
  );
  await s3.send(new PutBucketOwnershipControlsCommand({ Bucket: bucket, OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] } }));
  await s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: stateBucketPolicy(bucket) }));
  return { bucket, region, created };
}

async function main(): Promise<number> {
  try {
    const configPath = configPathFromEnv();
    const model = resolveModel(loadConfigFile(configPath));
    if (model.state.backend !== 's3') {
      process.stderr.write(`rootlock: ${configPath}: state.backend is local (state in terraform-state/ beside cdktf.out): set state: { backend: s3, bucket, region } to use a state bucket\n`);
      return 1;
    }
    const { bucket, region } = model.state;
    const s3 = new S3Client({ region });
    const r = await ensureStateBucket(s3, bucket, region);
    process.stdout.write(`rootlock: state bucket ${r.bucket} (${r.region}) ${r.created ? 'created' : 'already there'}: versioning, encryption, public access block, TLS-only policy\n`);
    return 0;
  } catch (e) {
    process.stderr.write(`rootlock: ${(e as Error).message}\n`);
    return 1;
  }
}

if (require.main === module) void main().then((code) => (process.exitCode = code));
