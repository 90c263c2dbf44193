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
 *
 * Names and ARNs are built here once; modules and runbooks read them.
 */
import { alarmArn, logGroupArn, snsTopicArn, sqsQueueArn } from './arn';
import { METRIC_NAMESPACE, prefixed } from './contract';

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
