/**
 * The drill's live checks: every path a root event takes to the pager, exercised against what is deployed, with no
 * side effect (nothing is put on a bus, in a log group or on a topic):
 *
 * - `rule:<detection>`: the paging rule in the security account (central bus, or the default bus for GuardDuty and
 *   KMS) exists, is ENABLED, targets the alert topic, and its LIVE pattern (DescribeRule) matches every recorded
 *   event of its detection (EventBridge TestEventPattern:
 *   https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_TestEventPattern.html);
 * - `forward:<account>:<region>:<detection>`: the same for each account's forwarding rule, targeting the central bus;
 * - `filter:<detection>`: the metric filter exists and its LIVE pattern (DescribeMetricFilters) matches every recorded
 *   trail record (CloudWatch Logs TestMetricFilter:
 *   https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_TestMetricFilter.html), it counts into
 *   its alarm's metric, and the alarm has its actions enabled and notifies its topic;
 * - `subscription:<protocol>:<endpoint>`: each alert destination is subscribed, confirmed, and has no filter policy
 *   (rootlock's pages carry no message attributes, so any filter policy drops them:
 *   https://docs.aws.amazon.com/sns/latest/dg/sns-subscription-filter-policies.html);
 * - `heartbeat:<account>:<region>`: a heartbeat of that account and region reached the security account within its
 *   alarm's window, and the alarm is there, armed and notifies the health topic (drill/heartbeat.ts: all of them
 *   read in a few batched calls, not one per account);
 * - `queue-watch:<account>:<region>`: the security account's alarm on that account's forwarding dead-letter queue is
 *   there, armed, reads that queue across accounts and is not in ALARM (drill/forwarding-watch.ts, batched likewise).
 *
 * A disabled or changed rule, filter or subscription fails its path by name, with the reason.
 */
import { ruleStateOf } from '../detections/rule-state';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, DescribeMetricFiltersCommand, TestMetricFilterCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeRuleCommand, EventBridgeClient, ListTargetsByRuleCommand, TestEventPatternCommand } from '@aws-sdk/client-eventbridge';
import { GetSubscriptionAttributesCommand, ListSubscriptionsByTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import type { AccountTarget, Model } from '../config/model';
import { rulesForRegion } from '../detections/regions';
import type { Detection } from '../detections/catalog';
import type { ClientOptions } from './aws';
import type { ForwardingWatchAlarm, HeartbeatAlarm } from '../config/model-health';
import { forwardingWatchCheckName, runForwardingWatchChecks } from './forwarding-watch';
import { heartbeatCheckName, runHeartbeatChecks } from './heartbeat';
import { rebase, SAMPLE_ACCOUNTS, samplesFor, trailRecords, type SampleEvent, type SampleTarget } from './samples';

export type LiveKind = 'rule' | 'forward' | 'filter' | 'subscription' | 'heartbeat' | 'queue-watch';

export interface LiveCheck {
  name: string;
  kind: LiveKind;
  account: AccountTarget;
  region: string;
  detection?: Detection;
  /** rule / forward: the rule, its bus (undefined: default) and where it must deliver. */
  rule?: { name: string; bus?: string; targetArn: string };
  subscription?: { protocol: string; endpoint: string };
  /** heartbeat: the account and region whose heartbeat, and whose alarm, is checked. */
  heartbeat?: HeartbeatAlarm;
  /** queue-watch: the security account's alarm on one account's forwarding queue in one region. */
  queueWatch?: ForwardingWatchAlarm;
}

export interface LiveResult {
  path: string;
  result: 'PASS' | 'FAIL';
  reason?: string;
}

/** Every live check, from the model only (pure), in a fixed order. */
export function planLiveChecks(model: Model): LiveCheck[] {
  const home = model.organization.homeRegion;
  const p = model.pipeline;
  const byId = new Map(model.detections.map((d) => [d.id, d]));
  const checks: LiveCheck[] = [];
  for (const r of model.delivery.centralRules) {
    checks.push({ name: `rule:${r.detectionId}`, kind: 'rule', account: model.security, region: home, detection: byId.get(r.detectionId), rule: { name: r.ruleName, bus: r.eventBusName, targetArn: p.topicArn } });
  }
  for (const account of model.allAccounts) {
    for (const region of model.eventRegions) {
      for (const d of rulesForRegion(model, region, 'forwarded')) {
        checks.push({ name: `forward:${account.name}:${region}:${d.id}`, kind: 'forward', account, region, detection: d, rule: { name: d.event!.ruleName, targetArn: p.busArn } });
      }
    }
  }
  for (const d of model.detections.filter((x) => x.metric)) {
    checks.push({ name: `filter:${d.id}`, kind: 'filter', account: model.security, region: home, detection: d });
  }
  for (const s of p.subscriptions) {
    checks.push({ name: `subscription:${s.protocol}:${s.endpoint}`, kind: 'subscription', account: model.security, region: home, subscription: s });
  }
  for (const a of model.health.heartbeat.alarms) {
    checks.push({ name: heartbeatCheckName(a), kind: 'heartbeat', account: model.security, region: home, heartbeat: a });
  }
  for (const a of model.health.forwardingWatch.alarms) {
    checks.push({ name: forwardingWatchCheckName(a), kind: 'queue-watch', account: model.security, region: a.region, queueWatch: a });
  }
  return checks;
}

const describe = (e: unknown) => `${(e as Error).name ?? 'Error'}: ${(e as Error).message ?? String(e)}`;

export type ClientsFor = (account: AccountTarget, region: string) => Promise<ClientOptions>;

async function checkRule(model: Model, c: LiveCheck, opts: ClientOptions): Promise<string | undefined> {
  const ids = sampleTarget(model);
  const events = new EventBridgeClient(opts);
  const rule = c.rule!;
  const where = `${rule.name}${rule.bus ? ` on ${rule.bus}` : ''} (${c.account.name} ${c.region})`;
  try {
    let described;
    try {
      described = await events.send(new DescribeRuleCommand({ Name: rule.name, EventBusName: rule.bus }));
    } catch (e) {
      if ((e as Error).name === 'ResourceNotFoundException') return `rule ${where} does not exist`;
      throw e;
    }
    // The state the stacks deploy (detections/rule-state.ts): ENABLED would skip the read-only CloudTrail events a
    // rule matching AssumeRole/AssumeRoot or root reads needs; DISABLED matches nothing.
    const expected = ruleStateOf(c.detection!.event!);
    if (described.State !== expected) {
      return `rule ${where} is ${described.State ?? 'in an unknown state'}, not ${expected}: ${described.State === 'DISABLED' ? 'it matches nothing' : 'it misses the read-only management events its detection needs'}`;
    }
    const targets = (await events.send(new ListTargetsByRuleCommand({ Rule: rule.name, EventBusName: rule.bus }))).Targets ?? [];
    if (!targets.some((t) => t.Arn === rule.targetArn)) return `rule ${where} does not target ${rule.targetArn} (targets: ${targets.map((t) => t.Arn).join(', ') || 'none'})`;
    const samples = samplesFor(c.detection!.id);
    if (samples.length === 0) return `no recorded event for detection ${c.detection!.id} (detections/samples/${c.detection!.id}.json)`;
    for (const sample of samples) {
      // Each sample where it happens in this organization (a break-glass user's change in the management account, a
      // trail bucket's in the security account): the live pattern must match the event as AWS would deliver it.
      const event = rebase(sample, naturalAccount(sample, ids), ids);
      const out = await events.send(new TestEventPatternCommand({ EventPattern: described.EventPattern!, Event: JSON.stringify(event) }));
      if (out.Result !== true) return `the live pattern of ${where} does not match the recorded ${sample['detail-type']} event ${sample.id}: its pattern was changed`;
    }
    return undefined;
  } finally {
    events.destroy();
  }
}

async function checkFilter(model: Model, c: LiveCheck, opts: ClientOptions): Promise<string | undefined> {
  const metric = c.detection!.metric!;
  const logs = new CloudWatchLogsClient(opts);
  const cw = new CloudWatchClient(opts);
  const group = model.pipeline.logGroupName;
  try {
    const filters = (await logs.send(new DescribeMetricFiltersCommand({ logGroupName: group, filterNamePrefix: metric.filterName }))).metricFilters ?? [];
    const filter = filters.find((f) => f.filterName === metric.filterName);
    if (!filter) return `metric filter ${metric.filterName} does not exist on ${group}`;
    const ids = sampleTarget(model);
    const records = trailRecords(samplesFor(c.detection!.id).map((s) => rebase(s, naturalAccount(s, ids), ids)));
    if (records.length === 0) return `no recorded trail record for detection ${c.detection!.id} (detections/samples/${c.detection!.id}.json)`;
    const out = await logs.send(new TestMetricFilterCommand({ filterPattern: filter.filterPattern ?? '', logEventMessages: records.map((r) => JSON.stringify(r)) }));
    const matched = new Set((out.matches ?? []).map((m) => m.eventNumber));
    const missed = records.map((r, i) => ({ r, n: i + 1 })).filter(({ n }) => !matched.has(n));
    if (missed.length > 0) return `the live pattern of metric filter ${metric.filterName} does not match the recorded trail record(s) ${missed.map(({ r }) => `${String(r.eventName)} ${String(r.eventID)}`).join(', ')}: its pattern was changed`;
    const t = filter.metricTransformations?.[0];
    if (t?.metricName !== metric.metricName || t?.metricNamespace !== model.pipeline.metricNamespace) {
      return `metric filter ${metric.filterName} counts into ${t?.metricNamespace}/${t?.metricName}, its alarm watches ${model.pipeline.metricNamespace}/${metric.metricName}`;
    }
    const alarm = (await cw.send(new DescribeAlarmsCommand({ AlarmNames: [metric.alarmName] }))).MetricAlarms?.[0];
    const topic = metric.route === 'compliance' ? model.compliance.topicArn : model.pipeline.topicArn;
    if (!alarm) return `alarm ${metric.alarmName} does not exist`;
    if (alarm.ActionsEnabled !== true) return `alarm ${metric.alarmName} has its actions disabled: it changes state without paging`;
    if (!(alarm.AlarmActions ?? []).includes(topic)) return `alarm ${metric.alarmName} does not notify ${topic}`;
    return undefined;
  } finally {
    logs.destroy();
    cw.destroy();
  }
}

async function checkSubscription(model: Model, c: LiveCheck, opts: ClientOptions): Promise<string | undefined> {
  const sns = new SNSClient(opts);
  const want = c.subscription!;
  try {
    const subs = [];
    let token: string | undefined;
    do {
      const page = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: model.pipeline.topicArn, NextToken: token }));
      subs.push(...(page.Subscriptions ?? []));
      token = page.NextToken;
    } while (token);
    const found = subs.filter((s) => s.Protocol === want.protocol && s.Endpoint === want.endpoint);
    if (found.length === 0) return `not subscribed to ${model.pipeline.topicName}`;
    const confirmed = found.filter((s) => s.SubscriptionArn && s.SubscriptionArn !== 'PendingConfirmation');
    if (confirmed.length === 0) return 'pending confirmation: no page reaches it until it is confirmed';
    for (const s of confirmed) {
      const attrs = (await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: s.SubscriptionArn }))).Attributes ?? {};
      const filter = (attrs.FilterPolicy ?? '').replace(/\s/g, '');
      if (filter && filter !== '{}') return `filter policy ${attrs.FilterPolicy} (scope ${attrs.FilterPolicyScope ?? 'MessageAttributes'}) on ${s.SubscriptionArn}: rootlock's pages carry no message attributes, so it drops them`;
    }
    return undefined;
  } finally {
    sns.destroy();
  }
}

/** Runs the checks, `concurrency` at a time (the heartbeat and queue-watch checks together, in batched reads); results in the checks' order. */
export async function runLiveChecks(model: Model, checks: LiveCheck[], clientsFor: ClientsFor, concurrency = 8): Promise<LiveResult[]> {
  const out: LiveResult[] = new Array(checks.length);
  const heartbeats = checks.map((c, i) => ({ c, i })).filter(({ c }) => c.kind === 'heartbeat');
  const beats = runHeartbeatChecks(model, heartbeats.map(({ c }) => c.heartbeat!), clientsFor);
  const queueWatches = checks.map((c, i) => ({ c, i })).filter(({ c }) => c.kind === 'queue-watch');
  const queues = runForwardingWatchChecks(model, queueWatches.map(({ c }) => c.queueWatch!), clientsFor);
  const others = checks.map((_, i) => i).filter((i) => checks[i].kind !== 'heartbeat' && checks[i].kind !== 'queue-watch');
  let next = 0;
  const worker = async () => {
    while (next < others.length) {
      const i = others[next++];
      const c = checks[i];
      let reason: string | undefined;
      try {
        const opts = await clientsFor(c.account, c.region);
        if (c.kind === 'rule' || c.kind === 'forward') reason = await checkRule(model, c, opts);
        else if (c.kind === 'filter') reason = await checkFilter(model, c, opts);
        else reason = await checkSubscription(model, c, opts);
      } catch (e) {
        reason = `could not be checked: ${describe(e)}`;
      }
      out[i] = reason ? { path: c.name, result: 'FAIL', reason } : { path: c.name, result: 'PASS' };
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, others.length)) }, worker));
  (await beats).forEach((r, j) => (out[heartbeats[j].i] = r));
  (await queues).forEach((r, j) => (out[queueWatches[j].i] = r));
  return out;
}

/** Where a recorded event happens in this organization: the management account's in the management account, others in the security account. */
function naturalAccount(sample: SampleEvent, ids: SampleTarget): string {
  return sample.account === SAMPLE_ACCOUNTS.management ? ids.management : ids.security;
}

/** This organization, as the samples are rebased into it. */
function sampleTarget(model: Model): SampleTarget {
  return { management: model.management.id, security: model.security.id, breakGlassUsers: model.people.breakGlassPrincipals.map((p) => p.arn.split('/').pop()!) };
}
