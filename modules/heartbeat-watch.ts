/**
 * Heartbeats seen from the security account: the central heartbeat rule stores each account's scheduled heartbeat in
 * a log group; a metric filter counts them per account and region (dimensions from the event: a metric filter with
 * dimensions takes no default value, https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntaxForMetricFilters.html
 * and the PutMetricFilter reference); one alarm per account and region pages the health topic when
 * `missedPeriods` heartbeats in a row are missing: missing data is breaching, so a silent account is a page.
 */
import { Construct } from 'constructs';
import { TerraformOutput } from 'cdktf';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { CloudwatchLogMetricFilter } from '@cdktf/provider-aws/lib/cloudwatch-log-metric-filter';
import { CloudwatchLogResourcePolicy } from '@cdktf/provider-aws/lib/cloudwatch-log-resource-policy';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import type { Model } from '../config/model';
import { heartbeatPattern, HeartbeatAlarm } from '../config/model-health';
import { policyJson } from '../policies/document';
import { heartbeatLogGroupPolicy } from '../policies/health';

export interface HeartbeatWatchProps {
  model: Model;
  /** Name of the central bus (a reference, so the rule follows the bus). */
  busName: string;
  healthTopicArn: string;
  /** The central dead-letter queue (its alarm pages the health topic). */
  deadLetterQueueArn: string;
}

/** The alarm of one account and region, as data (the emulator test builds the same alarm from it). */
export function heartbeatAlarmProps(model: Model, a: HeartbeatAlarm, healthTopicArn: string) {
  const h = model.health.heartbeat;
  return {
    alarmName: a.alarmName,
    alarmDescription: `CRITICAL: no heartbeat from ${a.accountName} (${a.accountId}) in ${a.region} for ${h.missedPeriods * (h.periodSeconds / 60)} minutes: its forwarding to ${model.pipeline.busName} (rule, role, bus policy) is broken or was removed, and root activity there pages nobody. Playbook: ${model.playbooks.url(model.delivery.watch.forwarding.id)}`,
    namespace: h.metricNamespace,
    metricName: h.metricName,
    dimensions: { Account: a.accountId, Region: a.region },
    statistic: 'Sum',
    period: h.periodSeconds,
    evaluationPeriods: h.missedPeriods,
    datapointsToAlarm: h.missedPeriods,
    threshold: 1,
    comparisonOperator: 'LessThanThreshold',
    treatMissingData: 'breaching',
    alarmActions: [healthTopicArn],
    okActions: [healthTopicArn],
  };
}

export class HeartbeatWatch extends Construct {
  constructor(scope: Construct, id: string, props: HeartbeatWatchProps) {
    super(scope, id);
    const { model } = props;
    const h = model.health.heartbeat;
    const group = new CloudwatchLogGroup(this, 'log_group', { name: h.logGroupName, retentionInDays: 14 });
    new CloudwatchLogResourcePolicy(this, 'log_group_policy', { policyName: h.ruleName, policyDocument: policyJson(heartbeatLogGroupPolicy(model)) });
    const rule = new CloudwatchEventRule(this, 'rule', {
      name: h.centralRuleName,
      eventBusName: props.busName,
      description: 'rootlock heartbeats of every account and region: stored for the per-account heartbeat alarms (never a page by itself).',
      eventPattern: JSON.stringify(heartbeatPattern(h)),
    });
    new CloudwatchEventTarget(this, 'target', { rule: rule.name, eventBusName: props.busName, targetId: 'heartbeat-log-group', arn: group.arn, deadLetterConfig: { arn: props.deadLetterQueueArn } });
    const filter = new CloudwatchLogMetricFilter(this, 'filter', {
      name: h.ruleName,
      logGroupName: group.name,
      pattern: '{ $.source = "aws.events" }',
      metricTransformation: { name: h.metricName, namespace: h.metricNamespace, value: '1', unit: 'Count', dimensions: h.dimensions },
    });
    for (const a of h.alarms) {
      new CloudwatchMetricAlarm(this, `alarm_${a.accountId}_${a.region.replace(/-/g, '_')}`, { ...heartbeatAlarmProps(model, a, props.healthTopicArn), dependsOn: [filter] });
    }
    new TerraformOutput(this, 'heartbeat_alarm_names', { value: h.alarms.map((a) => a.alarmName), description: 'One alarm per account and region: missing heartbeats page the health topic.' });
  }
}
