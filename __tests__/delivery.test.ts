/**
 * Alerts that arrive: the pipeline watches itself (an alarm on trail delivery, on every dead-letter queue, on every
 * rule's failed invocations), every page is formatted by an input transformer, and every playbook link in the
 * synthesized Terraform and the runbooks resolves to an anchor of the generated markdown. Proven on the synthesized
 * Terraform JSON (what terraform applies) and the rendered runbooks.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import type { Model } from '../config/model';
import { renderRunbooks } from '../runbooks';
import { slug } from '../render/markdown';
import { deployOrder, synthesize } from '../stacks/app';
import { exampleModel, exampleRaw } from './support/example';

type Resource = Record<string, any>;
type Stack = { resource: Record<string, Record<string, Resource>>; provider?: { aws?: Array<{ alias?: string; region: string }> } };

function synthStacks(model: Model): { stacks: Record<string, Stack>; text: string } {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'rootlock-delivery-'));
  synthesize(model, out);
  const texts = deployOrder(model).map((name) => [name, fs.readFileSync(path.join(out, 'stacks', name, 'cdk.tf.json'), 'utf8')] as const);
  return { stacks: Object.fromEntries(texts.map(([n, t]) => [n, JSON.parse(t)])), text: texts.map(([, t]) => t).join('\n') };
}
const all = (stack: Stack, type: string): Resource[] => Object.values(stack.resource?.[type] ?? {});
/** The region a resource is created in: its provider alias, or the stack's default provider. */
function regionOf(stack: Stack, r: Resource): string {
  const alias = typeof r.provider === 'string' && r.provider.startsWith('aws.') ? r.provider.slice(4) : undefined;
  return stack.provider!.aws!.find((p) => (alias ? p.alias === alias : !p.alias))!.region;
}

/** Every anchor a markdown file offers: explicit `<a id>` and heading slugs (GitHub's). */
function anchorsOf(md: string): Set<string> {
  const ids = [...md.matchAll(/<a id="([^"]+)"><\/a>/g)].map((m) => m[1]);
  const headings = [...md.matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1]));
  return new Set([...ids, ...headings]);
}
/** Every `<file>.md#<anchor>` reference in a text, and every local `](#anchor)` link when the text is a runbook. */
function mdLinks(text: string): Array<{ file: string; anchor: string }> {
  return [...text.matchAll(/([\w.-]+\.md)#([\w-]+)/g)].map((m) => ({ file: m[1], anchor: m[2] }));
}

describe('the pipeline watches itself (example organization)', () => {
  const model = exampleModel();
  const { stacks, text } = synthStacks(model);
  const security = stacks[model.stackNames.security];
  // Watch alarms page the health topic (its own key), never the alert topic or key they watch (config/model-health.ts).
  const healthRef = (arns: unknown) => Array.isArray(arns) && arns.length === 1 && /aws_sns_topic\.health_topic\.arn/.test(String(arns[0]));

  it('alarms when the trail delivers nothing to its log group for the configured window, missing data breaching', () => {
    const alarm = all(security, 'aws_cloudwatch_metric_alarm').find((a) => a.alarm_name === model.delivery.watch.trailDelivery.alarmName)!;
    expect(alarm).toMatchObject({
      namespace: 'AWS/Logs',
      metric_name: 'IncomingLogEvents',
      statistic: 'Sum',
      period: (exampleRaw().alerts.logDeliveryWindowMinutes ?? 60) * 60,
      comparison_operator: 'LessThanThreshold',
      threshold: 1,
      treat_missing_data: 'breaching',
    });
    expect(alarm.dimensions.LogGroupName).toMatch(/aws_cloudwatch_log_group\.organization_trail_log_group\.name/);
    expect(healthRef(alarm.alarm_actions)).toBe(true);
  });

  it('takes the window from the configuration', () => {
    const m = exampleModel((c) => (c.alerts.logDeliveryWindowMinutes = 180));
    expect(m.delivery.watch.trailDelivery.windowMinutes).toBe(180);
  });

  it('has an alarm on every dead-letter queue of the model, in its account and region, and the model lists them all', () => {
    // The subscription dead-letter queue belongs to the health path (model.health, proven in silence-health.test.ts).
    const queues = Object.entries(stacks)
      .flatMap(([name, s]) => all(s, 'aws_sqs_queue').map((q) => `${name}:${regionOf(s, q)}:${q.name}`))
      .filter((q) => !q.endsWith(`:${model.health.subscriptionDeadLetterQueue.name}`));
    const stackOf = (accountId: string, purpose: string) =>
      purpose === 'alert-delivery' ? model.stackNames.security : model.allAccounts.find((a) => a.id === accountId)!.stackName;
    expect(model.delivery.deadLetterQueues.map((q) => `${stackOf(q.accountId, q.purpose)}:${q.region}:${q.name}`).sort()).toEqual(queues.sort());
    const sec = stacks[model.stackNames.security];
    for (const q of model.delivery.deadLetterQueues) {
      // Every queue is watched from the security stack: the forwarding queues across accounts, in their own region.
      const alarm = all(sec, 'aws_cloudwatch_metric_alarm').find((a) => a.alarm_name === q.alarmName && regionOf(sec, a) === q.region);
      const query = alarm?.metric_query?.[0];
      const watched = query ? { ...query.metric, account: query.account_id } : { namespace: alarm?.namespace, metric_name: alarm?.metric_name, dimensions: alarm?.dimensions, account: undefined };
      const cross = q.accountId !== model.security.id;
      expect({ queue: q.arn, alarm: alarm && { ns: watched.namespace, metric: watched.metric_name, queue: watched.dimensions?.QueueName, account: watched.account, threshold: alarm.threshold, op: alarm.comparison_operator } }).toEqual({
        queue: q.arn,
        alarm: { ns: 'AWS/SQS', metric: 'ApproximateNumberOfMessagesVisible', queue: q.name, account: cross ? q.accountId : undefined, threshold: 1, op: 'GreaterThanOrEqualToThreshold' },
      });
      // The home region pages the health topic; another region's alarm has no topic there: its state change is forwarded (next test).
      if (q.region === model.organization.homeRegion) expect(healthRef(alarm!.alarm_actions)).toBe(true);
      else expect(alarm!.alarm_actions).toEqual([]);
    }
    for (const a of model.allAccounts) expect({ stack: a.stackName, alarms: all(stacks[a.stackName], 'aws_cloudwatch_metric_alarm').length }).toEqual({ stack: a.stackName, alarms: 0 });
  });

  it('pages a member account\'s watch alarms through the forwarding: a forwarded rule for their state change in every region, a central rule to the topic', () => {
    const fwd = model.detections.find((d) => d.id === model.delivery.watch.forwarding.id)!;
    const pattern = fwd.event!.pattern as any;
    expect(pattern.detail.alarmName).toEqual([{ prefix: 'rootlock-forwarding-' }]);
    for (const a of model.allAccounts) {
      const s = stacks[a.stackName];
      const rules = all(s, 'aws_cloudwatch_event_rule').filter((r) => r.name === fwd.event!.ruleName).map((r) => regionOf(s, r));
      expect({ account: a.name, regions: rules.sort() }).toEqual({ account: a.name, regions: [...model.eventRegions].sort() });
    }
    // The security account's alarms outside the home region are the ones that rely on it: their names carry the prefix,
    // and the home region's (paging the health topic directly) do not, so nothing pages twice.
    for (const a of model.health.forwardingWatch.alarms) {
      expect({ alarm: a.alarmName, forwarded: a.alarmName.startsWith('rootlock-forwarding-') }).toEqual({ alarm: a.alarmName, forwarded: a.region !== model.organization.homeRegion });
    }
    expect(model.delivery.centralRules.map((r) => r.ruleName)).toContain(fwd.event!.ruleName);
  });

  it('alarms on FailedInvocations of every central rule, paging the health topic; forwarding rules fail into their watched queue', () => {
    const sec = stacks[model.stackNames.security];
    const failures = all(sec, 'aws_cloudwatch_metric_alarm').filter((a) => a.metric_name === 'FailedInvocations');
    for (const r of all(sec, 'aws_cloudwatch_event_rule').filter((x) => x.name !== model.health.heartbeat.ruleName)) {
      const alarm = failures.find((a) => regionOf(sec, a) === regionOf(sec, r) && a.dimensions.RuleName === r.name && (a.dimensions.EventBusName !== undefined) === (r.event_bus_name !== undefined));
      expect({ rule: r.name, alarmed: Boolean(alarm) }).toEqual({ rule: r.name, alarmed: true });
      expect(alarm!.namespace).toBe('AWS/Events');
      expect(healthRef(alarm!.alarm_actions)).toBe(true);
    }
    // Every forwarding target has the account's dead-letter queue, so a permanently failed invocation lands in a queue
    // the security account watches (previous tests): no per-rule alarm is needed in the accounts.
    for (const a of model.allAccounts) {
      for (const t of all(stacks[a.stackName], 'aws_cloudwatch_event_target')) {
        expect({ stack: a.stackName, target: t.target_id, dlq: /aws_sqs_queue\.forwarding_dlq_/.test(t.dead_letter_config?.arn ?? '') }).toEqual({ stack: a.stackName, target: t.target_id, dlq: true });
      }
    }
  });

  it('formats every page: each target on the alert topic has an input transformer naming detection, severity, account, region, actor, time, rule and playbook', () => {
    const targets = Object.values(stacks).flatMap((s) => all(s, 'aws_cloudwatch_event_target'));
    const toTopic = targets.filter((t) => /aws_sns_topic\.alerts_topic\.arn/.test(t.arn));
    expect(toTopic).toHaveLength(model.delivery.centralRules.length);
    for (const t of toTopic) {
      const r = model.delivery.centralRules.find((x) => t.rule.includes(`_${x.detectionId.replace(/-/g, '_')}_rule.`))!;
      const d = model.detections.find((x) => x.id === r.detectionId)!;
      const { input_paths: paths, input_template: template } = t.input_transformer;
      expect(Object.keys(paths).sort()).toEqual(['account', 'actor', 'region', 'time']);
      // A GuardDuty finding names the affected account in detail.accountId (the envelope is the delegated admin's).
      const accountPath = d.event!.pattern.source && JSON.stringify(d.event!.pattern.source).includes('aws.guardduty') ? '$.detail.accountId' : '$.account';
      expect(paths).toMatchObject({ account: accountPath, region: '$.region', time: '$.time' });
      const textOf = JSON.parse(template) as string;
      for (const part of ['<account>', '<region>', '<actor>', '<time>', d.title.replace(/[<>]/g, ''), d.severity.toUpperCase(), d.event!.ruleName, model.playbooks.url(d.id)]) {
        expect({ rule: r.ruleName, has: part, ok: textOf.includes(part) }).toEqual({ rule: r.ruleName, has: part, ok: true });
      }
    }
    // Forwarding keeps the event as it is: the central patterns must still match it.
    expect(targets.filter((t) => t.input_transformer && !toTopic.includes(t))).toEqual([]);
  });

  it('resolves every <file>.md#<anchor> in the synthesized Terraform and the runbooks against the generated markdown', () => {
    const files = renderRunbooks(model);
    const anchors = new Map([...files].map(([f, md]) => [f, anchorsOf(md)]));
    const links = [...mdLinks(text), ...[...files.values()].flatMap(mdLinks)];
    expect(links.filter((l) => l.file === model.runbooks.alarms).length).toBeGreaterThan(model.detections.length);
    const broken = links.filter((l) => !anchors.get(l.file)?.has(l.anchor)).map((l) => `${l.file}#${l.anchor}`);
    expect([...new Set(broken)]).toEqual([]);
    // Local links inside each runbook too.
    for (const [f, md] of files) {
      const local = [...md.matchAll(/\]\(#([\w-]+)\)/g)].map((m) => m[1]).filter((a) => !anchors.get(f)!.has(a));
      expect({ file: f, broken: local }).toEqual({ file: f, broken: [] });
    }
  });

  it('writes one explicit anchor per detection and per watch playbook before its heading', () => {
    const md = renderRunbooks(model).get(model.runbooks.alarms)!;
    const w = model.delivery.watch;
    for (const id of [...model.detections.map((d) => d.id), w.trailDelivery.id, w.alertDelivery.id]) {
      expect({ id, ok: new RegExp(`<a id="${id}"></a>\\n\\n## `).test(md) }).toEqual({ id, ok: true });
    }
  });

  it('makes every link in the Terraform absolute when runbooks.baseUrl is set, and keeps runbook-to-runbook links relative', () => {
    const m = exampleModel((c) => (c.runbooks = { baseUrl: 'https://runbooks.example.org/security/' }));
    const synthText = synthStacks(m).text;
    const refs = [...synthText.matchAll(/([^\s"]*)alarm-playbooks\.md#[\w-]+/g)].map((x) => x[1]);
    expect(refs.length).toBeGreaterThan(m.detections.length);
    expect(refs.filter((prefix) => prefix !== 'https://runbooks.example.org/security/')).toEqual([]);
    expect(m.playbooks.url('root-usage')).toBe('https://runbooks.example.org/security/alarm-playbooks.md#root-usage');
    expect(renderRunbooks(m).get(m.runbooks.index)).toContain('](alarm-playbooks.md#root-console-sign-in)');
  });
});

describe('the facts module under ts-node (how cdktf runs main.ts)', () => {
  it('loads the TypeScript wrapper, not the JSON of the same name (tsconfig ts-node.preferTsExts)', () => {
    const root = path.join(__dirname, '..');
    const r = spawnSync(path.join(root, 'node_modules', '.bin', 'ts-node'), ['--transpile-only', '-e', "process.stdout.write(typeof require('./policies/service-integrations').sourceConditions)"], {
      cwd: root,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect({ out: r.stdout, err: r.stderr }).toEqual({ out: 'function', err: '' });
  });
});
