/**
 * Issue 24 without an emulator: rule states, the tamper detections generated from the same protected set and IAM
 * catalogue as the SCPs (no drift), EventBridge limits at 1,000 accounts, the health path's independence from the
 * alert topic and key in the synthesized Terraform, and who may publish to a paging topic (IAM engine).
 * Sources of the limits: EventBridge quotas (300 rules per event bus, adjustable; event pattern 4,096 characters, the
 * PutRule API reference) https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html ,
 * https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html .
 */
import { resolveModel, Model } from '../config/model';
import { validateConfig } from '../config/load';
import { ALL_MANAGEMENT_EVENTS as RULE_STATE_ALL, ruleStateOf } from '../detections/rule-state';
import { EVENT_PATTERN_MAX, watchedWrites } from '../detections/tamper';
import { rulesForRegion } from '../detections/regions';
import { decide } from '../policies/protection-scp';
import { topicPolicy } from '../policies/pipeline';
import { healthTopicPolicy } from '../policies/health';
import { JOB_ROLE_NAMES } from '../config/contract';
import { exampleModel, exampleRaw } from './support/example';
import { serviceRequest, simulate, ADMIN } from './support/iam';

const model = exampleModel();
const RULES_PER_BUS = 300;

/** The example organization grown to 1,000 member accounts (ids 100000000000 + i). */
function thousandAccounts(): Model {
  const raw = exampleRaw();
  const ou = raw.accounts[2].ou;
  const missing = 1000 - raw.accounts.length;
  for (let i = 0; i < missing; i++) raw.accounts.push({ id: String(100000000000 + i), name: `vended-${i}`, ou });
  return resolveModel(validateConfig(raw));
}

describe('rule states: read-only management events reach the rules that need them', () => {
  const state = (id: string) => ruleStateOf(model.detections.find((d) => d.id === id)!.event!);
  it.each(['root-console-sign-in', 'root-usage', 'root-task-session', 'break-glass-assumed', 'refused-break-glass'])('%s uses ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS', (id) => {
    expect(state(id)).toBe(RULE_STATE_ALL);
  });
  it('every detection matching root calls or STS assumptions has the state (no ENABLED rule can miss a read-only one)', () => {
    for (const d of model.detections.filter((x) => x.event)) {
      const text = JSON.stringify(d.event!.pattern);
      if (/"Root"|"AssumeRole"|"AssumeRoot"/.test(text)) expect({ id: d.id, state: ruleStateOf(d.event!) }).toEqual({ id: d.id, state: RULE_STATE_ALL });
    }
  });
  it('break-glass pages on success only; refusals are a low-urgency page', () => {
    const ok = model.detections.find((d) => d.id === 'break-glass-assumed')!;
    const refused = model.detections.find((d) => d.id === 'refused-break-glass')!;
    expect((ok.event!.pattern as any).detail.errorCode).toEqual([{ exists: false }]);
    expect(ok.metric!.pattern).toContain('$.errorCode NOT EXISTS');
    expect((refused.event!.pattern as any).detail.errorCode).toEqual([{ exists: true }]);
    expect([ok.severity, refused.severity]).toEqual(['critical', 'low']);
  });
  it('every detection that only had a metric alarm (latching) now pages per event too', () => {
    for (const id of ['trail-tampering', 'scp-changed', 'root-access-disabled']) {
      const d = model.detections.find((x) => x.id === id)!;
      expect({ id, metric: !!d.metric, event: !!d.event }).toEqual({ id, metric: true, event: true });
    }
  });
});

describe('tamper detections: generated from the protected set and the IAM catalogue', () => {
  const tamper = model.detections.filter((d) => d.id.startsWith('tamper-'));
  it('every write the monitoring-protection SCP denies on a protected resource is watched by a tamper rule of its service', () => {
    for (const r of model.protection.resources) {
      const watched = new Set(tamper.filter((d) => ((d.event!.pattern as any).source as string[]).includes(`aws.${r.service}`)).flatMap((d) => (d.event!.pattern as any).detail.eventName as string[]));
      const denied = decide(r).denied.map((a) => a.split(':')[1]);
      expect({ resource: r.id, unwatched: denied.filter((n) => !watched.has(n)) }).toEqual({ resource: r.id, unwatched: [] });
      expect(watchedWrites(r).sort()).toEqual([...new Set(denied)].sort());
    }
  });
  it('pages only outside a deploy (no source identity, another one, or another role) and only on success', () => {
    for (const d of tamper) {
      const detail = (d.event!.pattern as any).detail;
      expect(detail.errorCode).toEqual([{ exists: false }]);
      expect(JSON.stringify(detail.userIdentity)).toContain('rootlock-deploy');
      expect(JSON.stringify(detail.userIdentity)).toContain(model.organization.deploymentRoleName);
      expect(d.severity).toBe('critical');
    }
  });
  it('keeps every pattern under the 4,096-character limit', () => {
    for (const d of model.detections.filter((x) => x.event)) expect({ id: d.id, ok: JSON.stringify(d.event!.pattern).length <= EVENT_PATTERN_MAX }).toEqual({ id: d.id, ok: true });
  });
});

describe('quotas at 1,000 accounts', () => {
  const big = thousandAccounts();
  it('the central bus and every default bus stay within 300 rules, whatever the number of accounts', () => {
    expect(big.allAccounts.length).toBeGreaterThanOrEqual(1000);
    expect(big.delivery.centralRules.length + 1).toBeLessThanOrEqual(RULES_PER_BUS); // + the heartbeat rule
    for (const region of big.eventRegions) expect(rulesForRegion(big, region, 'forwarded').length + 1).toBeLessThanOrEqual(RULES_PER_BUS);
    expect(big.delivery.centralRules.length).toBe(model.delivery.centralRules.length);
  });
  it('alarms: none in the member accounts; the security account adds a heartbeat and a forwarding-queue alarm per account and region', () => {
    // Per account: one heartbeat and one queue alarm per event region (the README's "4 per account"), all in the security account.
    const perAccount = new Map<string, number>();
    for (const a of [...big.health.heartbeat.alarms, ...big.health.forwardingWatch.alarms]) perAccount.set(a.accountId, (perAccount.get(a.accountId) ?? 0) + 1);
    expect(perAccount.size).toBe(big.allAccounts.length);
    expect(new Set(perAccount.values())).toEqual(new Set([4]));
    // Per region of the security account: the home region holds every heartbeat alarm and its own queue alarms.
    const home = big.organization.homeRegion;
    const inHome = big.health.heartbeat.alarms.length + big.health.forwardingWatch.alarms.filter((a) => a.region === home).length;
    expect(inHome).toBe(big.allAccounts.length * (big.eventRegions.length + 1));
  });
});

describe('who may publish to a paging topic (IAM engine)', () => {
  const sec = model.security.id;
  const topic = model.pipeline.topicArn;
  const admin = `arn:aws:iam::${sec}:role/Admin`;
  const ask = (principal: string, resourcePolicy: object, resource: string, identity = [ADMIN]) =>
    simulate({ principal, action: 'sns:Publish', resource, resourcePolicy, identityPolicies: identity, context: { 'aws:SecureTransport': 'true', 'aws:PrincipalIsAWSService': 'false', 'aws:PrincipalArn': principal, 'aws:PrincipalAccount': sec } });
  it('an administrator of the security account cannot send a fake page or all-clear to the alert topic or the health topic', async () => {
    expect((await ask(admin, topicPolicy(model, topic, 'o-exampleorg1'), topic)).decision).toBe('ExplicitlyDenied');
    expect((await ask(admin, healthTopicPolicy(model), model.health.topicArn)).decision).toBe('ExplicitlyDenied');
  });
  it('the drill role can (it sends marked test pages)', async () => {
    const drill = `arn:aws:iam::${sec}:role/${JOB_ROLE_NAMES.drill}`;
    expect((await ask(drill, topicPolicy(model, topic, 'o-exampleorg1'), topic)).decision).toBe('Allowed');
  });
  it('CloudWatch alarms of the security account publish to the health topic', async () => {
    const r = await simulate({
      ...serviceRequest('cloudwatch-to-sns', { 'aws:SourceAccount': sec, 'aws:SourceArn': model.health.heartbeat.alarms[0].alarmName.replace(/^/, `arn:aws:cloudwatch:${model.organization.homeRegion}:${sec}:alarm:`) }),
      action: 'sns:Publish',
      resource: model.health.topicArn,
      resourcePolicy: healthTopicPolicy(model),
    });
    expect(r.decision).toBe('Allowed');
  });
});
