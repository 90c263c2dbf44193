/**
 * The deployed-state audit: every synthesized resource whose attributes decide whether a root event becomes a page,
 * held against its live twin, attribute by attribute. Which attributes, and how each is compared, is data (SPECS, by
 * Terraform resource type); the expected values come from the synthesized Terraform (audit/expected.ts), never from a
 * second list. A difference is a failed result naming the resource and the attribute, with the expected and the actual
 * value side by side (a line diff for policies and patterns).
 */
import { iamRoleArn } from '../config/arn';
import { documentDiff, DocumentKind, normalizeDocument } from '../policies/judgement';
import { AwsAccess, clientConfig, Credentials, errorText, mapLimit, assumeRole } from './aws';
import { fail, notChecked, pass, Result } from './checks';
import { READERS, ReadContext } from './deployed-read';
import { ExpectedResource, PLACEHOLDER } from './expected';

type Kind = 'value' | 'set' | 'struct' | DocumentKind;

interface AttrSpec {
  attr: string;
  kind: Kind;
  /** The value AWS (and the provider) give an attribute the synthesized resource leaves out. */
  default?: unknown;
  /** Left out means "none": the live resource must not have one either (a filter policy, selectors). */
  absentMeansNone?: boolean;
}

interface TypeSpec {
  check: string;
  /** The live name shown next to the address. */
  label: (r: ExpectedResource) => string;
  attrs: AttrSpec[];
}

const v = (attr: string, extra: Partial<AttrSpec> = {}): AttrSpec => ({ attr, kind: 'value', ...extra });
const nameOf = (k: string) => (r: ExpectedResource) => String(r.attrs[k] ?? r.name);
const policyOnly = (check: string, label: TypeSpec['label']): TypeSpec => ({ check, label, attrs: [{ attr: 'policy', kind: 'policy', absentMeansNone: true }] });

/** Terraform resource type -> its check and the attributes that decide delivery. */
export const SPECS: Record<string, TypeSpec> = {
  aws_organizations_policy: { check: 'deployed-org-policy', label: nameOf('name'), attrs: [{ attr: 'content', kind: 'policy' }] },
  aws_organizations_policy_attachment: {
    check: 'deployed-org-policy-attachment',
    label: (r) => `${String(r.attrs.policy_id).replace(/^policy:/, '')} on ${String(r.attrs.target_id)}`,
    attrs: [v('target_id')],
  },
  aws_cloudwatch_event_rule: { check: 'deployed-event-rule', label: nameOf('name'), attrs: [v('state', { default: 'ENABLED' }), { attr: 'event_pattern', kind: 'pattern' }] },
  aws_cloudwatch_event_target: {
    check: 'deployed-event-target',
    label: (r) => `${String(r.attrs.rule)} -> ${String(r.attrs.target_id)}`,
    attrs: [v('arn'), v('role_arn', { absentMeansNone: true }), { attr: 'dead_letter_config', kind: 'struct', absentMeansNone: true }, { attr: 'input_transformer', kind: 'struct', absentMeansNone: true }, v('input', { absentMeansNone: true }), v('input_path', { absentMeansNone: true })],
  },
  aws_cloudwatch_log_metric_filter: { check: 'deployed-metric-filter', label: nameOf('name'), attrs: [v('pattern'), { attr: 'metric_transformation', kind: 'struct' }] },
  aws_cloudwatch_metric_alarm: {
    check: 'deployed-alarm',
    label: nameOf('alarm_name'),
    attrs: [
      v('actions_enabled', { default: true }),
      { attr: 'alarm_actions', kind: 'set', default: [] },
      { attr: 'ok_actions', kind: 'set', default: [] },
      { attr: 'insufficient_data_actions', kind: 'set', default: [] },
      v('metric_name'),
      v('namespace'),
      v('statistic'),
      v('period'),
      v('evaluation_periods'),
      v('datapoints_to_alarm'),
      v('threshold'),
      v('comparison_operator'),
      v('treat_missing_data', { default: 'missing' }),
      { attr: 'dimensions', kind: 'struct' },
      // A cross-account alarm's metric: pointed at another account or queue, it would watch nothing of ours.
      { attr: 'metric_query', kind: 'struct', absentMeansNone: true },
    ],
  },
  aws_sns_topic_subscription: {
    check: 'deployed-subscription',
    label: (r) => `${String(r.attrs.protocol)}:${String(r.attrs.endpoint)}`,
    attrs: [{ attr: 'filter_policy', kind: 'pattern', absentMeansNone: true }, v('filter_policy_scope'), v('raw_message_delivery', { default: false }), { attr: 'redrive_policy', kind: 'struct', absentMeansNone: true }],
  },
  aws_sns_topic_policy: policyOnly('deployed-resource-policy', nameOf('arn')),
  aws_sqs_queue_policy: policyOnly('deployed-resource-policy', (r) => String(r.attrs.queue_url).replace(/^queue:/, 'queue ')),
  aws_cloudwatch_event_bus_policy: policyOnly('deployed-resource-policy', (r) => `event bus ${String(r.attrs.event_bus_name ?? 'default')}`),
  aws_s3_bucket_policy: policyOnly('deployed-resource-policy', (r) => `bucket ${String(r.attrs.bucket)}`),
  aws_cloudtrail: {
    check: 'deployed-trail',
    label: nameOf('name'),
    attrs: [
      v('enable_logging', { default: true }),
      v('is_multi_region_trail', { default: false }),
      v('is_organization_trail', { default: false }),
      v('include_global_service_events', { default: true }),
      v('s3_bucket_name'),
      v('kms_key_id'),
      v('cloud_watch_logs_group_arn'),
      v('cloud_watch_logs_role_arn'),
      { attr: 'event_selector', kind: 'struct', absentMeansNone: true },
      { attr: 'advanced_event_selector', kind: 'struct', absentMeansNone: true },
    ],
  },
  aws_guardduty_detector: { check: 'deployed-guardduty', label: (r) => `detector in ${r.account}/${r.region}`, attrs: [v('enable', { default: true }), v('finding_publishing_frequency', { default: 'SIX_HOURS' })] },
  aws_iam_role: { check: 'deployed-role-trust', label: nameOf('name'), attrs: [{ attr: 'assume_role_policy', kind: 'policy' }, v('max_session_duration', { default: 3600 })] },
  aws_config_organization_managed_rule: {
    check: 'deployed-config-rule',
    label: nameOf('name'),
    attrs: [v('rule_identifier'), { attr: 'input_parameters', kind: 'struct', absentMeansNone: true }, v('maximum_execution_frequency'), { attr: 'excluded_accounts', kind: 'set', default: [] }],
  },
  // The key a topic encrypts with: a key the publishing services cannot use stops every page.
  aws_sns_topic: { check: 'deployed-resource-policy', label: nameOf('name'), attrs: [v('kms_master_key_id', { absentMeansNone: true })] },
  aws_config_configuration_recorder_status: { check: 'deployed-config-recorder', label: nameOf('name'), attrs: [v('is_enabled')] },
  // A key the publishing services may no longer use, or a disabled one, stops every page it encrypts. Found through
  // its alias (expected.ts FOUND_THROUGH); the provider's defaults: enabled, rotation off.
  aws_kms_key: {
    check: 'deployed-kms-key',
    label: (r) => r.lookup?.name ?? 'no alias',
    attrs: [{ attr: 'policy', kind: 'policy' }, v('is_enabled', { default: true }), v('enable_key_rotation', { default: false })],
  },
};

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Whether `actual` is `expected` with each placeholder standing for one value: a bound placeholder must be its bound
 * value, an unbound one binds to what it meets (so every use of one generated id names the same thing).
 */
function matchText(expected: string, actual: string, bindings: Map<string, string>): boolean {
  let text = expected;
  for (const [ph, value] of bindings) text = text.split(ph).join(value);
  if (!PLACEHOLDER.test(text)) return text === actual;
  const names: string[] = [];
  const source = text
    .split(/(⟨[^⟩]+⟩)/)
    .map((part) => {
      if (!part.startsWith('⟨')) return escape(part);
      const seen = names.indexOf(part);
      if (seen >= 0) return `\\${seen + 1}`;
      names.push(part);
      return '(.+?)';
    })
    .join('');
  const m = new RegExp(`^${source}$`, 's').exec(actual);
  if (!m) return false;
  names.forEach((ph, i) => bindings.set(ph, m[i + 1]));
  return true;
}

const show = (x: unknown) => (x === undefined || x === null ? '(none)' : typeof x === 'string' ? x : JSON.stringify(x));

function canonicalText(x: unknown, kind: Kind): string {
  if (x === undefined || x === null || x === '') return '(none)';
  if (kind === 'value') return String(x);
  if (kind === 'set') return JSON.stringify([...(x as unknown[]).map(String)].sort());
  return JSON.stringify(normalizeDocument(typeof x === 'string' || kind !== 'struct' ? x : JSON.parse(JSON.stringify(x)), kind === 'struct' ? 'policy' : kind));
}

interface Difference {
  attribute: string;
  expected: string;
  actual: string;
  diff: string[];
}

/** The attributes of one resource that differ from the synthesized ones (empty: the resource is as synthesized). */
export function compareResource(spec: TypeSpec, expected: Record<string, unknown>, actual: Record<string, unknown>, bindings: Map<string, string>): Difference[] {
  const out: Difference[] = [];
  for (const a of spec.attrs) {
    let want = expected[a.attr];
    if (want === undefined) {
      if (a.default !== undefined) want = a.default;
      else if (!a.absentMeansNone) continue;
    }
    const got = actual[a.attr];
    if (a.kind === 'set') {
      const wantItems = ((want as unknown[]) ?? []).map(String).sort();
      const gotItems = ((got as unknown[]) ?? []).map(String);
      const left = [...gotItems];
      const missing = wantItems.filter((w) => {
        const i = left.findIndex((g) => matchText(w, g, bindings));
        if (i < 0) return true;
        left.splice(i, 1);
        return false;
      });
      if (missing.length || left.length) out.push({ attribute: a.attr, expected: show(wantItems), actual: show([...gotItems].sort()), diff: [...missing.map((m) => `- ${m}`), ...left.map((l) => `+ ${l}`)] });
      continue;
    }
    let wantText: string;
    let gotText: string;
    try {
      wantText = canonicalText(want, a.kind);
      gotText = canonicalText(got, a.kind);
    } catch (e) {
      out.push({ attribute: a.attr, expected: show(want), actual: show(got), diff: [`(cannot parse: ${errorText(e)})`] });
      continue;
    }
    if (matchText(wantText, gotText, bindings)) continue;
    const documentLike = a.kind !== 'value' && want !== undefined && got !== undefined && got !== null;
    out.push({
      attribute: a.attr,
      expected: show(want),
      actual: show(got),
      diff: documentLike ? documentDiff(want, got, a.kind === 'pattern' ? 'pattern' : 'policy') : [`- ${wantText}`, `+ ${gotText}`],
    });
  }
  return out;
}

const resourceLabel = (r: ExpectedResource, spec: TypeSpec) => `${r.address} (${spec.label(r)})`;

/** Results of one resource, from its live read (or the error that kept it from being read). */
export function judgeResource(r: ExpectedResource, live: Record<string, unknown> | null | { error: string }, bindings: Map<string, string>): Result[] {
  const spec = SPECS[r.type];
  const who = resourceLabel(r, spec);
  if (live && 'error' in live && typeof live.error === 'string') return [notChecked(spec.check, who, `cannot read it in ${r.account}/${r.region}: ${live.error}`)];
  if (live === null) return [{ ...fail(spec.check, who, `Missing in ${r.account}/${r.region}: synthesized, not deployed (or deleted).`), attribute: '(resource)', expected: 'exists', actual: 'missing' }];
  const unknown = (live as Record<string, unknown>).unknown;
  if (typeof unknown === 'string') return [notChecked(spec.check, who, `cannot be found in ${r.account}/${r.region}: ${unknown}`)];
  if ((live as Record<string, unknown>).pending === true) return [notChecked(spec.check, who, 'pending confirmation: its attributes cannot be read until it is confirmed (see pipeline-subscriptions)')];
  const diffs = compareResource(spec, r.attrs, live as Record<string, unknown>, bindings);
  if (diffs.length === 0) return [pass(spec.check, who, `As synthesized in ${r.account}/${r.region}.`)];
  return diffs.map((d) => ({
    ...fail(spec.check, who, `${d.attribute} differs from the synthesized value: ${d.diff.join('; ')}`),
    attribute: d.attribute,
    expected: d.expected,
    actual: d.actual,
  }));
}

/** Reads every audited resource (accounts in parallel up to the concurrency, one account's resources in order) and judges it. */
export async function auditDeployed(
  access: AwsAccess,
  expected: ExpectedResource[],
  opts: {
    callerAccountId: string;
    roleName: string;
    targetName: (id: string) => string;
    /** The organization's ACTIVE accounts: resources of any other account are not read (account-missing says why). */
    activeAccounts: Set<string>;
    progress?: (done: number, total: number) => void;
  },
): Promise<Result[]> {
  const auditable = expected.filter((r) => SPECS[r.type] && READERS[r.type]);
  const absent = auditable
    .filter((r) => !opts.activeAccounts.has(r.account))
    .map((r) => notChecked(SPECS[r.type].check, resourceLabel(r, SPECS[r.type]), `account ${r.account} is not an ACTIVE member of the organization`));
  const audited = auditable.filter((r) => opts.activeAccounts.has(r.account));
  const byAccount = new Map<string, ExpectedResource[]>();
  // A resource found by a name (a key through its alias) first: its live read binds its generated ids, so every other
  // resource that references it (a topic's key, the trail's key) must name that same resource.
  for (const r of [...audited.filter((x) => x.lookup), ...audited.filter((x) => !x.lookup)]) byAccount.set(r.account, [...(byAccount.get(r.account) ?? []), r]);
  const accounts = [...byAccount.keys()].sort();
  let done = 0;
  const perAccount = await mapLimit(accounts, access.concurrency, async (account) => {
    const results: Result[] = [];
    const clients: Array<{ destroy(): void }> = [];
    const clientCache = new Map<string, unknown>();
    const memo = new Map<string, Promise<unknown>>();
    let creds: Promise<Credentials | undefined> | undefined;
    const credentials = () => (creds ??= account === opts.callerAccountId ? Promise.resolve(undefined) : assumeRole(access, byAccount.get(account)![0].region || 'us-east-1', iamRoleArn(account, opts.roleName)));
    const ctx: ReadContext = {
      async client(ctor, r) {
        const k = `${ctor.name}|${r.region}`;
        if (!clientCache.has(k)) {
          const c = new ctor(clientConfig(access, r.region, await credentials()));
          clientCache.set(k, c);
          clients.push(c as { destroy(): void });
        }
        return clientCache.get(k) as InstanceType<typeof ctor>;
      },
      memo<T>(key: string, fn: () => Promise<T>): Promise<T> {
        if (!memo.has(key)) memo.set(key, fn());
        return memo.get(key) as Promise<T>;
      },
      targetName: opts.targetName,
    };
    const bindings = new Map<string, string>();
    try {
      for (const r of byAccount.get(account)!) {
        let live: Record<string, unknown> | null | { error: string };
        try {
          live = await READERS[r.type](ctx, r);
        } catch (e) {
          live = { error: errorText(e) };
        }
        results.push(...judgeResource(r, live, bindings));
        if (live && r.lookup) for (const [attr, ph] of Object.entries(r.lookup.generated)) if (typeof (live as Record<string, unknown>)[attr] === 'string' && !bindings.has(ph)) bindings.set(ph, (live as Record<string, string>)[attr]);
      }
    } finally {
      for (const c of clients) c.destroy();
    }
    opts.progress?.(++done, accounts.length);
    return results;
  });
  return [...absent, ...perAccount.flat()];
}
