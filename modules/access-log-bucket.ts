/**
 * The bucket that receives S3 server access logs of the trail and Config buckets (Security Hub S3.9 / CloudTrail.7).
 * Separate and locked down: only S3 log delivery for the named source buckets may write. SSE-S3, not KMS: server
 * access log delivery supports only SSE-S3 on the destination, and a destination may not have Object Lock
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html ,
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-configure.html).
 */
import { Construct } from 'constructs';
import type { Model } from '../config/model';
import { accessLogBucketPolicy } from '../policies/compliance';
import { SecureBucket } from './secure-bucket';

export interface AccessLogBucketProps {
  readonly model: Model;
  /** Buckets of the security account whose access logs land here. */
  readonly sourceBucketNames: string[];
}

export class AccessLogBucket extends Construct {
  readonly bucket: SecureBucket;
  /**
   * The bucket name as a reference to its bucket policy: a source bucket's logging configuration that uses it is set
   * only after the policy lets S3 deliver (S3 checks the destination's permissions when logging is configured).
   */
  readonly targetName: string;

  constructor(scope: Construct, id: string, props: AccessLogBucketProps) {
    super(scope, id);
    this.bucket = new SecureBucket(this, 'bucket', {
      name: props.model.compliance.accessLogBucketName,
      policy: accessLogBucketPolicy(props.model, props.sourceBucketNames),
    });
    this.targetName = this.bucket.policy.bucket;
  }
}
