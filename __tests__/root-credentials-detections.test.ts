/**
 * The detections of root handed back (detections/root-credentials.ts), against AWS-shaped CloudTrail records in the
 * account and region where AWS records them (__tests__/fixtures/events/, plus variants built here):
 * - a member root email change started or accepted: account.amazonaws.com, us-east-1, the management account;
 * - a break-glass user's credentials changed: iam.amazonaws.com, us-east-1, the user's account;
 * - a password-recovery task session: AssumeRoot (the region called, the management account) with the
 *   IAMCreateRootUserPassword task policy, and the session's CreateLoginProfile (us-east-1, the member account).
 * Patterns are evaluated by the emulator's TestEventPattern and TestMetricFilter (real matchers, no delivery); the
 * forwarded rule must exist where the record is made (detections/regions.ts), else the organization trail's metric
 * filter must see it. Every record is also shown to every other detection pattern: no new sample pages twice except
 * where the truth table of event-patterns.test.ts says so.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CloudWatchLogsClient, TestMetricFilterCommand } from '@aws-sdk/client-cloudwatch-logs';
import { EventBridgeClient, TestEventPatternCommand } from '@aws-sdk/client-eventbridge';
import { ConfigError } from '../config/errors';
import { rulesForRegion } from '../detections/regions';
import { recordMatching } from '../drill/pattern-record';
import { breakGlassCredentialFilter, METRIC_FILTER_PATTERN_MAX } from '../detections/break-glass-filter';
import { Emulator, sdkConfig, startEmulator } from './support/emulator';
import { exampleModel } from './support/example';
import { describeWithTools } from './support/tools';

const FIXTURES = path.join(__dirname, 'fixtures', 'events');
type Sample = { account: string; region: string; source: string; 'detail-type': string; detail: Record<string, any>; [k: string]: unknown };
const sample = (name: string): Sample => JSON.parse(fs.readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8'));
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v));

const model = exampleModel();
const MGMT = model.management.id;
const MEMBER = '444444444444';
const NEW = ['member-root-email-changed', 'break-glass-user-credentials-changed', 'root-password-recovery-session'] as const;
const detection = (id: string) => model.detections.find((d) => d.id === id)!;

/** A record as the trail writes it, wrapped as EventBridge delivers it (same account and region). */
function variant(base: string, change: (s: Sample) => void): Sample {
  const s = clone(sample(base));
  change(s);
  s.account = s.detail.recipientAccountId;
  s.region = s.detail.awsRegion;
  return s;
}

const SAMPLES: Record<string, Sample> = {
  'email-start': sample('account-primary-email-update-start'),
  'email-accept': sample('account-primary-email-update-accept'),
  'email-read': variant('account-primary-email-update-start', (s) => Object.assign(s.detail, { eventName: 'GetPrimaryEmail', readOnly: true, responseElements: null })),
  'bg-create-access-key': sample('break-glass-user-create-access-key'),
  'bg-deactivate-mfa': sample('break-glass-user-deactivate-mfa'),
  'bg-update-login-profile': sample('break-glass-user-update-login-profile'),
  'bg-list-access-keys': sample('break-glass-user-list-access-keys'),
  'bg-delete-virtual-mfa': variant('break-glass-user-deactivate-mfa', (s) => Object.assign(s.detail, { eventName: 'DeleteVirtualMFADevice', requestParameters: { serialNumber: `arn:aws:iam::${MGMT}:mfa/breakglass-bob` } })),
  'bg-change-own-password': variant('break-glass-user-update-login-profile', (s) =>
    Object.assign(s.detail, {
      eventName: 'ChangePassword',
      requestParameters: null,
      userIdentity: { type: 'IAMUser', principalId: 'AIDAEXAMPLEALICE', arn: `arn:aws:iam::${MGMT}:user/breakglass-alice`, accountId: MGMT, accessKeyId: 'ASIAEXAMPLEALICE', userName: 'breakglass-alice' },
    }),
  ),
  'other-user-create-access-key': variant('break-glass-user-create-access-key', (s) => (s.detail.requestParameters.userName = 'deploy')),
  'same-name-other-account': variant('break-glass-user-create-access-key', (s) => (s.detail.recipientAccountId = MEMBER)),
  'assume-root-password-recovery': sample('sts-assume-root-password-recovery'),
  'assume-root-password-recovery-far-region': variant('sts-assume-root-password-recovery', (s) => (s.detail.awsRegion = 'ap-south-1')),
  'assume-root-audit': variant('sts-assume-root-password-recovery', (s) => (s.detail.requestParameters.taskPolicyArn.arn = 'arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials')),
  'assume-root-delete': sample('sts-assume-root'),
  'task-session-create-login-profile': variant('root-task-session-action', (s) => (s.detail.eventName = 'CreateLoginProfile')),
  'task-session-delete-login-profile': sample('root-task-session-action'),
};

/** For each new detection, the samples its EventBridge pattern (event) and its metric filter (metric) must match. */
const EXPECTED: Record<(typeof NEW)[number], { event: string[]; metric: string[] }> = {
  'member-root-email-changed': { event: ['email-start', 'email-accept'], metric: ['email-start', 'email-accept'] },
  'break-glass-user-credentials-changed': {
    event: ['bg-create-access-key', 'bg-deactivate-mfa', 'bg-update-login-profile', 'bg-delete-virtual-mfa', 'bg-change-own-password'],
    // DeleteVirtualMFADevice names the device only; IAM refuses it while the device is enabled, and its deactivation (with userName) pages.
    metric: ['bg-create-access-key', 'bg-deactivate-mfa', 'bg-update-login-profile', 'bg-change-own-password'],
  },
  'root-password-recovery-session': {
    event: ['assume-root-password-recovery', 'assume-root-password-recovery-far-region', 'task-session-create-login-profile'],
    metric: ['assume-root-password-recovery', 'assume-root-password-recovery-far-region', 'task-session-create-login-profile'],
  },
};

describe('root-credential detections: where AWS records the events', () => {
  it('each new detection pages critical, with a playbook entry (triage events, query, containment)', () => {
    for (const id of NEW) {
      const d = detection(id);
      expect({ id, severity: d.severity }).toEqual({ id, severity: 'critical' });
      expect(d.contain.length).toBeGreaterThan(0);
      expect(d.triageEvents.length).toBeGreaterThan(0);
      expect(d.metric!.pattern.length).toBeLessThanOrEqual(METRIC_FILTER_PATTERN_MAX);
    }
    // Audit and delete task sessions keep their own (high) page; only the password recovery is critical.
    expect(detection('root-task-session').severity).toBe('high');
  });

  it('a forwarded rule listens in the account and region of every sample, or the organization trail filter sees it', () => {
    const withBaseline = new Set(model.allAccounts.map((a) => a.id));
    for (const [name, s] of Object.entries(SAMPLES)) {
      expect({ name, recordedWhereDelivered: [s.account, s.region] }).toEqual({ name, recordedWhereDelivered: [s.detail.recipientAccountId, s.detail.awsRegion] });
      for (const id of NEW) {
        if (!EXPECTED[id].event.includes(name)) continue;
        // Baseline stacks put forwarded rules in model.eventRegions only (home region and us-east-1).
        const listening = model.eventRegions.includes(s.region) && rulesForRegion(model, s.region, 'forwarded').some((d) => d.id === id);
        const onlyTrail = !listening || !withBaseline.has(s.account);
        // The only sample no rule hears is AssumeRoot called in a region outside the home region and us-east-1: the metric filter must match it.
        if (onlyTrail) expect({ name, id, metric: EXPECTED[id].metric.includes(name) }).toEqual({ name, id, metric: true });
        else expect({ name, id, listening }).toEqual({ name, id, listening: true });
      }
    }
    expect(SAMPLES['email-start'].region).toBe('us-east-1');
    expect(SAMPLES['email-start'].account).toBe(MGMT);
    expect(SAMPLES['bg-create-access-key'].region).toBe('us-east-1');
    expect(model.eventRegions).not.toContain(SAMPLES['assume-root-password-recovery-far-region'].region);
  });

  it('the validator refuses break-glass users whose credential filter would not fit one metric filter', () => {
    const many = Array.from({ length: 8 }, (_, i) => ({
      arn: `arn:aws:iam::111111111111:user/breakglass-responder-with-a-long-name-${i}`,
      mfaDeviceArn: `arn:aws:iam::111111111111:mfa/breakglass-responder-with-a-long-name-${i}`,
      custody: 'vault',
    }));
    let error: unknown;
    try {
      exampleModel((c) => (c.breakGlass.principals = many));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(String((error as Error).message)).toMatch(/breakGlass\.principals.*1024/s);
    expect(breakGlassCredentialFilter([{ name: 'a', accountId: MGMT, mfaDeviceArn: 'x' }])).toContain('"a"');
  });
});

describeWithTools(['moto_server'], 'the root-credential detection tests')('root-credential detections against the emulator matchers', () => {
  jest.setTimeout(120_000);
  let emu: Emulator;
  const names = Object.keys(SAMPLES);
  const eventMatches: Record<string, string[]> = {};
  const metricMatches: Record<string, string[]> = {};

  beforeAll(async () => {
    emu = (await startEmulator())!;
    const eb = new EventBridgeClient(sdkConfig(emu));
    const logs = new CloudWatchLogsClient(sdkConfig(emu));
    for (const d of model.detections) {
      if (d.event) {
        eventMatches[d.id] = [];
        for (const n of names) {
          const out = await eb.send(new TestEventPatternCommand({ EventPattern: JSON.stringify(d.event.pattern), Event: JSON.stringify({ id: n, version: '0', time: '2026-11-28T10:00:00Z', resources: [], ...SAMPLES[n] }) }));
          if (typeof out.Result !== 'boolean') throw new Error(`TestEventPattern gave no Result for ${d.id}: the matcher is a stub`);
          if (out.Result) eventMatches[d.id].push(n);
        }
      }
      if (d.metric) {
        const out = await logs.send(new TestMetricFilterCommand({ filterPattern: d.metric.pattern, logEventMessages: names.map((n) => JSON.stringify(SAMPLES[n].detail)) }));
        metricMatches[d.id] = out.matches!.map((m) => names[m.eventNumber! - 1]);
      }
    }
  });
  afterAll(async () => emu?.stop());

  it.each(NEW)('%s: the EventBridge pattern and the metric filter match exactly their samples', (id) => {
    expect(eventMatches[id].sort()).toEqual([...EXPECTED[id].event].sort());
    expect(metricMatches[id].sort()).toEqual([...EXPECTED[id].metric].sort());
  });

  it('the drill can raise each new alarm: its synthetic trail record matches the metric filter', async () => {
    const logs = new CloudWatchLogsClient(sdkConfig(emu));
    for (const id of NEW) {
      const pattern = detection(id).metric!.pattern;
      const out = await logs.send(new TestMetricFilterCommand({ filterPattern: pattern, logEventMessages: [JSON.stringify(recordMatching(pattern))] }));
      expect({ id, matches: out.matches!.length }).toEqual({ id, matches: 1 });
    }
  });

  it('no other detection pages on these samples, except the task-session page on every AssumeRoot session', () => {
    const others: Record<string, string[]> = {};
    for (const [id, matched] of Object.entries({ ...eventMatches })) if (!(NEW as readonly string[]).includes(id) && matched.length) others[`event:${id}`] = matched.sort();
    for (const [id, matched] of Object.entries(metricMatches)) if (!(NEW as readonly string[]).includes(id) && matched.length) others[`metric:${id}`] = matched.sort();
    const sessions = ['assume-root-audit', 'assume-root-delete', 'assume-root-password-recovery', 'assume-root-password-recovery-far-region', 'task-session-create-login-profile', 'task-session-delete-login-profile'];
    expect(others).toEqual({
      'event:root-task-session': sessions.sort(),
      'metric:root-task-session': sessions.sort(),
      // The CIS 4.3 filter counts every Root identity, task sessions included (compliance topic, never the only page).
      'metric:cis-root-usage': ['task-session-create-login-profile', 'task-session-delete-login-profile'],
    });
  });
});
