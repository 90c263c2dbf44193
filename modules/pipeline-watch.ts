/**
 * The pipeline watching itself in the security account: the organization trail still delivers to its log group, the
 * alert dead-letter queue is empty, no central rule fails to publish, and no topic fails to notify its subscribers.
 * Each alarm pages through the health topic (its own key, config/model-health.ts), never the alert topic or key it
 * watches; the health topic's own failures page through the alert topic, so each topic watches the other.
 * NumberOfNotificationsFailed: SNS metrics by TopicName
 * (https://docs.aws.amazon.com/sns/latest/dg/sns-monitoring-using-cloudwatch.html).
 */
import { Construct } from 'constructs';
import { TerraformOutput } from 'cdktf';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import type { Model } from '../config/model';
import { ANY_ONE_IN_A_PERIOD, queueNotEmptyAlarm, ruleFailureAlarm } from './watch-alarms';

export interface PipelineWatchProps {
  model: Model;
  logGroupName: string;
  /** Alert topic: pages the health topic's own delivery failures. */
  topicArn: string;
  /** Health topic: every other watch alarm pages here. */
  healthTopicArn: string;
}

export class PipelineWatch extends Construct {
  constructor(scope: Construct, id: string, props: PipelineWatchProps) {
    super(scope, id);
    const { model } = props;
    const w = model.delivery.watch;
    const page = (severity: string, what: string, playbook: string) => `${severity}: ${what}. Playbook: ${model.playbooks.url(playbook)}`;
    const names: string[] = [];

    // No events for a whole window is breaching, and so is no data at all: silence must never look like "no root activity".
    new CloudwatchMetricAlarm(this, 'trail_delivery', {
      alarmName: w.trailDelivery.alarmName,
      alarmDescription: page('CRITICAL', `The organization trail delivered nothing to ${model.pipeline.logGroupName} for ${w.trailDelivery.windowMinutes} minutes: every root alarm is blind`, w.trailDelivery.id),
      namespace: 'AWS/Logs',
      metricName: 'IncomingLogEvents',
      dimensions: { LogGroupName: props.logGroupName },
      statistic: 'Sum',
      period: w.trailDelivery.windowMinutes * 60,
      evaluationPeriods: 1,
      threshold: 1,
      comparisonOperator: 'LessThanThreshold',
      treatMissingData: 'breaching',
      alarmActions: [props.healthTopicArn],
      okActions: [props.healthTopicArn],
    });
    names.push(w.trailDelivery.alarmName);

    const central = model.delivery.deadLetterQueues.find((q) => q.purpose === 'alert-delivery')!;
    queueNotEmptyAlarm(this, 'alert_dlq', {
      alarmName: central.alarmName,
      description: page('CRITICAL', `An alert could not be published to the topic and waits in ${central.name}`, w.alertDelivery.id),
      queueName: central.name,
      actions: [props.healthTopicArn],
    });
    names.push(central.alarmName);

    for (const r of model.delivery.centralRules) {
      ruleFailureAlarm(this, `${r.detectionId.replace(/-/g, '_')}_failed`, {
        alarmName: r.failureAlarmName,
        description: page('CRITICAL', `Rule ${r.ruleName} failed to publish to the alert topic`, w.alertDelivery.id),
        ruleName: r.ruleName,
        eventBusName: r.eventBusName,
        periodSeconds: 300,
        actions: [props.healthTopicArn],
      });
      names.push(r.failureAlarmName);
    }
    for (const f of model.health.notificationFailures) {
      new CloudwatchMetricAlarm(this, `${f.alarmName.replace(/-/g, '_')}`, {
        alarmName: f.alarmName,
        alarmDescription: page('CRITICAL', `Topic ${f.topicName} failed to notify a subscriber (pager, mailbox): pages are being lost`, w.alertDelivery.id),
        namespace: 'AWS/SNS',
        metricName: 'NumberOfNotificationsFailed',
        dimensions: { TopicName: f.topicName },
        statistic: 'Sum',
        period: 300,
        ...ANY_ONE_IN_A_PERIOD,
        alarmActions: [f.pagesThrough === 'health' ? props.healthTopicArn : props.topicArn],
      });
      names.push(f.alarmName);
    }
    new TerraformOutput(this, 'watch_alarm_names', { value: names, description: 'Alarms watching the alert pipeline itself.' });
  }
}
