/**
 * The central AWS Config bucket in the security account: every account's recorder delivers here. Encrypted with its
 * own KMS key (Security Hub S3.17), access-logged. No Object Lock: AWS Config does not deliver to a bucket with Object
 * Lock (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-config-deliverychannel.html).
 * A SecureBucket itself, so the bucket keeps the Terraform addresses it had before this module existed.
 */
import { Construct } from 'constructs';
import type { Model } from '../config/model';
import { accessLogPrefix } from '../config/model-compliance';
import { configBucketPolicy } from '../policies/pipeline';
import { configKeyPolicy } from '../policies/compliance';
import { EncryptionKey } from './encryption-key';
import { SecureBucket } from './secure-bucket';

export interface ConfigBucketProps {
  readonly model: Model;
  readonly organizationId: string;
  /** Bucket that receives the server access logs (a Terraform reference, so it exists first). */
  readonly accessLogBucketName: string;
}

export class ConfigBucket extends SecureBucket {
  constructor(scope: Construct, id: string, props: ConfigBucketProps) {
    const { model } = props;
    const name = model.pipeline.configBucketName;
    const key = new EncryptionKey(scope, `${id}_key`, {
      purpose: 'config-bucket',
      alias: model.compliance.configKeyAlias,
      description: 'rootlock central AWS Config bucket: configuration snapshots and history of every account.',
      policy: configKeyPolicy(model, props.organizationId),
    });
    super(scope, id, {
      name,
      policy: configBucketPolicy(model, props.organizationId),
      kmsKeyArn: key.key.arn,
      accessLogs: { bucketName: props.accessLogBucketName, prefix: accessLogPrefix(name) },
    });
  }
}
