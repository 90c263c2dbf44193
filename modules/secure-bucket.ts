/**
 * An S3 bucket with public access blocked, ACLs disabled, versioning, default encryption and a TLS-only policy; and,
 * when asked, server access logging to another bucket and S3 Object Lock with a default retention.
 */
import { Construct } from 'constructs';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketLoggingA } from '@cdktf/provider-aws/lib/s3-bucket-logging';
import { S3BucketObjectLockConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-object-lock-configuration';
import { policyJson, PolicyDocument } from '../policies/document';

export interface SecureBucketProps {
  name: string;
  policy: PolicyDocument;
  /** KMS key ARN for default encryption; S3-managed keys when omitted. */
  kmsKeyArn?: string;
  /** Server access logging into another bucket under a prefix. @default no access logging */
  readonly accessLogs?: { readonly bucketName: string; readonly prefix: string };
  /**
   * S3 Object Lock with a default retention. Only at bucket creation: `object_lock_enabled` forces a new bucket.
   * @default no Object Lock
   */
  readonly objectLock?: { readonly mode: 'GOVERNANCE' | 'COMPLIANCE'; readonly retentionDays: number };
}

export class SecureBucket extends Construct {
  readonly bucket: S3Bucket;
  readonly policy: S3BucketPolicy;

  constructor(scope: Construct, id: string, props: SecureBucketProps) {
    super(scope, id);
    this.bucket = new S3Bucket(this, 'bucket', { bucket: props.name, objectLockEnabled: props.objectLock ? true : undefined });
    const publicAccess = new S3BucketPublicAccessBlock(this, 'public_access_block', {
      bucket: this.bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, 'ownership', { bucket: this.bucket.id, rule: { objectOwnership: 'BucketOwnerEnforced' } });
    const versioning = new S3BucketVersioningA(this, 'versioning', { bucket: this.bucket.id, versioningConfiguration: { status: 'Enabled' } });
    new S3BucketServerSideEncryptionConfigurationA(this, 'encryption', {
      bucket: this.bucket.id,
      rule: [
        {
          applyServerSideEncryptionByDefault: props.kmsKeyArn ? { sseAlgorithm: 'aws:kms', kmsMasterKeyId: props.kmsKeyArn } : { sseAlgorithm: 'AES256' },
          bucketKeyEnabled: props.kmsKeyArn ? true : undefined,
        },
      ],
    });
    if (props.accessLogs) {
      new S3BucketLoggingA(this, 'access_logging', { bucket: this.bucket.id, targetBucket: props.accessLogs.bucketName, targetPrefix: props.accessLogs.prefix });
    }
    if (props.objectLock) {
      new S3BucketObjectLockConfigurationA(this, 'object_lock', {
        bucket: this.bucket.id,
        rule: { defaultRetention: { mode: props.objectLock.mode, days: props.objectLock.retentionDays } },
        dependsOn: [versioning],
      });
    }
    this.policy = new S3BucketPolicy(this, 'policy', { bucket: this.bucket.id, policy: policyJson(props.policy), dependsOn: [publicAccess] });
  }
}
