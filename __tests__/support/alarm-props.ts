/**
 * An alarm the product describes as data (its Terraform arguments: modules/heartbeat-watch.ts heartbeatAlarmProps,
 * modules/health-topic.ts drillAlarmProps) put with the SDK, as Terraform would create it, so an emulator test builds
 * the product's alarm without a deploy. `override` shortens what a test cannot wait for (a period), nothing else.
 */
import { CloudWatchClient, PutMetricAlarmCommand, type PutMetricAlarmCommandInput } from '@aws-sdk/client-cloudwatch';

export interface AlarmProps {
  alarmName: string;
  alarmDescription: string;
  namespace?: string;
  metricName?: string;
  dimensions?: Record<string, string>;
  statistic?: string;
  period?: number;
  /** A cross-account alarm's metric (modules/watch-alarms.ts queueNotEmptyAlarmProps). */
  metricQuery?: Array<{ id: string; accountId?: string; returnData: boolean; metric: { namespace: string; metricName: string; dimensions: Record<string, string>; stat: string; period: number } }>;
  evaluationPeriods: number;
  datapointsToAlarm?: number;
  threshold: number;
  comparisonOperator: string;
  treatMissingData: string;
  alarmActions: string[];
  okActions?: string[];
}

export async function putAlarm(cw: CloudWatchClient, p: AlarmProps, override: Partial<PutMetricAlarmCommandInput> = {}): Promise<void> {
  await cw.send(
    new PutMetricAlarmCommand({
      AlarmName: p.alarmName,
      AlarmDescription: p.alarmDescription,
      ...(p.metricQuery
        ? {
            Metrics: p.metricQuery.map((q) => ({
              Id: q.id,
              AccountId: q.accountId,
              ReturnData: q.returnData,
              MetricStat: {
                Metric: { Namespace: q.metric.namespace, MetricName: q.metric.metricName, Dimensions: Object.entries(q.metric.dimensions).map(([Name, Value]) => ({ Name, Value })) },
                Stat: q.metric.stat,
                Period: q.metric.period,
              },
            })),
          }
        : {
            Namespace: p.namespace,
            MetricName: p.metricName,
            Dimensions: Object.entries(p.dimensions ?? {}).map(([Name, Value]) => ({ Name, Value })),
            Statistic: p.statistic as PutMetricAlarmCommandInput['Statistic'],
            Period: p.period,
          }),
      EvaluationPeriods: p.evaluationPeriods,
      DatapointsToAlarm: p.datapointsToAlarm,
      Threshold: p.threshold,
      ComparisonOperator: p.comparisonOperator as PutMetricAlarmCommandInput['ComparisonOperator'],
      TreatMissingData: p.treatMissingData,
      AlarmActions: p.alarmActions,
      OKActions: p.okActions,
      ...override,
    }),
  );
}
