/**
 * The pipeline watching itself in the security account: the organization trail still delivers to its log group, the
 * alert dead-letter queue is empty, and no central rule fails to publish. Each alarm pages through the alert topic
 * (CloudWatch publishes with its own key statement, so a broken EventBridge path cannot silence these).
 */
import { Construct } from 'constructs';
import { TerraformOutput } from 'cdktf';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import type { Model } from '../config/model';
import { queueNotEmptyAlarm, ruleFailureAlarm } from './watch-alarms';

export interface PipelineWatchProps {
  model: Model;
  logGroupName: string;
  topicArn: string;
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
      alarmActions: [props.topicArn],
      okActions: [props.topicArn],
    });
    names.push(w.trailDelivery.alarmName);

    const central = model.delivery.deadLetterQueues.find((q) => q.purpose === 'alert-delivery')!;
    queueNotEmptyAlarm(this, 'alert_dlq', {
      alarmName: central.alarmName,
      description: page('CRITICAL', `An alert could not be published to the topic and waits in ${central.name}`, w.alertDelivery.id),
      queueName: central.name,
      actions: [props.topicArn],
    });
    names.push(central.alarmName);

    for (const r of model.delivery.centralRules) {
      ruleFailureAlarm(this, `${r.detectionId.replace(/-/g, '_')}_failed`, {
        alarmName: r.failureAlarmName,
        description: page('CRITICAL', `Rule ${r.ruleName} failed to publish to the alert topic`, w.alertDelivery.id),
        ruleName: r.ruleName,
        eventBusName: r.eventBusName,
        periodSeconds: 300,
        actions: [props.topicArn],
      });
      names.push(r.failureAlarmName);
    }
    new TerraformOutput(this, 'watch_alarm_names', { value: names, description: 'Alarms watching the alert pipeline itself.' });
  }
}
