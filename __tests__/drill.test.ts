/**
 * The drill's pure parts: which paths a configuration gets, how `--path` selects, the synthetic trail record for a
 * metric filter pattern, how a message at the topic is matched to a path (whatever the input transformer did), the
 * arguments and the report. The delivery itself is proven against the emulator (emulator-delivery.test.ts) and after
 * a full deploy (deploy.test.ts).
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse as parseYaml } from 'yaml';
import { DEFAULT_CONFIG, loadConfigFile } from '../config/load';
import { resolveModel } from '../config/model';
import { DRILL_SOURCE } from '../detections/drill';
import { parseArgs, formatReport } from '../drill/cli';
import { drillEventEntry, drillTrailRecord, newRunId } from '../drill/drill-event';
import { messageProves, parseEnvelope, Envelope } from '../drill/match';
import { PatternNotSynthesizable, recordMatching } from '../drill/pattern-record';
import { planPaths, selectPaths, UsageError } from '../drill/plan';
import { subscriberQueuePolicy } from '../drill/aws';
import { healthDrillReason } from '../drill/inject';

const config = loadConfigFile(DEFAULT_CONFIG);
const model = resolveModel(config);
const paths = planPaths(model);
const byName = (name: string) => paths.find((p) => p.name === name)!;
const runId = 'rootlock-drill-20261130T184000Z-a1b2';
const ctx = { runId, startedAt: Date.parse('2026-11-30T18:40:00Z') };
const env = (message: string): Envelope => ({ topicArn: model.pipeline.topicArn, subject: '', message });

describe('path planning', () => {
  it('plans an event path per account and event region, a metric path per metric detection, GuardDuty, and lists Config undriven', () => {
    const events = model.allAccounts.flatMap((a) => model.eventRegions.map((r) => `event:${a.name}:${r}`));
    const metrics = model.detections.filter((d) => d.metric && d.metric.route !== 'compliance').map((d) => `metric:${d.id}`);
    expect(paths.map((p) => p.name)).toEqual([...events, ...metrics, 'guardduty', 'health', 'config']);
    expect(byName('health')).toMatchObject({ kind: 'health', account: model.security, region: model.organization.homeRegion, alarmName: model.health.drillAlarm.alarmName });
    expect(byName('config').notDriven).toMatch(/not driven/);
    expect(paths.filter((p) => p.kind !== 'config').every((p) => !p.notDriven && p.timeoutSeconds > 0)).toBe(true);
    expect(byName(`metric:root-usage`).account.id).toBe(model.security.id);
  });

  it('drops GuardDuty and Config when the configuration turns them off', () => {
    const off = resolveModel({ ...config, monitoring: { guardDuty: false, config: false } });
    expect(planPaths(off).map((p) => p.kind)).not.toContain('guardduty');
    expect(planPaths(off).map((p) => p.kind)).not.toContain('config');
  });

  it('selects one path by name or a group by prefix, and names the paths when nothing matches', () => {
    expect(selectPaths(paths, 'guardduty').map((p) => p.name)).toEqual(['guardduty']);
    expect(selectPaths(paths, 'metric:').length).toBe(model.detections.filter((d) => d.metric && d.metric.route !== 'compliance').length);
    expect(paths.map((p) => p.name)).not.toContain('metric:cis-root-usage'); // compliance topic, not a page
    expect(() => selectPaths(paths, 'event')).toThrow(UsageError);
    expect(() => selectPaths(paths, 'nope')).toThrow(/--path nope matches no path; the paths are: event:management:/);
  });
});

describe('synthetic inputs', () => {
  it('marks the drill event with its source, run id, account, region and path', () => {
    const p = byName(`event:${model.members[0].name}:${model.organization.homeRegion}`);
    const entry = drillEventEntry(p, runId);
    expect(entry.Source).toBe(DRILL_SOURCE);
    expect(JSON.parse(entry.Detail)).toMatchObject({ marker: 'rootlock-drill', runId, account: p.account.id, region: p.region, path: p.name, note: expect.stringMatching(/^DRILL: .*Not an incident/) });
  });

  it('builds a record with exactly what each pattern asks, and drill markers where it asks nothing', () => {
    const r = drillTrailRecord(model, byName('metric:root-usage'), runId, new Date('2026-11-30T18:40:00Z'));
    expect(r).toMatchObject({ userIdentity: { type: 'Root' }, eventID: runId, userAgent: 'rootlock-drill', rootlockDrill: { runId } });
    expect((r.userIdentity as Record<string, unknown>).invokedBy).toBeUndefined(); // NOT EXISTS
    expect(r.eventType).not.toBe('AwsServiceEvent'); // != keeps the pattern's value out
    expect(recordMatching('{ ($.a = "x" && $.b = "y") || $.c = "z" }')).toEqual({ a: 'x', b: 'y' });
    expect(recordMatching('{ $.a = "x" && ($.a = "y" || $.c = 3) }')).toEqual({ a: 'x', c: 3 });
    expect(recordMatching('{ $.arn = "*:role/bg" && $.n > 5 && $.f IS TRUE && $.z IS NULL }')).toEqual({ arn: 'rootlock-drill:role/bg', n: 6, f: true, z: null });
  });

  it('refuses what it cannot satisfy instead of guessing', () => {
    expect(() => recordMatching('{ $.a = %ab+c% }')).toThrow(PatternNotSynthesizable);
    expect(() => recordMatching('{ $.a = "x" && $.a != "x" }')).toThrow(/no record can satisfy/);
    expect(() => recordMatching('{ $.a NOT EXISTS && $.a = "x" }')).toThrow(PatternNotSynthesizable);
    expect(() => recordMatching('[ip, user]')).toThrow(/only JSON patterns/);
  });

  it('makes sortable, marked run ids', () => {
    expect(newRunId(new Date('2026-11-30T18:40:00.123Z'), () => 0.5)).toBe('rootlock-drill-20261130T184000Z-i000');
  });

  it('lets only the alert topic send to the temporary queue', () => {
    const policy = JSON.parse(subscriberQueuePolicy('arn:aws:sqs:eu-west-1:1:q', model.pipeline.topicArn));
    expect(policy.Statement).toEqual([expect.objectContaining({ Principal: { Service: 'sns.amazonaws.com' }, Action: 'sqs:SendMessage', Condition: { ArnEquals: { 'aws:SourceArn': model.pipeline.topicArn } } })]);
  });
});

describe('matching a message at the topic to a path', () => {
  const account = model.members[0];
  const region = model.organization.homeRegion;
  const eventPath = byName(`event:${account.name}:${region}`);
  const event = { source: DRILL_SOURCE, account: account.id, region, detail: { runId, account: account.id, region, path: eventPath.name } };

  it('reads SNS envelopes and ignores anything else', () => {
    expect(parseEnvelope(JSON.stringify({ Type: 'Notification', TopicArn: 't', Message: 'm', Subject: 's' }))).toEqual({ topicArn: 't', subject: 's', message: 'm', timestamp: undefined });
    expect(parseEnvelope('not json')).toBeUndefined();
    expect(parseEnvelope(JSON.stringify({ Message: 'm' }))).toBeUndefined();
  });

  it('matches the whole event by run id, account and region, and not another run or account', () => {
    expect(messageProves(eventPath, env(JSON.stringify(event)), ctx)).toBe(true);
    expect(messageProves(eventPath, env(JSON.stringify({ ...event, detail: { ...event.detail, runId: 'other' } })), ctx)).toBe(false);
    expect(messageProves(byName(`event:management:${region}`), env(JSON.stringify(event)), ctx)).toBe(false);
  });

  it('matches a transformed message that kept the run id, or only the drill marker with account and region', () => {
    expect(messageProves(eventPath, env(`"DRILL ${runId} from ${account.id} in ${region}"`), ctx)).toBe(true);
    expect(messageProves(eventPath, env(JSON.stringify({ rule: 'rootlock-drill', account: account.id, region })), ctx)).toBe(true);
    expect(messageProves(eventPath, env(JSON.stringify({ rule: 'rootlock-root-api-call', account: account.id, region })), ctx)).toBe(false);
  });

  it('matches an alarm notification for the path alarm going to ALARM after the drill started', () => {
    const p = byName('metric:root-usage');
    const alarm = { AlarmName: p.detection.metric!.alarmName, NewStateValue: 'ALARM', StateChangeTime: '2026-11-30T18:40:03.000+0000' };
    expect(messageProves(p, env(JSON.stringify(alarm)), ctx)).toBe(true);
    expect(messageProves(p, env(JSON.stringify({ ...alarm, NewStateValue: 'OK' })), ctx)).toBe(false);
    expect(messageProves(p, env(JSON.stringify({ ...alarm, StateChangeTime: '2026-11-30T17:00:00.000+0000' })), ctx)).toBe(false);
    expect(messageProves(byName('metric:scp-changed'), env(JSON.stringify(alarm)), ctx)).toBe(false);
  });

  it("matches the drill alarm's ALARM notification carrying this run's reason, nothing else", () => {
    const p = byName('health');
    const alarm = { AlarmName: model.health.drillAlarm.alarmName, NewStateValue: 'ALARM', NewStateReason: healthDrillReason(runId) };
    expect(messageProves(p, env(JSON.stringify(alarm)), ctx)).toBe(true);
    expect(messageProves(p, env(JSON.stringify({ ...alarm, NewStateReason: healthDrillReason('rootlock-drill-20261130T000000Z-zzzz') })), ctx)).toBe(false);
    expect(messageProves(p, env(JSON.stringify({ ...alarm, NewStateValue: 'OK' })), ctx)).toBe(false);
    // A heartbeat alarm paging the health topic is an incident, not this drill.
    expect(messageProves(p, env(JSON.stringify({ ...alarm, AlarmName: model.health.heartbeat.alarms[0].alarmName })), ctx)).toBe(false);
    expect(healthDrillReason(runId)).toMatch(/^DRILL, NOT AN INCIDENT/);
    expect(healthDrillReason(runId).length).toBeLessThanOrEqual(1023);
  });

  it('matches a GuardDuty sample finding of the root-credential type, not a real one', () => {
    const finding = (sample: boolean) => JSON.stringify({ source: 'aws.guardduty', detail: { type: 'Policy:IAMUser/RootCredentialUsage', service: { additionalInfo: { sample } } } });
    expect(messageProves(byName('guardduty'), env(finding(true)), ctx)).toBe(true);
    expect(messageProves(byName('guardduty'), env(finding(false)), ctx)).toBe(false);
  });
});

describe('command line', () => {
  it('parses the options and refuses unknown ones in one line', () => {
    expect(parseArgs(['--inject', '--json', '--path', 'guardduty', '--timeout=30'])).toEqual({ json: true, list: false, path: 'guardduty', timeoutSeconds: 30, inject: true });
    expect(parseArgs(['--to-pager', '--role', 'custom-drill'])).toEqual({ json: false, list: false, toPager: true, role: 'custom-drill' });
    expect(parseArgs(['--help'])).toEqual({ json: false, list: false, help: true });
    expect(() => parseArgs(['--frobnicate'])).toThrow(/unknown option --frobnicate/);
    expect(() => parseArgs(['--timeout', '30'])).toThrow(/--inject only/);
    expect(() => parseArgs(['--inject', '--to-pager'])).toThrow(/choose one/);
    expect(() => parseArgs(['--timeout', '0'])).toThrow(/--timeout must be/);
    expect(() => parseArgs(['--path'])).toThrow(/--path needs a value/);
  });

  it('prints a line per path and the summary; exit status ok only when every driven path passed and nothing is left', () => {
    const report = {
      runId,
      results: [
        { path: 'a', result: 'PASS' as const, seconds: 1.25 },
        { path: 'b', result: 'FAIL' as const, reason: 'no page' },
        { path: 'config', result: 'NOT DRIVEN' as const, reason: 'not driven: why' },
      ],
      leftBehind: [],
    };
    expect(formatReport(report)).toEqual({ lines: ['PASS a 1.3', 'FAIL b no page', 'NOT DRIVEN config not driven: why', '1 passed, 1 failed'], ok: false });
    expect(formatReport({ ...report, results: [report.results[0]] }).ok).toBe(true);
    expect(formatReport({ ...report, results: [report.results[0]], leftBehind: ['queue q: AccessDenied'] }).ok).toBe(false);
  });
});

describe('the weekly drill workflow', () => {
  const root = path.join(__dirname, '..');
  const wf = parseYaml(fs.readFileSync(path.join(root, '.github', 'workflows', 'drill.yml'), 'utf8'));
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

  it('runs weekly and on demand, with an OIDC role, through the npm script', () => {
    expect(wf.on.schedule).toEqual([{ cron: '0 9 * * 1' }]);
    expect(wf.on.workflow_dispatch.inputs.path).toBeDefined();
    expect(wf.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    const steps = wf.jobs.drill.steps as Array<{ uses?: string; run?: string; with?: Record<string, string> }>;
    expect(steps.find((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials'))?.with?.['role-to-assume']).toBe('${{ vars.ROOTLOCK_DRILL_ROLE_ARN }}');
    expect(steps.some((s) => s.run?.includes('npm run --silent drill -- "$@"'))).toBe(true);
    expect(pkg.scripts.drill).toBe('ts-node --transpile-only drill/cli.ts');
  });
});
