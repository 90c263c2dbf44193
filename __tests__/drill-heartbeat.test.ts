/**
 * The drill's heartbeat checks, pure parts: one check per account and event region, the window taken from the model
 * (what the alarm watches), the judgement of each quiet change that would silence a heartbeat page, and the batching
 * that keeps 1,000 accounts to a few reads. The reads themselves run against delivered heartbeats in
 * silence-emulator.test.ts and against the Terraform-applied alarms in audit-deployed.test.ts.
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { resolveModel } from '../config/model';
import { validateConfig } from '../config/load';
import { planLiveChecks } from '../drill/live';
import { bounded, heartbeatWindowSeconds, judgeHeartbeat, readHeartbeats, runHeartbeatChecks, type HeartbeatObservation } from '../drill/heartbeat';
import { heartbeatAlarmProps } from '../modules/heartbeat-watch';
import { exampleModel, exampleRaw } from './support/example';

const model = exampleModel();
const h = model.health.heartbeat;
const [first] = h.alarms;

/** The alarm as the security stack deploys it (modules/heartbeat-watch.ts), in DescribeAlarms' shape. */
function deployed(a = first): NonNullable<HeartbeatObservation['alarm']> {
  const p = heartbeatAlarmProps(model, a, model.health.topicArn);
  return {
    AlarmName: p.alarmName,
    StateValue: 'OK',
    ActionsEnabled: true,
    AlarmActions: p.alarmActions,
    TreatMissingData: p.treatMissingData,
    Namespace: p.namespace,
    MetricName: p.metricName,
    Dimensions: Object.entries(p.dimensions).map(([Name, Value]) => ({ Name, Value })),
    Period: p.period,
    EvaluationPeriods: p.evaluationPeriods,
  };
}

describe('heartbeat checks: planning and judgement', () => {
  it('plans one check per account and event region, after the other live checks', () => {
    const names = planLiveChecks(model).filter((c) => c.kind === 'heartbeat').map((c) => c.name);
    expect(names).toEqual(model.allAccounts.flatMap((a) => model.eventRegions.map((r) => `heartbeat:${a.name}:${r}`)));
  });

  it('takes the window from the model: the heartbeat period times the missed periods the alarm waits for', () => {
    expect(heartbeatWindowSeconds(model)).toBe(h.periodSeconds * h.missedPeriods);
    const p = heartbeatAlarmProps(model, first, model.health.topicArn);
    expect(heartbeatWindowSeconds(model)).toBe(p.period * p.evaluationPeriods);
  });

  it('passes an armed alarm with a heartbeat in the window', () => {
    expect(judgeHeartbeat(model, first, { alarm: deployed(), lastHeartbeat: Date.now() })).toBeUndefined();
  });

  it('fails a silent account and region by name, with the fix', () => {
    const account = model.allAccounts.find((a) => a.id === first.accountId)!;
    const reason = judgeHeartbeat(model, first, { alarm: { ...deployed(), StateValue: 'ALARM' } });
    expect(reason).toBe(
      `no heartbeat from ${first.accountName} (${first.accountId}) in ${first.region} in the last 15 minutes (alarm ${first.alarmName} is ALARM): ` +
        `its ${h.ruleName} rule, the forwarder role ${model.pipeline.forwarderRoleName} or the central bus policy of ${model.pipeline.busName} is broken: redeploy ${account.stackName} and the security stack`,
    );
  });

  it.each([
    ['a missing alarm', undefined, /does not exist in the security account/],
    ['disabled actions', { ActionsEnabled: false }, /actions disabled/],
    ['actions to another topic', { AlarmActions: [model.pipeline.topicArn] }, /does not notify the health topic/],
    ['missing data not breaching', { TreatMissingData: 'notBreaching' }, /treats missing data as notBreaching, not breaching: a silent/],
    ['another account', { Dimensions: [{ Name: 'Account', Value: '999999999999' }, { Name: 'Region', Value: first.region }] }, /watches Rootlock\/Heartbeat/],
    ['a longer window', { EvaluationPeriods: 12 }, /watches 12 x 300 s, not 3 x 300 s/],
  ])('fails an alarm that could not page for the account, even with heartbeats flowing: %s', (_what, change, reason) => {
    const alarm = change === undefined ? undefined : { ...deployed(), ...change };
    expect(judgeHeartbeat(model, first, { alarm, lastHeartbeat: Date.now() })).toMatch(reason);
  });
});

describe('heartbeat checks: reads for 1,000 accounts', () => {
  const raw = exampleRaw();
  for (let i = raw.accounts.length; i < 1000; i++) raw.accounts.push({ id: String(100000000000 + i), name: `vended-${i}`, ou: raw.accounts[2].ou });
  const big = resolveModel(validateConfig(raw));
  const alarms = big.health.heartbeat.alarms;

  afterEach(() => jest.restoreAllMocks());

  it('reads every alarm and heartbeat in batches (100 names, 500 queries a call), never one call per account', async () => {
    const calls: Array<{ kind: string; size: number }> = [];
    const silent = alarms[1234];
    const bigDeployed = (a: (typeof alarms)[number]) => {
      const p = heartbeatAlarmProps(big, a, big.health.topicArn);
      return { ...deployed(), AlarmName: p.alarmName, Dimensions: Object.entries(p.dimensions).map(([Name, Value]) => ({ Name, Value })) };
    };
    // CloudWatch stands in here only to count the calls; the alarms it answers are the big organization's, as deployed.
    jest.spyOn(CloudWatchClient.prototype, 'send').mockImplementation((async (command: { constructor: { name: string }; input: any }) => {
      const input = command.input;
      if (command.constructor.name === 'DescribeAlarmsCommand') {
        calls.push({ kind: 'describe', size: input.AlarmNames.length });
        return { MetricAlarms: input.AlarmNames.map((n: string) => bigDeployed(alarms.find((a) => a.alarmName === n)!)) };
      }
      calls.push({ kind: 'metrics', size: input.MetricDataQueries.length });
      return {
        MetricDataResults: input.MetricDataQueries.map((q: any) => {
          const [account, region] = q.MetricStat.Metric.Dimensions.map((d: { Value: string }) => d.Value);
          const quiet = account === silent.accountId && region === silent.region;
          return { Id: q.Id, Timestamps: quiet ? [] : [new Date(input.EndTime.getTime() - 120_000)], Values: quiet ? [] : [1] };
        }),
      };
    }) as never);
    const results = await runHeartbeatChecks(big, alarms, async () => ({ region: big.organization.homeRegion }), new Date('2026-12-07T12:00:00Z'));
    expect(alarms.length).toBe(2002); // 1,000 members and the management account, two event regions each
    expect(calls.filter((c) => c.kind === 'describe').map((c) => c.size)).toEqual([...new Array(20).fill(100), 2]);
    expect(calls.filter((c) => c.kind === 'metrics').map((c) => c.size)).toEqual([500, 500, 500, 500, 2]);
    expect(results.filter((r) => r.result === 'FAIL').map((r) => r.path)).toEqual([`heartbeat:${silent.accountName}:${silent.region}`]);
    expect(results.find((r) => r.result === 'FAIL')!.reason).toMatch(new RegExp(`^no heartbeat from ${silent.accountName} \\(${silent.accountId}\\) in ${silent.region}`));
  });

  it('asks CloudWatch for the window the model gives, ending now, in whole minutes', async () => {
    const seen: any[] = [];
    jest.spyOn(CloudWatchClient.prototype, 'send').mockImplementation((async (command: { constructor: { name: string }; input: any }) => {
      seen.push(command.input);
      return command.constructor.name === 'DescribeAlarmsCommand' ? { MetricAlarms: [] } : { MetricDataResults: [] };
    }) as never);
    const now = new Date('2026-12-07T12:00:20.500Z');
    await readHeartbeats(model, [first], { region: 'eu-west-1' }, now);
    const metrics = seen.find((i) => i.MetricDataQueries);
    // The 15 minutes before now, widened to whole minutes: a heartbeat of this very minute counts.
    expect(heartbeatWindowSeconds(model)).toBe(900);
    expect({ start: metrics.StartTime, end: metrics.EndTime }).toEqual({ start: new Date('2026-12-07T11:45:00Z'), end: new Date('2026-12-07T12:01:00Z') });
    expect(metrics.MetricDataQueries[0].MetricStat.Metric).toEqual({ Namespace: h.metricNamespace, MetricName: h.metricName, Dimensions: [{ Name: 'Account', Value: first.accountId }, { Name: 'Region', Value: first.region }] });
  });

  it('a read that fails fails every selected check with the reason, never a pass', async () => {
    jest.spyOn(CloudWatchClient.prototype, 'send').mockImplementation((async () => {
      throw Object.assign(new Error('User is not authorized to perform: cloudwatch:GetMetricData'), { name: 'AccessDenied' });
    }) as never);
    const results = await runHeartbeatChecks(model, h.alarms, async () => ({ region: 'eu-west-1' }));
    expect(new Set(results.map((r) => `${r.result} ${r.reason}`))).toEqual(new Set(['FAIL could not be checked: AccessDenied: User is not authorized to perform: cloudwatch:GetMetricData']));
  });

  it('runs at most the given number of calls at once', async () => {
    let running = 0;
    let peak = 0;
    await bounded([...Array(20).keys()], 4, async () => {
      peak = Math.max(peak, ++running);
      await new Promise((r) => setTimeout(r, 5));
      running--;
    });
    expect(peak).toBe(4);
  });
});
