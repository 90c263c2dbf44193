/**
 * Policies of the compliance additions: the access-log bucket (S3 server access logging delivers as the logging
 * service principal) and the central AWS Config bucket's KMS key. `orgId` as in pipeline.ts.
 */
import type { Model } from '../config/model';
import { accessLogPrefix } from '../config/model-compliance';
import { denyInsecureTransport, keyAdministration, policy, PolicyDocument, Statement } from './document';
import { formatArn, iamRoleArn, s3BucketArn } from '../config/arn';

/**
 * Only S3 server access logging of the named source buckets of the security account may write, each under its own
 * prefix. Source: https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html
 * (bucket policy for logging.s3.amazonaws.com with aws:SourceArn and aws:SourceAccount; ACL grants do not work with
 * BucketOwnerEnforced).
 */
export function accessLogBucketPolicy(model: Model, sourceBucketNames: string[]): PolicyDocument {
  const bucket = model.compliance.accessLogBucketArn;
  const writes: Statement[] = sourceBucketNames.map((source, i) => ({
    Sid: `S3ServerAccessLogsFromSource${i}`,
    Effect: 'Allow',
    Principal: { Service: 'logging.s3.amazonaws.com' },
    Action: 's3:PutObject',
    Resource: `${bucket}/${accessLogPrefix(source)}*`,
    Condition: { ArnLike: { 'aws:SourceArn': s3BucketArn(source) }, StringEquals: { 'aws:SourceAccount': model.security.id } },
  }));
  return policy(...writes, denyInsecureTransport('s3:*', [bucket, `${bucket}/*`]));
}

const viaS3 = (model: Model) => ({ 'kms:ViaService': `s3.${model.organization.homeRegion}.amazonaws.com` });

/**
 * Key of the central Config bucket. Every account's recorder delivers with its own role (rootlock-config-recorder),
 * so the key lets those roles of the organization encrypt through S3 only. Source:
 * https://docs.aws.amazon.com/config/latest/developerguide/s3-kms-key-policy.html (kms:GenerateDataKey and
 * kms:Decrypt for the delivering principal).
 */
export function configKeyPolicy(model: Model, orgId: string): PolicyDocument {
  return policy(keyAdministration(model.security.id), {
    Sid: 'RecordersEncryptConfigDeliveries',
    Effect: 'Allow',
    Principal: { AWS: '*' },
    Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
    Resource: '*',
    Condition: {
      StringEquals: { 'aws:PrincipalOrgID': orgId, ...viaS3(model) },
      ArnLike: { 'aws:PrincipalArn': iamRoleArn('*', model.pipeline.configRoleName) },
    },
  });
}

/** The recorder role's side of the cross-account key use (key policy and identity policy must both allow). */
export function configBucketKeyUse(model: Model): Statement {
  return {
    Sid: 'EncryptWithCentralBucketKey',
    Effect: 'Allow',
    Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
    Resource: formatArn({ service: 'kms', region: model.organization.homeRegion, account: model.security.id, resource: 'key/*' }),
    Condition: { StringEquals: viaS3(model) },
  };
}
