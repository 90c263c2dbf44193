/**
 * Alarms on the pipeline's own health: a dead-letter queue holding a message, a rule failing its invocations. All live
 * in the security account: the pipeline watch (actions: the health topic) and the forwarding watch, which reads every
 * account's forwarding queue across accounts (modules/forwarding-watch.ts).
 */
import { Construct } from 'constructs';
import type { ITerraformDependable } from 'cdktf';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import type { AwsProvider } from '@cdktf/provider-aws/lib/provider';

interface WatchAlarmProps {
  provider?: AwsProvider;
  alarmName: string;
  description: string;
  /** Alarm actions; empty where the state change reaches the pager through EventBridge. */
  actions: string[];
}

/**
 * The shape of every watch alarm: one breaching datapoint in one period pages, and no data is healthy (SQS and
 * EventBridge publish these metrics only when something happened).
 */
export const ANY_ONE_IN_A_PERIOD = {
  evaluationPeriods: 1,
  threshold: 1,
  comparisonOperator: 'GreaterThanOrEqualToThreshold',
  treatMissingData: 'notBreaching',
} as const;

/**
 * Any message visible in a dead-letter queue. SQS stops publishing metrics of a queue that stays empty for a while, so
 * missing data is "not breaching": an empty, idle queue is healthy. With `accountId`, a cross-account alarm on the
 * queue of that account (same region): the metric is then a query with `AccountId`, the only form PutMetricAlarm takes
 * for another account's metric (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_MetricDataQuery.html).
 */
export function queueNotEmptyAlarm(scope: Construct, id: string, props: QueueAlarmProps): CloudwatchMetricAlarm {
  return new CloudwatchMetricAlarm(scope, id, queueNotEmptyAlarmProps(props));
}

type QueueAlarmProps = WatchAlarmProps & { queueName: string; accountId?: string; okActions?: string[]; dependsOn?: ITerraformDependable[] };

/** The alarm as data (its Terraform arguments), so an emulator test can put the very same alarm with the SDK. */
export function queueNotEmptyAlarmProps(props: QueueAlarmProps) {
  const metric = { namespace: 'AWS/SQS', metricName: 'ApproximateNumberOfMessagesVisible', dimensions: { QueueName: props.queueName } };
  const period = 300;
  return {
    provider: props.provider,
    alarmName: props.alarmName,
    alarmDescription: props.description,
    ...(props.accountId
      ? { metricQuery: [{ id: 'depth', accountId: props.accountId, returnData: true, metric: { ...metric, stat: 'Maximum', period } }] }
      : { ...metric, statistic: 'Maximum', period }),
    ...ANY_ONE_IN_A_PERIOD,
    alarmActions: props.actions,
    ...(props.okActions ? { okActions: props.okActions } : {}),
    ...(props.dependsOn ? { dependsOn: props.dependsOn } : {}),
  };
}

/**
 * Any permanently failed invocation of a rule. EventBridge publishes FailedInvocations only when it is not zero, with
 * RuleName alone on the default bus and EventBusName plus RuleName on a custom bus
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html).
 */
export function ruleFailureAlarm(scope: Construct, id: string, props: WatchAlarmProps & { ruleName: string; eventBusName?: string; periodSeconds: number }): CloudwatchMetricAlarm {
  return new CloudwatchMetricAlarm(scope, id, {
    provider: props.provider,
    alarmName: props.alarmName,
    alarmDescription: props.description,
    namespace: 'AWS/Events',
    metricName: 'FailedInvocations',
    dimensions: { ...(props.eventBusName ? { EventBusName: props.eventBusName } : {}), RuleName: props.ruleName },
    statistic: 'Sum',
    period: props.periodSeconds,
    ...ANY_ONE_IN_A_PERIOD,
    alarmActions: props.actions,
  });
}
