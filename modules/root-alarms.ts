/** A metric filter and an alarm per detection that has one, on the organization trail's log group. */
import { Construct } from 'constructs';
import { TerraformOutput } from 'cdktf';
import { CloudwatchLogMetricFilter } from '@cdktf/provider-aws/lib/cloudwatch-log-metric-filter';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import type { Model } from '../config/model';

export interface RootAlarmsProps {
  model: Model;
  logGroupName: string;
  /** Alert topic: pages. */
  topicArn: string;
  /** Compliance topic, for detections whose metric routes there (`route: 'compliance'`). */
  complianceTopicArn: string;
}

export class RootAlarms extends Construct {
  constructor(scope: Construct, id: string, props: RootAlarmsProps) {
    super(scope, id);
    const p = props.model.pipeline;
    const names: string[] = [];
    for (const d of props.model.detections) {
      if (!d.metric) continue;
      const key = d.id.replace(/-/g, '_');
      const filter = new CloudwatchLogMetricFilter(this, `${key}_filter`, {
        name: d.metric.filterName,
        logGroupName: props.logGroupName,
        pattern: d.metric.pattern,
        metricTransformation: { name: d.metric.metricName, namespace: p.metricNamespace, value: '1', defaultValue: '0', unit: 'Count' },
      });
      new CloudwatchMetricAlarm(this, `${key}_alarm`, {
        alarmName: d.metric.alarmName,
        alarmDescription: `${d.severity.toUpperCase()}: ${d.title}. Open ${props.model.runbooks.alarms}#${d.id}`,
        namespace: p.metricNamespace,
        metricName: d.metric.metricName,
        statistic: 'Sum',
        period: p.alarmPeriodSeconds,
        evaluationPeriods: 1,
        threshold: 1,
        comparisonOperator: 'GreaterThanOrEqualToThreshold',
        treatMissingData: 'notBreaching',
        alarmActions: [d.metric.route === 'compliance' ? props.complianceTopicArn : props.topicArn],
        dependsOn: [filter],
      });
      names.push(d.metric.alarmName);
    }
    new TerraformOutput(this, 'alarm_names', { value: names, description: 'Root activity alarms.' });
  }
}
