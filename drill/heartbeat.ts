/**
 * The drill's heartbeat checks: for every account and event region, a heartbeat reached the security account within
 * the heartbeat alarm's window, and the alarm that would page when it stops is there, armed and pointed at the health
 * topic. Read from what the alarm itself reads (the `Rootlock/Heartbeat` metric per Account and Region), with one
 * GetMetricData request for up to 500 account-regions
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricData.html: at most 500 queries per
 * call) and DescribeAlarms by name, 100 names a call
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarms.html), so 1,000 accounts in two
 * regions take 4 + 20 read calls, never one per account.
 *
 * The window comes from the model (heartbeat period x missed periods, what the alarm watches), never a second
 * constant. A silent account and region fails by name with the fix; so does an alarm that could not page for it
 * (absent, actions disabled, not to the health topic, missing data not breaching, another metric or window).
 */
import { CloudWatchClient, DescribeAlarmsCommand, GetMetricDataCommand, type MetricAlarm, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import type { AccountTarget, Model } from '../config/model';
import type { HeartbeatAlarm } from '../config/model-health';
import type { ClientOptions } from './aws';

/** The window a heartbeat must fall in: what the heartbeat alarm watches (seconds). */
export function heartbeatWindowSeconds(model: Model): number {
  const h = model.health.heartbeat;
  return h.periodSeconds * h.missedPeriods;
}

/**
 * The GetMetricData window: the alarm's window ending now, widened to whole steps of the query period (a minute, the
 * metric's standard resolution; the heartbeat period when shorter), as GetMetricData recommends aligning StartTime and
 * EndTime with the period, so a heartbeat of this very minute counts.
 */
export function heartbeatQueryWindow(model: Model, now: Date): { start: Date; end: Date; periodSeconds: number } {
  const periodSeconds = Math.min(60, model.health.heartbeat.periodSeconds);
  const step = periodSeconds * 1000;
  const t = now.getTime();
  const end = Math.floor(t / step) * step + step;
  const start = Math.floor((t - heartbeatWindowSeconds(model) * 1000) / step) * step;
  return { start: new Date(start), end: new Date(end), periodSeconds };
}

export const heartbeatCheckName = (a: HeartbeatAlarm) => `heartbeat:${a.accountName}:${a.region}`;

/** What the drill read for one account and region. */
export interface HeartbeatObservation {
  /** The live alarm, or undefined when it does not exist. */
  alarm?: Pick<MetricAlarm, 'AlarmName' | 'StateValue' | 'ActionsEnabled' | 'AlarmActions' | 'TreatMissingData' | 'Namespace' | 'MetricName' | 'Dimensions' | 'Period' | 'EvaluationPeriods'>;
  /** Start (ms) of the newest minute with a heartbeat in the window (GetMetricData returns only the window); undefined when none. */
  lastHeartbeat?: number;
}

/** Why this account and region is not watched by a live heartbeat, or undefined when it is (pure). */
export function judgeHeartbeat(model: Model, a: HeartbeatAlarm, seen: HeartbeatObservation): string | undefined {
  const h = model.health.heartbeat;
  const window = heartbeatWindowSeconds(model);
  const account = model.allAccounts.find((x) => x.id === a.accountId);
  const where = `${a.accountName} (${a.accountId}) in ${a.region}`;
  const alarm = seen.alarm;
  const security = model.stackNames.security;
  if (!alarm) return `heartbeat alarm ${a.alarmName} does not exist in the security account: nothing pages when ${where} falls silent; deploy the ${security} stack`;
  if (alarm.ActionsEnabled !== true) return `heartbeat alarm ${a.alarmName} has its actions disabled: a silent ${where} changes its state and pages nobody; redeploy the ${security} stack`;
  if (!(alarm.AlarmActions ?? []).includes(model.health.topicArn)) {
    return `heartbeat alarm ${a.alarmName} does not notify the health topic ${model.health.topicArn} (actions: ${(alarm.AlarmActions ?? []).join(', ') || 'none'}); redeploy the ${security} stack`;
  }
  if (alarm.TreatMissingData !== 'breaching') return `heartbeat alarm ${a.alarmName} treats missing data as ${alarm.TreatMissingData ?? 'missing'}, not breaching: a silent ${where} never pages; redeploy the ${security} stack`;
  const dims = Object.fromEntries((alarm.Dimensions ?? []).map((d) => [d.Name, d.Value]));
  if (alarm.Namespace !== h.metricNamespace || alarm.MetricName !== h.metricName || dims.Account !== a.accountId || dims.Region !== a.region || Object.keys(dims).length !== 2) {
    return `heartbeat alarm ${a.alarmName} watches ${alarm.Namespace}/${alarm.MetricName} ${JSON.stringify(dims)}, not ${h.metricNamespace}/${h.metricName} of ${where}; redeploy the ${security} stack`;
  }
  if ((alarm.Period ?? 0) * (alarm.EvaluationPeriods ?? 0) !== window) {
    return `heartbeat alarm ${a.alarmName} watches ${alarm.EvaluationPeriods} x ${alarm.Period} s, not ${h.missedPeriods} x ${h.periodSeconds} s; redeploy the ${security} stack`;
  }
  if (seen.lastHeartbeat === undefined) {
    const fix = `its ${h.ruleName} rule, the forwarder role ${model.pipeline.forwarderRoleName} or the central bus policy of ${model.pipeline.busName} is broken: redeploy ${account?.stackName ?? `the baseline of ${a.accountName}`} and the ${security} stack`;
    return `no heartbeat from ${where} in the last ${window >= 120 ? `${window / 60} minutes` : `${window} s`} (alarm ${a.alarmName} is ${alarm.StateValue ?? 'in an unknown state'}): ${fix}`;
  }
  return undefined;
}

/** A worker pool: `fn` over `items`, at most `limit` at a time, results in order. */
export async function bounded<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

const chunks = <T>(xs: T[], n: number) => Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, i * n + n));

/** Reads every alarm and heartbeat of `alarms` in the security account: batched, `concurrency` calls at a time. */
export async function readHeartbeats(model: Model, alarms: HeartbeatAlarm[], opts: ClientOptions, now: Date, concurrency = 4): Promise<HeartbeatObservation[]> {
  const h = model.health.heartbeat;
  const cw = new CloudWatchClient(opts);
  try {
    const live = new Map<string, MetricAlarm>();
    await bounded(chunks(alarms, 100), concurrency, async (batch) => {
      let token: string | undefined;
      do {
        const page = await cw.send(new DescribeAlarmsCommand({ AlarmNames: batch.map((a) => a.alarmName), AlarmTypes: ['MetricAlarm'], NextToken: token }));
        for (const m of page.MetricAlarms ?? []) live.set(m.AlarmName!, m);
        token = page.NextToken;
      } while (token);
    });
    const newest = new Map<string, number>();
    const { start, end, periodSeconds } = heartbeatQueryWindow(model, now);
    await bounded(chunks(alarms.map((a, i) => ({ a, id: `h${i}` })), 500), concurrency, async (batch) => {
      const queries: MetricDataQuery[] = batch.map(({ a, id }) => ({
        Id: id,
        MetricStat: { Metric: { Namespace: h.metricNamespace, MetricName: h.metricName, Dimensions: [{ Name: 'Account', Value: a.accountId }, { Name: 'Region', Value: a.region }] }, Period: periodSeconds, Stat: 'Sum' },
        ReturnData: true,
      }));
      let token: string | undefined;
      do {
        const page = await cw.send(new GetMetricDataCommand({ MetricDataQueries: queries, StartTime: start, EndTime: end, NextToken: token }));
        for (const r of page.MetricDataResults ?? []) {
          (r.Timestamps ?? []).forEach((t, j) => {
            if ((r.Values?.[j] ?? 0) > 0) newest.set(r.Id!, Math.max(newest.get(r.Id!) ?? 0, t.getTime()));
          });
        }
        token = page.NextToken;
      } while (token);
    });
    return alarms.map((a, i) => ({ alarm: live.get(a.alarmName), lastHeartbeat: newest.get(`h${i}`) }));
  } finally {
    cw.destroy();
  }
}

/** The heartbeat checks of `selected` (by check name), judged at `now`: PASS or FAIL with the reason. */
export async function runHeartbeatChecks(
  model: Model,
  selected: HeartbeatAlarm[],
  clientFor: (account: AccountTarget, region: string) => Promise<ClientOptions>,
  now = new Date(),
): Promise<Array<{ path: string; result: 'PASS' | 'FAIL'; reason?: string }>> {
  if (selected.length === 0) return [];
  let seen: HeartbeatObservation[];
  try {
    seen = await readHeartbeats(model, selected, await clientFor(model.security, model.organization.homeRegion), now);
  } catch (e) {
    const reason = `could not be checked: ${(e as Error).name ?? 'Error'}: ${(e as Error).message ?? String(e)}`;
    return selected.map((a) => ({ path: heartbeatCheckName(a), result: 'FAIL' as const, reason }));
  }
  return selected.map((a, i) => {
    const reason = judgeHeartbeat(model, a, seen[i]);
    return reason ? { path: heartbeatCheckName(a), result: 'FAIL' as const, reason } : { path: heartbeatCheckName(a), result: 'PASS' as const };
  });
}
