/**
 * The drill's forwarding-queue checks: for every account and event region, the security account's alarm on that
 * account's forwarding dead-letter queue (modules/forwarding-watch.ts) is there, armed, pages as the model says, reads
 * that account's queue, and is not in ALARM (events waiting there paged nobody through the account's own path).
 * Read with DescribeAlarms by name, 100 names a call, in the region each alarm lives in
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarms.html): 1,000 accounts in two
 * regions take 20 calls, never one per account.
 */
import { CloudWatchClient, DescribeAlarmsCommand, type MetricAlarm } from '@aws-sdk/client-cloudwatch';
import type { AccountTarget, Model } from '../config/model';
import type { ForwardingWatchAlarm } from '../config/model-health';
import type { ClientOptions } from './aws';
import { bounded } from './heartbeat';

export const forwardingWatchCheckName = (a: ForwardingWatchAlarm) => `queue-watch:${a.accountName}:${a.region}`;

export type WatchedAlarm = Pick<MetricAlarm, 'AlarmName' | 'StateValue' | 'StateReason' | 'ActionsEnabled' | 'AlarmActions' | 'Namespace' | 'MetricName' | 'Dimensions' | 'Metrics'>;

/** Why this account and region's forwarding queue is not watched, or holds events, or undefined when all is well (pure). */
export function judgeForwardingWatch(model: Model, a: ForwardingWatchAlarm, alarm: WatchedAlarm | undefined): string | undefined {
  const w = model.health.forwardingWatch;
  const security = model.stackNames.security;
  const where = `${a.accountName} (${a.accountId}) in ${a.region}`;
  const name = `forwarding-queue alarm ${a.alarmName} (security account, ${a.region})`;
  if (!alarm) return `${name} does not exist: events ${where} fails to forward would wait in its ${w.queueName} unseen; deploy the ${security} stack`;
  if (alarm.ActionsEnabled !== true) return `${name} has its actions disabled: it changes state and pages nobody; redeploy the ${security} stack`;
  if (a.pagesThrough === 'health-topic' && !(alarm.AlarmActions ?? []).includes(model.health.topicArn)) {
    return `${name} does not notify the health topic ${model.health.topicArn} (actions: ${(alarm.AlarmActions ?? []).join(', ') || 'none'}); redeploy the ${security} stack`;
  }
  const query = alarm.Metrics?.find((q) => q.ReturnData !== false && q.MetricStat);
  const metric = query ? query.MetricStat!.Metric : { Namespace: alarm.Namespace, MetricName: alarm.MetricName, Dimensions: alarm.Dimensions };
  const account = query?.AccountId ?? model.security.id;
  const queue = (metric?.Dimensions ?? []).find((d) => d.Name === 'QueueName')?.Value;
  if (metric?.Namespace !== 'AWS/SQS' || metric.MetricName !== 'ApproximateNumberOfMessagesVisible' || queue !== w.queueName || account !== a.accountId) {
    return `${name} watches ${metric?.Namespace}/${metric?.MetricName} of queue ${queue ?? '(none)'} in account ${account}, not ${w.queueName} of ${where}; redeploy the ${security} stack`;
  }
  if (alarm.StateValue === 'ALARM') {
    return `events of ${where} wait in its ${w.queueName}: forwarding to ${model.pipeline.busName} failed (${alarm.StateReason ?? 'alarm in ALARM'}); read the messages' ERROR_CODE and ERROR_MESSAGE, fix the cause, replay them (playbook ${model.playbooks.url(model.delivery.watch.forwarding.id)})`;
  }
  return undefined;
}

const chunks = <T>(xs: T[], n: number) => Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, i * n + n));

/** The forwarding-queue checks of `selected`: PASS or FAIL with the reason, read per region in batches. */
export async function runForwardingWatchChecks(
  model: Model,
  selected: ForwardingWatchAlarm[],
  clientFor: (account: AccountTarget, region: string) => Promise<ClientOptions>,
  concurrency = 4,
): Promise<Array<{ path: string; result: 'PASS' | 'FAIL'; reason?: string }>> {
  const live = new Map<string, WatchedAlarm>();
  const failed = new Map<string, string>();
  const regions = [...new Set(selected.map((a) => a.region))];
  for (const region of regions) {
    const inRegion = selected.filter((a) => a.region === region);
    let cw: CloudWatchClient | undefined;
    try {
      cw = new CloudWatchClient(await clientFor(model.security, region));
      await bounded(chunks(inRegion, 100), concurrency, async (batch) => {
        let token: string | undefined;
        do {
          const page = await cw!.send(new DescribeAlarmsCommand({ AlarmNames: batch.map((a) => a.alarmName), AlarmTypes: ['MetricAlarm'], NextToken: token }));
          for (const m of page.MetricAlarms ?? []) live.set(`${region}/${m.AlarmName}`, m);
          token = page.NextToken;
        } while (token);
      });
    } catch (e) {
      failed.set(region, `could not be checked: ${(e as Error).name ?? 'Error'}: ${(e as Error).message ?? String(e)}`);
    } finally {
      cw?.destroy();
    }
  }
  return selected.map((a) => {
    const reason = failed.get(a.region) ?? judgeForwardingWatch(model, a, live.get(`${a.region}/${a.alarmName}`));
    return reason ? { path: forwardingWatchCheckName(a), result: 'FAIL' as const, reason } : { path: forwardingWatchCheckName(a), result: 'PASS' as const };
  });
}
