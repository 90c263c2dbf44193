/**
 * The CIS 4.3 filter beside rootlock's split root filters, evaluated by the emulator's TestMetricFilter (the CloudWatch
 * Logs filter syntax; see emulator/filter_pattern.py) on the CloudTrail records of the sample events in
 * __tests__/fixtures/events/ and a few variants: together, root-usage and root-task-session see every root event the
 * CIS filter sees, and the split between real root use and AssumeRoot task sessions holds.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CloudWatchLogsClient, TestMetricFilterCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CIS_ROOT_USAGE_PATTERN } from '../detections/compliance';
import { Emulator, sdkConfig, startEmulator } from './support/emulator';
import { exampleModel } from './support/example';
import { describeWithTools } from './support/tools';

const FIXTURES = path.join(__dirname, 'fixtures', 'events');
type Envelope = { 'detail-type': string; detail: Record<string, any> };

/** CloudTrail records (what the trail writes to the log group) of every sample delivered via CloudTrail. */
function cloudTrailRecords(): Record<string, Record<string, any>> {
  const records: Record<string, Record<string, any>> = {};
  for (const f of fs.readdirSync(FIXTURES).filter((n) => n.endsWith('.json')).sort()) {
    const e = JSON.parse(fs.readFileSync(path.join(FIXTURES, f), 'utf8')) as Envelope;
    if (e['detail-type'].endsWith('via CloudTrail')) records[f.replace(/\.json$/, '')] = e.detail;
  }
  const api = records['root-api-call'];
  // Variants: a member root call the SCP denied, a root call in another region, a task session's read-only call.
  records['variant-root-call-denied'] = { ...api, errorCode: 'AccessDenied', errorMessage: 'explicit deny in a service control policy' };
  records['variant-root-call-other-region'] = { ...api, awsRegion: 'ap-southeast-2', eventSource: 'ec2.amazonaws.com', eventName: 'RunInstances' };
  records['variant-task-session-read'] = { ...records['root-task-session-action'], eventName: 'GetLoginProfile', readOnly: true };
  return records;
}

/** For each filter, the samples it must match; every other sample must not match. */
const EXPECTED: Record<string, string[]> = {
  cis: [
    'root-api-call',
    'root-console-sign-in-failure',
    'root-console-sign-in-success',
    'root-read-only-call',
    'root-task-session-action',
    'root-task-session-read',
    'variant-root-call-denied',
    'variant-root-call-other-region',
    'variant-task-session-read',
  ],
  'root-usage': ['root-api-call', 'root-console-sign-in-failure', 'root-console-sign-in-success', 'root-read-only-call', 'variant-root-call-denied', 'variant-root-call-other-region'],
  // Not the audit role's own read-only audit sessions, nor a task session's reads: they change nothing (the session's
  // AssumeRoot paged unless it was the audit's); the audit role asking for another task policy does page.
  'root-task-session': ['root-task-session-action', 'sts-assume-root', 'sts-assume-root-audit-role-delete-task', 'sts-assume-root-password-recovery'],
};

describeWithTools(['moto_server'], 'the compliance filter coverage test')('the CIS 4.3 filter and the split root filters (TestMetricFilter)', () => {
  let emu: Emulator;
  const model = exampleModel();
  const records = cloudTrailRecords();
  const names = Object.keys(records);
  const pattern = (id: string) => model.detections.find((d) => d.id === id)!.metric!.pattern;
  const patterns: Record<string, string> = { cis: pattern('cis-root-usage'), 'root-usage': pattern('root-usage'), 'root-task-session': pattern('root-task-session') };
  const matched: Record<string, Set<string>> = {};

  beforeAll(async () => {
    emu = (await startEmulator())!;
    const logs = new CloudWatchLogsClient(sdkConfig(emu));
    const messages = names.map((n) => JSON.stringify(records[n]));
    for (const [id, p] of Object.entries(patterns)) {
      const out = await logs.send(new TestMetricFilterCommand({ filterPattern: p, logEventMessages: messages }));
      matched[id] = new Set(out.matches!.map((m) => names[m.eventNumber! - 1]));
    }
  }, 120_000);

  afterAll(async () => {
    await emu?.stop();
  });

  it('the compliance detection carries the published CIS string, byte for byte', () => {
    const published = Buffer.from('{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}', 'utf8');
    expect(Buffer.from(patterns.cis, 'utf8').equals(published)).toBe(true);
    expect(patterns.cis).toBe(CIS_ROOT_USAGE_PATTERN);
  });

  it('each filter matches exactly the samples it must (console sign-in, API call, task session, service event, invokedBy)', () => {
    for (const id of Object.keys(patterns)) expect({ id, matched: [...matched[id]].sort() }).toEqual({ id, matched: [...EXPECTED[id]].sort() });
    // The samples the CIS filter must ignore are really there: a service event and a call a service made for root.
    expect(names).toEqual(expect.arrayContaining(['root-credential-challenge-service-event', 'root-service-invoked']));
  });

  it('together, root-usage and root-task-session see every root event the CIS filter sees, but the reads of a task session', () => {
    // A task session's reads change nothing; the session itself paged when it was opened (root-task-session on its
    // AssumeRoot), unless it was the scheduled audit's read-only session. The CIS alarm still counts them.
    const cisOnly = [...matched.cis].filter((n) => !matched['root-usage'].has(n) && !matched['root-task-session'].has(n));
    expect(cisOnly.sort()).toEqual(['root-task-session-read', 'variant-task-session-read']);
    for (const n of cisOnly) expect(records[n].readOnly).toBe(true);
    expect(matched.cis.size).toBeGreaterThanOrEqual(5);
  });

  it('keeps the split: a task session never fires root-usage, real root use never fires root-task-session', () => {
    const both = [...matched['root-usage']].filter((n) => matched['root-task-session'].has(n));
    expect(both).toEqual([]);
  });
});
