/**
 * Resource policies of the health path (config/model-health.ts): the health topic and its own key, the subscription
 * dead-letter queue, the heartbeat log group. Pure functions of the model.
 */
import type { Model } from '../config/model';
import { policy, PolicyDocument } from './document';
import { principalOf, sourceConditions } from './service-integrations';
import { alarmsPublish, deadLetterReaders, denyDeadLetterReads, denyPublishExceptServices, owningAccountManagesTopic } from './pipeline';
import { denyInsecureTransport, keyAdministration } from './document';
import { rootUserArn } from '../config/arn';

/** Only CloudWatch alarms of the security account use the health key: nothing the alert key's failure can touch. */
export function healthKeyPolicy(model: Model): PolicyDocument {
  const sec = model.security.id;
  const Condition = sourceConditions('cloudwatch-to-kms', { account: sec, arns: [model.health.alarmArnPattern] });
  return policy(keyAdministration(sec), {
    Sid: 'AlarmsPublishEncrypted',
    Effect: 'Allow',
    Principal: { Service: principalOf('cloudwatch-to-kms') },
    Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
    Resource: '*',
    ...(Condition ? { Condition } : {}),
  });
}

export function healthTopicPolicy(model: Model): PolicyDocument {
  const sec = model.security.id;
  const topicArn = model.health.topicArn;
  return policy(
    owningAccountManagesTopic(sec, topicArn),
    alarmsPublish(sec, topicArn, model.health.alarmArnPattern),
    denyPublishExceptServices(model, topicArn),
    denyInsecureTransport('sns:Publish', topicArn),
  );
}

/** The subscription dead-letter queue: SNS moves undeliverable messages of the three topics here. */
export function subscriptionDeadLetterQueuePolicy(model: Model): PolicyDocument {
  const q = model.health.subscriptionDeadLetterQueue;
  const topics = [model.pipeline.topicArn, model.compliance.topicArn, model.health.topicArn];
  return policy(
    {
      Sid: 'TopicsMoveUndeliverableMessages',
      Effect: 'Allow',
      Principal: { Service: principalOf('sns-to-sqs') },
      Action: 'sqs:SendMessage',
      Resource: q.arn,
      Condition: sourceConditions('sns-to-sqs', { arns: topics }),
    },
    denyDeadLetterReads(q.arn, deadLetterReaders(model, model.security.id)),
  );
}

/** EventBridge writes heartbeats to their log group (CloudWatch Logs resource policy; no source key is sent). */
export function heartbeatLogGroupPolicy(model: Model): PolicyDocument {
  const h = model.health.heartbeat;
  return policy({
    Sid: 'EventBridgeWritesHeartbeats',
    Effect: 'Allow',
    Principal: { Service: [principalOf('events-to-logs'), 'delivery.logs.amazonaws.com'] },
    Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
    Resource: `${h.logGroupArn}:*`,
  });
}

/**
 * Trust of `CloudWatch-CrossAccountSharingRole` in an account the security account watches: the security account, and
 * within it only CloudWatch's cross-account service-linked role (the role CloudWatch assumes it as, PutMetricAlarm
 * "Cross-account alarms"). An administrator of the security account gets no read of another account's metrics
 * through it, and nobody else gets anything.
 */
export function metricSharingRoleTrust(model: Model): PolicyDocument {
  const w = model.health.forwardingWatch;
  return policy({
    Sid: 'CloudWatchOfTheSecurityAccount',
    Effect: 'Allow',
    Principal: { AWS: rootUserArn(model.security.id) },
    Action: 'sts:AssumeRole',
    Condition: { ArnEquals: { 'aws:PrincipalArn': w.serviceLinkedRole.arn } },
  });
}

/** What the security account's cross-account alarms read: metric data, nothing else. */
export function metricSharingRolePolicy(): PolicyDocument {
  return policy({ Sid: 'ReadMetrics', Effect: 'Allow', Action: ['cloudwatch:GetMetricData', 'cloudwatch:GetMetricStatistics', 'cloudwatch:ListMetrics'], Resource: '*' });
}
