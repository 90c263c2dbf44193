/**
 * Health of the pipeline, observed from the security account by a path that does not ride what it watches:
 *
 * - a heartbeat per account and event region: a scheduled rule in each account forwards a "Scheduled Event" to the
 *   central bus through the same forwarder role, bus policy and queue as every root event; the central heartbeat rule
 *   writes it to a log group whose metric filter counts it per account and region; one alarm per account and region
 *   treats missing data as breaching. A broken bus policy, forwarder role or rule is therefore a page within the
 *   heartbeat window (a silent account is a page, not a quiet night), and the page needs nothing of the broken path.
 * - a health topic with its own KMS key: every alarm that watches delivery (heartbeats, dead-letter queues, rule
 *   failures, the trail's delivery, the alert topic's failed notifications) publishes there, never to the alert topic
 *   or with the alert key it watches. The health topic's own failed notifications are watched from the alert topic, so
 *   each topic watches the other.
 * - a dead-letter queue for every subscription of both topics (SNS redrive policy), watched by an alarm.
 * - every account's forwarding dead-letter queues, watched from the security account by CloudWatch cross-account
 *   alarms (`forwardingWatch`): a path that drops some events while still carrying the heartbeat pages too, and the
 *   page needs nothing of the account's own path.
 *
 * Names and ARNs are built here once; modules and runbooks read them.
 */
import { alarmArn, formatArn, logGroupArn, snsTopicArn, sqsQueueArn } from './arn';
import { METRIC_NAMESPACE, prefixed } from './contract';
import { FORWARDING_ALARM_PREFIX } from '../detections/pipeline-health';

/** The scheduled rule in every account and event region; EventBridge's finest rate is one minute. */
export const HEARTBEAT_RULE_NAME = prefixed('heartbeat');
/** Minutes between heartbeats (EventBridge rate expression). */
export const HEARTBEAT_RATE_MINUTES = 5;
/** Consecutive missing heartbeats that page: three periods, so one late event never pages. */
export const HEARTBEAT_MISSED_PERIODS = 3;

export interface HeartbeatAlarm {
  accountId: string;
  accountName: string;
  region: string;
  alarmName: string;
}

/**
 * CloudWatch cross-account alarms: the sharing account must have a role of exactly this name whose policy grants the
 * monitoring account, and the monitoring account the service-linked role below, through which CloudWatch assumes it
 * (PutMetricAlarm, "Cross-account alarms": https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html).
 */
export const CLOUDWATCH_SHARING_ROLE_NAME = 'CloudWatch-CrossAccountSharingRole';
export const CLOUDWATCH_CROSS_ACCOUNT_SERVICE = 'cloudwatch-crossaccount.amazonaws.com';
const CLOUDWATCH_CROSS_ACCOUNT_ROLE = 'AWSServiceRoleForCloudWatchCrossAccount';

/**
 * The security account's alarm on one account's forwarding dead-letter queue in one region. An alarm watches metrics
 * of its own region only ("Cross-Region functionality is not supported for alarms",
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Cross-Account-Cross-Region.html), so each lives in the
 * queue's region; an alarm action reaches a topic of that region only, so:
 * - `health-topic`: in the home region, the alarm's actions page the health topic;
 * - `forwarded-state-change`: in any other region, the alarm has no action; its name starts with the forwarding-alarm
 *   prefix, so the security account's own `forwarding-failed` rule of that region carries its state change to the
 *   central bus, which pages. Either way nothing of the watched account's path is used.
 */
export interface ForwardingWatchAlarm {
  accountId: string;
  accountName: string;
  region: string;
  alarmName: string;
  pagesThrough: 'health-topic' | 'forwarded-state-change';
  /** False for the security account's own queues (same-account alarm, no `AccountId` on the query). */
  crossAccount: boolean;
}

/** The name of the security account's alarm on an account's forwarding queue in a region (see ForwardingWatchAlarm). */
export function forwardingWatchAlarmName(accountId: string, region: string, homeRegion: string): string {
  return region === homeRegion ? prefixed(`health-forwarding-dlq-${accountId}-${region}`) : `${FORWARDING_ALARM_PREFIX}dlq-${accountId}-${region}`;
}

export interface HealthModel {
  topicName: string;
  topicArn: string;
  keyAlias: string;
  /** Every rootlock alarm of the security account that publishes to the health topic (the topic and key policies name them). */
  alarmArnPattern: string;
  heartbeat: {
    ruleName: string;
    scheduleExpression: string;
    periodSeconds: number;
    missedPeriods: number;
    /** Central rule on the central bus that stores heartbeats in the log group. */
    centralRuleName: string;
    logGroupName: string;
    logGroupArn: string;
    metricNamespace: string;
    metricName: string;
    /** Metric filter dimensions: the sender's account and region, read from the event. */
    dimensions: { Account: string; Region: string };
    alarms: HeartbeatAlarm[];
  };
  /** NumberOfNotificationsFailed alarms: the alert and compliance topics page through the health topic, the health topic through the alert topic. */
  notificationFailures: Array<{ topicName: string; alarmName: string; pagesThrough: 'health' | 'alerts' }>;
  /** Every account's forwarding dead-letter queues, watched from the security account (cross-account alarms). */
  forwardingWatch: {
    queueName: string;
    /** Created in every account but the security account; trusts only CloudWatch's service-linked role of the security account. */
    sharingRoleName: string;
    /** In the security account: CloudWatch assumes the sharing roles as this role. */
    serviceLinkedRole: { service: string; name: string; arn: string };
    alarms: ForwardingWatchAlarm[];
  };
  /** Dead-letter queue of every subscription of the alert, compliance and health topics. */
  subscriptionDeadLetterQueue: { name: string; arn: string; alarmName: string };
  /**
   * The drill's own health alarm: never fed by a metric (so it stays OK), its only action the health topic. `npm run
   * drill -- --inject` sets it to ALARM (SetAlarmState) to prove a health page reaches the health topic's subscribers
   * by the path every watch alarm uses (alarm action, health topic, health key), as the `drill` rule does for events.
   */
  drillAlarm: { alarmName: string; alarmArn: string; metricName: string };
}

export interface HealthInput {
  homeRegion: string;
  securityId: string;
  eventRegions: string[];
  accounts: Array<{ id: string; name: string }>;
  alertTopicName: string;
  complianceTopicName: string;
  /** Every account's forwarding dead-letter queue (one per event region). */
  forwardingQueueName: string;
}

export function resolveHealth(i: HealthInput): HealthModel {
  const topicName = prefixed('health');
  const logGroupName = `/aws/events/${prefixed('heartbeat')}`;
  const dlqName = prefixed('subscription-dlq');
  return {
    topicName,
    topicArn: snsTopicArn(i.homeRegion, i.securityId, topicName),
    keyAlias: `alias/${prefixed('health')}`,
    alarmArnPattern: alarmArn(i.homeRegion, i.securityId, prefixed('*')),
    heartbeat: {
      ruleName: HEARTBEAT_RULE_NAME,
      scheduleExpression: `rate(${HEARTBEAT_RATE_MINUTES} minutes)`,
      periodSeconds: HEARTBEAT_RATE_MINUTES * 60,
      missedPeriods: HEARTBEAT_MISSED_PERIODS,
      centralRuleName: HEARTBEAT_RULE_NAME,
      logGroupName,
      logGroupArn: logGroupArn(i.homeRegion, i.securityId, logGroupName),
      metricNamespace: METRIC_NAMESPACE,
      metricName: 'Heartbeat',
      dimensions: { Account: '$.account', Region: '$.region' },
      alarms: i.accounts.flatMap((a) =>
        i.eventRegions.map((region) => ({ accountId: a.id, accountName: a.name, region, alarmName: prefixed(`heartbeat-${a.id}-${region}`) })),
      ),
    },
    forwardingWatch: {
      queueName: i.forwardingQueueName,
      sharingRoleName: CLOUDWATCH_SHARING_ROLE_NAME,
      serviceLinkedRole: {
        service: CLOUDWATCH_CROSS_ACCOUNT_SERVICE,
        name: CLOUDWATCH_CROSS_ACCOUNT_ROLE,
        arn: formatArn({ service: 'iam', account: i.securityId, resource: `role/aws-service-role/${CLOUDWATCH_CROSS_ACCOUNT_SERVICE}/${CLOUDWATCH_CROSS_ACCOUNT_ROLE}` }),
      },
      alarms: i.accounts.flatMap((a) =>
        i.eventRegions.map((region) => ({
          accountId: a.id,
          accountName: a.name,
          region,
          alarmName: forwardingWatchAlarmName(a.id, region, i.homeRegion),
          pagesThrough: region === i.homeRegion ? ('health-topic' as const) : ('forwarded-state-change' as const),
          crossAccount: a.id !== i.securityId,
        })),
      ),
    },
    notificationFailures: [
      { topicName: i.alertTopicName, alarmName: prefixed('pipeline-alert-notifications-failed'), pagesThrough: 'health' },
      { topicName: i.complianceTopicName, alarmName: prefixed('pipeline-compliance-notifications-failed'), pagesThrough: 'health' },
      { topicName, alarmName: prefixed('pipeline-health-notifications-failed'), pagesThrough: 'alerts' },
    ],
    subscriptionDeadLetterQueue: { name: dlqName, arn: sqsQueueArn(i.homeRegion, i.securityId, dlqName), alarmName: prefixed('pipeline-subscription-dlq-not-empty') },
    drillAlarm: { alarmName: prefixed('drill-health'), alarmArn: alarmArn(i.homeRegion, i.securityId, prefixed('drill-health')), metricName: 'HealthDrill' },
  };
}

/** The event pattern of the central heartbeat rule: scheduled events of the heartbeat rule, from any account and region. */
export function heartbeatPattern(h: HealthModel['heartbeat']): Record<string, unknown> {
  return { source: ['aws.events'], 'detail-type': ['Scheduled Event'], resources: [{ wildcard: `arn:aws:events:*:*:rule/${h.ruleName}` }] };
}
