/**
 * Resource policies of the alarm pipeline in the security account. `orgId` is the organization id (a Terraform
 * reference at synth time, a literal in tests).
 */
import type { Model } from '../config/model';
import { PARTITION } from '../config/model';
import { policy, PolicyDocument, Statement } from './document';
import { configBucketKeyUse } from './compliance';

function accountRoot(accountId: string): string {
  return `arn:${PARTITION}:iam::${accountId}:root`;
}

/** Requests without TLS are refused, whoever makes them. */
export function denyInsecureTransport(action: string, resource: string | string[]): Statement {
  return { Sid: 'DenyInsecureTransport', Effect: 'Deny', Principal: '*', Action: action, Resource: resource, Condition: { Bool: { 'aws:SecureTransport': 'false' } } };
}

export function keyAdministration(accountId: string): Statement {
  // Without this the key becomes unmanageable; IAM policies in the owning account decide who administers it.
  return { Sid: 'OwningAccountAdministersKey', Effect: 'Allow', Principal: { AWS: accountRoot(accountId) }, Action: 'kms:*', Resource: '*' };
}

/** Key for the organization trail's S3 objects and its CloudWatch Logs group. */
export function trailKeyPolicy(model: Model, orgId: string): PolicyDocument {
  const p = model.pipeline;
  const sec = model.security.id;
  const region = model.organization.homeRegion;
  return policy(
    keyAdministration(sec),
    {
      Sid: 'CloudTrailEncryptsOrganizationTrail',
      Effect: 'Allow',
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Action: 'kms:GenerateDataKey*',
      Resource: '*',
      Condition: {
        StringEquals: { 'aws:SourceArn': p.trailArn },
        StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': `arn:${PARTITION}:cloudtrail:*:${model.organization.managementAccountId}:trail/*` },
      },
    },
    {
      Sid: 'CloudTrailDescribesKey',
      Effect: 'Allow',
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Action: 'kms:DescribeKey',
      Resource: '*',
      Condition: { StringEquals: { 'aws:SourceArn': p.trailArn } },
    },
    {
      Sid: 'CloudWatchLogsEncryptsTrailLogGroup',
      Effect: 'Allow',
      Principal: { Service: `logs.${region}.amazonaws.com` },
      Action: ['kms:Decrypt', 'kms:Describe*', 'kms:Encrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'],
      Resource: '*',
      Condition: { ArnEquals: { 'kms:EncryptionContext:aws:logs:arn': p.logGroupArn } },
    },
    {
      Sid: 'OrganizationReadsTrailLogs',
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: ['kms:Decrypt', 'kms:ReEncryptFrom'],
      Resource: '*',
      Condition: {
        StringEquals: { 'aws:PrincipalOrgID': orgId, 'kms:CallerAccount': model.security.id },
        Null: { 'kms:EncryptionContext:aws:cloudtrail:arn': 'false' },
      },
    },
  );
}

/** Key for the alert topic. The default aws/sns key cannot be used by CloudWatch alarms or EventBridge: alerts would silently drop. */
export function alertsKeyPolicy(model: Model): PolicyDocument {
  const sec = model.security.id;
  return policy(keyAdministration(sec), {
    Sid: 'AlarmsAndRulesPublishEncrypted',
    Effect: 'Allow',
    Principal: { Service: ['cloudwatch.amazonaws.com', 'events.amazonaws.com'] },
    Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
    Resource: '*',
    Condition: { StringEquals: { 'aws:SourceAccount': sec } },
  });
}

export function topicPolicy(model: Model, topicArn: string, orgId: string): PolicyDocument {
  const sec = model.security.id;
  return policy(
    {
      Sid: 'OwningAccountManagesTopic',
      Effect: 'Allow',
      Principal: { AWS: accountRoot(sec) },
      Action: ['sns:GetTopicAttributes', 'sns:ListSubscriptionsByTopic', 'sns:Publish', 'sns:SetTopicAttributes', 'sns:Subscribe'],
      Resource: topicArn,
    },
    {
      Sid: 'AlarmsAndRulesOfSecurityAccountPublish',
      Effect: 'Allow',
      Principal: { Service: ['cloudwatch.amazonaws.com', 'events.amazonaws.com'] },
      Action: 'sns:Publish',
      Resource: topicArn,
      Condition: { StringEquals: { 'aws:SourceAccount': sec } },
    },
    {
      Sid: 'OrganizationReadsTopic',
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: ['sns:GetTopicAttributes', 'sns:ListSubscriptionsByTopic'],
      Resource: topicArn,
      Condition: { StringEquals: { 'aws:PrincipalOrgID': orgId } },
    },
    denyInsecureTransport('sns:Publish', topicArn),
  );
}

export function trailBucketPolicy(model: Model, orgId: string): PolicyDocument {
  const p = model.pipeline;
  const bucket = `arn:${PARTITION}:s3:::${p.trailBucketName}`;
  const fromTrail = { 'aws:SourceArn': p.trailArn };
  return policy(
    {
      Sid: 'CloudTrailChecksBucketAcl',
      Effect: 'Allow',
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Action: 's3:GetBucketAcl',
      Resource: bucket,
      Condition: { StringEquals: fromTrail },
    },
    {
      Sid: 'CloudTrailWritesManagementAccountLogs',
      Effect: 'Allow',
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Action: 's3:PutObject',
      Resource: `${bucket}/AWSLogs/${model.organization.managementAccountId}/*`,
      Condition: { StringEquals: { ...fromTrail, 's3:x-amz-acl': 'bucket-owner-full-control' } },
    },
    {
      Sid: 'CloudTrailWritesOrganizationLogs',
      Effect: 'Allow',
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Action: 's3:PutObject',
      Resource: `${bucket}/AWSLogs/${orgId}/*`,
      Condition: { StringEquals: { ...fromTrail, 's3:x-amz-acl': 'bucket-owner-full-control' } },
    },
    denyInsecureTransport('s3:*', [bucket, `${bucket}/*`]),
  );
}

/** Central bucket for AWS Config snapshots and history from every account's recorder. */
export function configBucketPolicy(model: Model, orgId: string): PolicyDocument {
  const bucket = `arn:${PARTITION}:s3:::${model.pipeline.configBucketName}`;
  const recorderRoles = { 'aws:PrincipalOrgID': orgId };
  const recorderArn = { 'aws:PrincipalArn': `arn:${PARTITION}:iam::*:role/${model.pipeline.configRoleName}` };
  return policy(
    {
      Sid: 'RecordersCheckBucket',
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: ['s3:GetBucketAcl', 's3:ListBucket'],
      Resource: bucket,
      Condition: { StringEquals: recorderRoles, ArnLike: recorderArn },
    },
    {
      Sid: 'RecordersDeliver',
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: 's3:PutObject',
      Resource: `${bucket}/AWSLogs/*`,
      Condition: { StringEquals: { ...recorderRoles, 's3:x-amz-acl': 'bucket-owner-full-control' }, ArnLike: recorderArn },
    },
    denyInsecureTransport('s3:*', [bucket, `${bucket}/*`]),
  );
}

/** Only forwarder roles of this organization's accounts may put events on the central bus. */
export function busPolicy(model: Model, orgId: string): PolicyDocument {
  return policy({
    Sid: 'OrganizationForwardersPutEvents',
    Effect: 'Allow',
    Principal: { AWS: '*' },
    Action: 'events:PutEvents',
    Resource: model.pipeline.busArn,
    Condition: {
      StringEquals: { 'aws:PrincipalOrgID': orgId },
      ArnLike: { 'aws:PrincipalArn': `arn:${PARTITION}:iam::*:role/${model.pipeline.forwarderRoleName}` },
    },
  });
}

/** Dead-letter queue of one account and region: EventBridge rules of that account may send failed deliveries. */
export function deadLetterQueuePolicy(queueArn: string, accountId: string): PolicyDocument {
  return policy({
    Sid: 'EventBridgeSendsFailedDeliveries',
    Effect: 'Allow',
    Principal: { Service: 'events.amazonaws.com' },
    Action: 'sqs:SendMessage',
    Resource: queueArn,
    Condition: { StringEquals: { 'aws:SourceAccount': accountId } },
  });
}

/** Lets EventBridge in a member account put matching events on the central bus (cross-account targets need a role). */
export function forwarderRoleTrust(accountId: string): PolicyDocument {
  return policy({
    Sid: 'EventBridgeOfThisAccount',
    Effect: 'Allow',
    Principal: { Service: 'events.amazonaws.com' },
    Action: 'sts:AssumeRole',
    Condition: { StringEquals: { 'aws:SourceAccount': accountId } },
  });
}

export function forwarderRolePolicy(model: Model): PolicyDocument {
  return policy({ Sid: 'PutOnCentralBus', Effect: 'Allow', Action: 'events:PutEvents', Resource: model.pipeline.busArn });
}

export function serviceRoleTrust(service: string, accountId: string): PolicyDocument {
  return policy({
    Sid: 'ServiceOfThisAccount',
    Effect: 'Allow',
    Principal: { Service: service },
    Action: 'sts:AssumeRole',
    Condition: { StringEquals: { 'aws:SourceAccount': accountId } },
  });
}

/** CloudTrail's own role for delivering to the log group: create streams and put events there, nothing else. */
export function cloudTrailToLogsPolicy(model: Model): PolicyDocument {
  return policy({
    Sid: 'DeliverToTrailLogGroup',
    Effect: 'Allow',
    Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
    Resource: `${model.pipeline.logGroupArn}:log-stream:*`,
  });
}

export function configRecorderDeliveryPolicy(model: Model): PolicyDocument {
  const bucket = `arn:${PARTITION}:s3:::${model.pipeline.configBucketName}`;
  return policy(
    { Sid: 'CheckCentralBucket', Effect: 'Allow', Action: ['s3:GetBucketAcl', 's3:ListBucket'], Resource: bucket },
    {
      Sid: 'DeliverToCentralBucket',
      Effect: 'Allow',
      Action: 's3:PutObject',
      Resource: `${bucket}/AWSLogs/*`,
      Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control' } },
    },
    configBucketKeyUse(model),
  );
}
