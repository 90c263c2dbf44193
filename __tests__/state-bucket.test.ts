/**
 * `npm run state-bucket` (scripts/state-bucket.ts) against the emulator: the state bucket is created with versioning,
 * default encryption, every public access block and a TLS-only policy, and a second run changes nothing but reports
 * it is already there.
 */
import { GetBucketEncryptionCommand, GetBucketPolicyCommand, GetBucketVersioningCommand, GetPublicAccessBlockCommand, S3Client } from '@aws-sdk/client-s3';
import { ensureStateBucket } from '../scripts/state-bucket';
import { Emulator, sdkConfig, startEmulator } from './support/emulator';
import { describeWithTools } from './support/tools';

describeWithTools(['moto_server'], 'the state bucket test')('npm run state-bucket against the emulator', () => {
  jest.setTimeout(120_000);
  let emu: Emulator;
  beforeAll(async () => {
    emu = (await startEmulator())!;
  });
  afterAll(async () => emu?.stop());

  it('creates the bucket with versioning, encryption, public access block and a TLS-only policy; a second run finds it', async () => {
    const s3 = new S3Client({ ...sdkConfig(emu, { region: 'eu-west-1' }), forcePathStyle: true });
    expect(await ensureStateBucket(s3, 'org-tf-state', 'eu-west-1')).toEqual({ bucket: 'org-tf-state', region: 'eu-west-1', created: true });
    expect((await s3.send(new GetBucketVersioningCommand({ Bucket: 'org-tf-state' }))).Status).toBe('Enabled');
    const enc = await s3.send(new GetBucketEncryptionCommand({ Bucket: 'org-tf-state' }));
    expect(enc.ServerSideEncryptionConfiguration!.Rules![0].ApplyServerSideEncryptionByDefault!.SSEAlgorithm).toBe('AES256');
    expect((await s3.send(new GetPublicAccessBlockCommand({ Bucket: 'org-tf-state' }))).PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: true,
    });
    const policy = JSON.parse((await s3.send(new GetBucketPolicyCommand({ Bucket: 'org-tf-state' }))).Policy!);
    expect(policy.Statement[0]).toMatchObject({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } });
    expect((await ensureStateBucket(s3, 'org-tf-state', 'eu-west-1')).created).toBe(false);
    s3.destroy();
  });
});
