/**
 * The drill's forwarding-queue checks (drill/forwarding-watch.ts), pure parts and batching: one check per account and
 * event region, the judgement of each quiet change that would blind the security account's alarm on an account's
 * forwarding queue, and reads in batches per region. The alarms as deployed come from the product
 * (modules/forwarding-watch.ts forwardingWatchAlarmProps); the reads run against Terraform-applied alarms in the
 * deploy test's drill.
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { resolveModel } from '../config/model';
import { validateConfig } from '../config/load';
import type { ForwardingWatchAlarm } from '../config/model-health';
import { planLiveChecks } from '../drill/live';
import { judgeForwardingWatch, runForwardingWatchChecks, type WatchedAlarm } from '../drill/forwarding-watch';
import { forwardingWatchAlarmProps } from '../modules/forwarding-watch';
import { queueNotEmptyAlarmProps } from '../modules/watch-alarms';
import { exampleModel, exampleRaw } from './support/example';

const model = exampleModel();
const w = model.health.forwardingWatch;
const home = model.organization.homeRegion;
const member = w.alarms.find((a) => a.crossAccount && a.region === home)!;
const elsewhere = w.alarms.find((a) => a.crossAccount && a.region !== home)!;
const own = w.alarms.find((a) => !a.crossAccount && a.region === home)!;

/** The alarm as the security stack deploys it, in DescribeAlarms' shape. */
function deployed(a: ForwardingWatchAlarm, m = model): WatchedAlarm {
  const p = queueNotEmptyAlarmProps(forwardingWatchAlarmProps(m, a, m.health.topicArn)) as Record<string, any>;
  const dims = (d: Record<string, string>) => Object.entries(d).map(([Name, Value]) => ({ Name, Value }));
  return {
    AlarmName: p.alarmName,
    StateValue: 'OK',
    ActionsEnabled: true,
    AlarmActions: p.alarmActions,
    ...(p.metricQuery
      ? { Metrics: p.metricQuery.map((q: any) => ({ Id: q.id, AccountId: q.accountId, ReturnData: q.returnData, MetricStat: { Metric: { Namespace: q.metric.namespace, MetricName: q.metric.metricName, Dimensions: dims(q.metric.dimensions) }, Period: q.metric.period, Stat: q.metric.stat } })) }
      : { Namespace: p.namespace, MetricName: p.metricName, Dimensions: dims(p.dimensions) }),
  };
}

describe('forwarding-queue checks: planning and judgement', () => {
  it('plans one check per account and event region, in the region its alarm lives in', () => {
    const checks = planLiveChecks(model).filter((c) => c.kind === 'queue-watch');
    expect(checks.map((c) => `${c.name}@${c.region}`)).toEqual(model.allAccounts.flatMap((a) => model.eventRegions.map((r) => `queue-watch:${a.name}:${r}@${r}`)));
  });

  it('passes the alarms as deployed: cross-account in the home region and elsewhere, and the security account\'s own', () => {
    for (const a of [member, elsewhere, own]) expect({ alarm: a.alarmName, reason: judgeForwardingWatch(model, a, deployed(a)) }).toEqual({ alarm: a.alarmName, reason: undefined });
  });

  it('fails, by name and with the fix, each quiet change that would blind it', () => {
    const d = deployed(member);
    expect(judgeForwardingWatch(model, member, undefined)).toMatch(/does not exist: .*deploy the security stack$/);
    expect(judgeForwardingWatch(model, member, { ...d, ActionsEnabled: false })).toMatch(/actions disabled/);
    expect(judgeForwardingWatch(model, member, { ...d, AlarmActions: [] })).toMatch(/does not notify the health topic/);
    const repointed = { ...d, Metrics: [{ ...d.Metrics![0], AccountId: '999999999999' }] };
    expect(judgeForwardingWatch(model, member, repointed)).toMatch(new RegExp(`in account 999999999999, not ${w.queueName} of ${member.accountName}`));
    const otherQueue = { ...d, Metrics: [{ ...d.Metrics![0], MetricStat: { ...d.Metrics![0].MetricStat!, Metric: { ...d.Metrics![0].MetricStat!.Metric!, Dimensions: [{ Name: 'QueueName', Value: 'empty' }] } } }] };
    expect(judgeForwardingWatch(model, member, otherQueue)).toMatch(/of queue empty/);
    // The security account's own queue is read without AccountId: an alarm with none watches the security account.
    expect(judgeForwardingWatch(model, member, { ...d, Metrics: [{ ...d.Metrics![0], AccountId: undefined }] })).toMatch(new RegExp(`in account ${model.security.id}, not`));
  });

  it('fails an alarm in ALARM: events of that account wait in its queue', () => {
    const reason = judgeForwardingWatch(model, elsewhere, { ...deployed(elsewhere), StateValue: 'ALARM', StateReason: 'Threshold Crossed: 1 datapoint [2.0]' });
    expect(reason).toBe(
      `events of ${elsewhere.accountName} (${elsewhere.accountId}) in ${elsewhere.region} wait in its ${w.queueName}: forwarding to ${model.pipeline.busName} failed (Threshold Crossed: 1 datapoint [2.0]); ` +
        `read the messages' ERROR_CODE and ERROR_MESSAGE, fix the cause, replay them (playbook ${model.playbooks.url('forwarding-failed')})`,
    );
  });
});

describe('forwarding-queue checks at 1,000 accounts', () => {
  const raw = exampleRaw();
  for (let i = raw.accounts.length; i < 1000; i++) raw.accounts.push({ id: String(100000000000 + i), name: `vended-${i}`, ou: raw.accounts[2].ou });
  const big = resolveModel(validateConfig(raw));
  afterEach(() => jest.restoreAllMocks());

  it('reads in batches of 100 names per region, never one call per account; a failed read fails its region only', async () => {
    const calls: Array<{ region: string; size: number }> = [];
    const silent = big.health.forwardingWatch.alarms[777];
    jest.spyOn(CloudWatchClient.prototype, 'send').mockImplementation((async function (this: CloudWatchClient, command: { input: any }) {
      const region = await this.config.region();
      calls.push({ region, size: command.input.AlarmNames.length });
      const alarms = command.input.AlarmNames.map((n: string) => big.health.forwardingWatch.alarms.find((a) => a.alarmName === n && a.region === region)!);
      return { MetricAlarms: alarms.filter((a: ForwardingWatchAlarm) => a !== silent).map((a: ForwardingWatchAlarm) => deployed(a, big)) };
    }) as never);
    const results = await runForwardingWatchChecks(big, big.health.forwardingWatch.alarms, async (_account, region) => ({ region }));
    const perRegion = Math.ceil(big.allAccounts.length / 100);
    expect(calls.length).toBe(perRegion * big.eventRegions.length);
    expect(results.filter((r) => r.result === 'FAIL').map((r) => r.path)).toEqual([`queue-watch:${silent.accountName}:${silent.region}`]);

    jest.restoreAllMocks();
    jest.spyOn(CloudWatchClient.prototype, 'send').mockImplementation((async function (this: CloudWatchClient) {
      if ((await this.config.region()) !== home) return { MetricAlarms: [] };
      throw Object.assign(new Error('User is not authorized to perform: cloudwatch:DescribeAlarms'), { name: 'AccessDenied' });
    }) as never);
    const denied = await runForwardingWatchChecks(model, w.alarms, async (_account, region) => ({ region }));
    expect(new Set(denied.filter((r) => r.path.endsWith(`:${home}`)).map((r) => r.reason))).toEqual(new Set(['could not be checked: AccessDenied: User is not authorized to perform: cloudwatch:DescribeAlarms']));
    expect(denied.filter((r) => !r.path.endsWith(`:${home}`)).every((r) => r.result === 'FAIL' && /does not exist/.test(r.reason!))).toBe(true);
  });
});
