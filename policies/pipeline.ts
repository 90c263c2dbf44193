/**
 * Resource policies of the alarm pipeline in the security account. `orgId` is the organization id (a Terraform
 * reference at synth time, a literal in tests).
 */
import type { Model } from '../config/model';
import { alarmArn, eventRuleArn } from '../config/arn';
import { denyInsecureTransport, keyAdministration, policy, PolicyDocument, Statement } from './document';
import { IntegrationId, principalOf, sourceConditions } from './service-integrations';
import { configBucketKeyUse } from './compliance';
import { formatArn, iamRoleArn, rootUserArn, s3BucketArn } from '../config/arn';
import { JOB_ROLE_NAMES } from '../config/contract';

function accountRoot(accountId: string): string {
  return rootUserArn(accountId);
}

/** Requests without TLS are refused, whoever makes them. */
/** Key for the organization trail's S3 objects and its CloudWatch Logs group. */
export function trailKeyPolicy(model: Model, orgId: string): PolicyDocument {
  const p = model.pipeline;
  const sec = model.security.id;
  const region = model.organization.homeRegion;
  // CloudTrail names the trail in aws:SourceArn (service-integrations.json: cloudtrail-to-kms).
  const fromTrail = sourceConditions('cloudtrail-to-kms', { arns: [p.trailArn] })!;
  return policy(
    keyAdministration(sec),
    {
      Sid: 'CloudTrailEncryptsOrganizationTrail',
      Effect: 'Allow',
      Principal: { Service: principalOf('cloudtrail-to-kms') },
      Action: 'kms:GenerateDataKey*',
      Resource: '*',
      Condition: {
        ...fromTrail,
        StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': formatArn({ service: 'cloudtrail', region: '*', account: model.organization.managementAccountId, resource: 'trail/*' }) },
      },
    },
    {
      Sid: 'CloudTrailDescribesKey',
      Effect: 'Allow',
      Principal: { Service: principalOf('cloudtrail-to-kms') },
      Action: 'kms:DescribeKey',
      Resource: '*',
      Condition: fromTrail,
    },
    {
      Sid: 'CloudWatchLogsEncryptsTrailLogGroup',
      Effect: 'Allow',
      Principal: { Service: principalOf('logs-to-kms', region) },
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

/**
 * Key for the alert topic. The default aws/sns key cannot be used by CloudWatch alarms or EventBridge: alerts would
 * silently drop. SNS makes the KMS call for the publishing service and sends no source key with it (SNS developer guide,
 * key management: compatibility with AWS event sources, see service-integrations.json), so these statements carry only
 * the conditions the facts allow (today none); the topic policy limits who may publish.
 */
export function alertsKeyPolicy(model: Model): PolicyDocument {
  const sec = model.security.id;
  const publisher = (Sid: string, id: IntegrationId, arns: string[]): Statement => {
    const Condition = sourceConditions(id, { account: sec, arns });
    return { Sid, Effect: 'Allow', Principal: { Service: principalOf(id) }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'], Resource: '*', ...(Condition ? { Condition } : {}) };
  };
  return policy(
    keyAdministration(sec),
    publisher('AlarmsPublishEncrypted', 'cloudwatch-to-kms', [alarmArnPattern(model)]),
    publisher('RulesPublishEncrypted', 'events-to-kms', model.delivery.centralRules.map((r) => r.arn)),
  );
}

/** Every rootlock alarm of the security account in the home region. */
function alarmArnPattern(model: Model): string {
  return alarmArn(model.organization.homeRegion, model.security.id, `${model.pipeline.namePrefix}*`);
}

/**
 * Nobody but an AWS service (or the drill's own role) publishes to a topic that pages: a same-account identity policy
 * would otherwise be enough for an administrator of the security account to send fake pages (or a fake all-clear).
 * `aws:PrincipalIsAWSService` is true for a service principal's request
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalisawsservice).
 */
export function denyPublishExceptServices(model: Model, topicArn: string): Statement {
  return {
    Sid: 'OnlyServicesAndTheDrillPublish',
    Effect: 'Deny',
    Principal: '*',
    Action: 'sns:Publish',
    Resource: topicArn,
    Condition: {
      Bool: { 'aws:PrincipalIsAWSService': 'false' },
      ArnNotLike: { 'aws:PrincipalArn': iamRoleArn(model.security.id, JOB_ROLE_NAMES.drill) },
    },
  };
}

/** Who may read a dead-letter queue (its messages are root events that could not be delivered): the audit and drill roles, and the deploy. */
export function deadLetterReaders(model: Pick<Model, 'organization'>, accountId: string): string[] {
  return [iamRoleArn(accountId, JOB_ROLE_NAMES.audit), iamRoleArn(accountId, JOB_ROLE_NAMES.drill), iamRoleArn(accountId, model.organization.deploymentRoleName)];
}

/** Reading or purging a dead-letter queue hides an undelivered page: nobody else, whatever their identity policy says. */
export function denyDeadLetterReads(queueArn: string, readers: string[]): Statement {
  return {
    Sid: 'OnlyAuditAndDrillRead',
    Effect: 'Deny',
    Principal: '*',
    Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:PurgeQueue', 'sqs:ChangeMessageVisibility'],
    Resource: queueArn,
    Condition: { Bool: { 'aws:PrincipalIsAWSService': 'false' }, ArnNotLike: { 'aws:PrincipalArn': readers } },
  };
}

/** The security account manages a paging topic, but never publishes to it: pages come from alarms and rules only. */
export function owningAccountManagesTopic(securityAccountId: string, topicArn: string): Statement {
  return {
    Sid: 'OwningAccountManagesTopic',
    Effect: 'Allow',
    Principal: { AWS: accountRoot(securityAccountId) },
    Action: ['sns:GetTopicAttributes', 'sns:ListSubscriptionsByTopic', 'sns:SetTopicAttributes', 'sns:Subscribe'],
    Resource: topicArn,
  };
}

/** CloudWatch publishes the security account's alarms matching `alarmArnPattern` (aws:SourceArn, service-integrations.json). */
export function alarmsPublish(securityAccountId: string, topicArn: string, alarmArnPattern: string): Statement {
  return {
    Sid: 'AlarmsOfSecurityAccountPublish',
    Effect: 'Allow',
    Principal: { Service: principalOf('cloudwatch-to-sns') },
    Action: 'sns:Publish',
    Resource: topicArn,
    Condition: sourceConditions('cloudwatch-to-sns', { account: securityAccountId, arns: [alarmArnPattern] }),
  };
}

export function topicPolicy(model: Model, topicArn: string, orgId: string): PolicyDocument {
  const sec = model.security.id;
  return policy(
    // No sns:Publish for the account: pages come from the alarms and central rules only (OnlyServicesAndTheDrillPublish below).
    owningAccountManagesTopic(sec, topicArn),
    alarmsPublish(sec, topicArn, alarmArnPattern(model)),
    {
      // Only the central rules: EventBridge sends the rule ARN as aws:SourceArn (see service-integrations.json).
      Sid: 'CentralRulesPublish',
      Effect: 'Allow',
      Principal: { Service: principalOf('events-to-sns') },
      Action: 'sns:Publish',
      Resource: topicArn,
      Condition: sourceConditions('events-to-sns', { account: sec, arns: model.delivery.centralRules.map((r) => r.arn) }),
    },
    {
      Sid: 'OrganizationReadsTopic',
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: ['sns:GetTopicAttributes', 'sns:ListSubscriptionsByTopic'],
      Resource: topicArn,
      Condition: { StringEquals: { 'aws:PrincipalOrgID': orgId } },
    },
    denyPublishExceptServices(model, topicArn),
    denyInsecureTransport('sns:Publish', topicArn),
  );
}

export function trailBucketPolicy(model: Model, orgId: string): PolicyDocument {
  const p = model.pipeline;
  const bucket = s3BucketArn(p.trailBucketName);
  const fromTrail = sourceConditions('cloudtrail-to-s3', { arns: [p.trailArn] })!;
  const withAcl = { ...fromTrail, StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control' } };
  return policy(
    {
      Sid: 'CloudTrailChecksBucketAcl',
      Effect: 'Allow',
      Principal: { Service: principalOf('cloudtrail-to-s3') },
      Action: 's3:GetBucketAcl',
      Resource: bucket,
      Condition: fromTrail,
    },
    {
      Sid: 'CloudTrailWritesManagementAccountLogs',
      Effect: 'Allow',
      Principal: { Service: principalOf('cloudtrail-to-s3') },
      Action: 's3:PutObject',
      Resource: `${bucket}/AWSLogs/${model.organization.managementAccountId}/*`,
      Condition: withAcl,
    },
    {
      Sid: 'CloudTrailWritesOrganizationLogs',
      Effect: 'Allow',
      Principal: { Service: principalOf('cloudtrail-to-s3') },
      Action: 's3:PutObject',
      Resource: `${bucket}/AWSLogs/${orgId}/*`,
      Condition: withAcl,
    },
    denyInsecureTransport('s3:*', [bucket, `${bucket}/*`]),
  );
}

/** Central bucket for AWS Config snapshots and history from every account's recorder. */
export function configBucketPolicy(model: Model, orgId: string): PolicyDocument {
  const bucket = s3BucketArn(model.pipeline.configBucketName);
  const recorderRoles = { 'aws:PrincipalOrgID': orgId };
  const recorderArn = { 'aws:PrincipalArn': iamRoleArn('*', model.pipeline.configRoleName) };
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
      ArnLike: { 'aws:PrincipalArn': iamRoleArn('*', model.pipeline.forwarderRoleName) },
    },
  });
}

/** Dead-letter queue of one account and region: EventBridge rules of that account and region may send failed deliveries. */
export function deadLetterQueuePolicy(queueArn: string, accountId: string, readers: string[] = []): PolicyDocument {
  const region = queueArn.split(':')[3];
  const rulesHere = eventRuleArn(region, accountId, '*');
  const send: Statement = {
    Sid: 'EventBridgeSendsFailedDeliveries',
    Effect: 'Allow',
    Principal: { Service: principalOf('events-to-sqs') },
    Action: 'sqs:SendMessage',
    Resource: queueArn,
    Condition: sourceConditions('events-to-sqs', { account: accountId, arns: [rulesHere] }),
  };
  return readers.length ? policy(send, denyDeadLetterReads(queueArn, readers)) : policy(send);
}

/** Lets EventBridge in a member account put matching events on the central bus (cross-account targets need a role). */
export function forwarderRoleTrust(accountId: string): PolicyDocument {
  return policy({
    Sid: 'EventBridgeOfThisAccount',
    Effect: 'Allow',
    Principal: { Service: principalOf('events-assumes-forwarder-role') },
    Action: 'sts:AssumeRole',
    Condition: sourceConditions('events-assumes-forwarder-role', { account: accountId }),
  });
}

export function forwarderRolePolicy(model: Model): PolicyDocument {
  return policy({ Sid: 'PutOnCentralBus', Effect: 'Allow', Action: 'events:PutEvents', Resource: model.pipeline.busArn });
}

/**
 * Trust of a role a service assumes, with the confused-deputy condition only where the service sends its key: the
 * CloudTrail-to-Logs role gets none (CloudTrail user guide: they do not apply to that role), the Config recorder role
 * requires its own account.
 */
export function serviceRoleTrust(id: 'cloudtrail-to-logs-role' | 'config-assumes-recorder-role', accountId: string): PolicyDocument {
  const Condition = sourceConditions(id, { account: accountId });
  return policy({
    Sid: 'ServiceOfThisAccount',
    Effect: 'Allow',
    Principal: { Service: principalOf(id) },
    Action: 'sts:AssumeRole',
    ...(Condition ? { Condition } : {}),
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
  const bucket = s3BucketArn(model.pipeline.configBucketName);
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
