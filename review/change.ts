/** One resource change as the rules see it: kind, before/after values, which attributes move. */
import { ChangeKind, kindOf, PlanAction, PlanIndex, ResourceChange, Values } from './plan';
import { parsePolicy, same } from './policy';

export type Severity = 'high' | 'medium' | 'low';
export const SEVERITIES: Severity[] = ['high', 'medium', 'low'];

export interface ReviewOptions {
  /** Role names that are break-glass roles (from the configuration or --break-glass-role), besides /break-?glass/. */
  breakGlassRoleNames?: string[];
}

export interface Change {
  stack: string;
  address: string;
  type: string;
  kind: ChangeKind;
  actions: PlanAction[];
  /** Values before ({} for a create). */
  before: Values;
  /** Values after ({} for a delete); unknown values are absent, see `unknown`. */
  after: Values;
  /** Top-level attributes known only after apply. */
  unknown: Set<string>;
  /** Top-level attributes that change (update and replace), policy texts compared in canonical form. */
  changed: string[];
  index: PlanIndex;
  options: ReviewOptions;
}

/** Attributes holding IAM policy JSON, per resource type: compared and shown statement by statement. */
export const POLICY_ATTRIBUTES: Record<string, string[]> = {
  aws_organizations_policy: ['content'],
  aws_iam_role: ['assume_role_policy'],
  aws_iam_role_policy: ['policy'],
  aws_iam_policy: ['policy'],
  aws_s3_bucket_policy: ['policy'],
  aws_sns_topic: ['policy'],
  aws_sns_topic_policy: ['policy'],
  aws_kms_key: ['policy'],
  aws_cloudwatch_event_bus_policy: ['policy'],
  aws_sqs_queue: ['policy'],
  aws_sqs_queue_policy: ['policy'],
};

/** Attributes holding other JSON (event patterns): shown as a normalized JSON diff. */
export const JSON_ATTRIBUTES: Record<string, string[]> = {
  aws_cloudwatch_event_rule: ['event_pattern'],
};

/** Changing only these never changes access or monitoring. */
export const COSMETIC_ATTRIBUTES = new Set(['tags', 'tags_all', 'description', 'alarm_description']);

/** null, '', [] and {} (also nested) are the same "nothing" to the provider: no diff between them. */
export function emptyToNull(v: unknown): unknown {
  if (v === undefined || v === null || v === '') return null;
  if (Array.isArray(v)) return v.length === 0 ? null : v.map(emptyToNull);
  if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => [k, emptyToNull(x)] as const)
      .filter(([, x]) => x !== null);
    return entries.length === 0 ? null : Object.fromEntries(entries);
  }
  return v;
}

function policyText(v: unknown): string | undefined {
  const p = parsePolicy(v);
  return p ? JSON.stringify(p) : undefined;
}

export function toChange(stack: string, rc: ResourceChange, index: PlanIndex, options: ReviewOptions): Change {
  const before = (rc.change.before ?? {}) as Values;
  const afterRaw = (rc.change.after ?? {}) as Values;
  const unknown = new Set(Object.entries(rc.change.after_unknown ?? {}).filter(([, v]) => v === true || (typeof v === 'object' && v !== null)).map(([k]) => k));
  // after_unknown may mark nested parts of a known list/object; only wholly unknown values are missing from `after`.
  const wholly = new Set([...unknown].filter((k) => (rc.change.after_unknown ?? {})[k] === true));
  const after: Values = Object.fromEntries(Object.entries(afterRaw).filter(([k]) => !wholly.has(k)));
  const kind = kindOf(rc.change.actions);
  const policyAttrs = new Set(POLICY_ATTRIBUTES[rc.type] ?? []);
  const changed: string[] = [];
  if (kind === 'update' || kind === 'replace') {
    for (const k of new Set([...Object.keys(before), ...Object.keys(afterRaw), ...wholly])) {
      if (wholly.has(k)) {
        if (before[k] !== undefined && before[k] !== null && before[k] !== '') changed.push(k);
        else if (kind === 'update') changed.push(k);
        continue;
      }
      if (policyAttrs.has(k)) {
        const b = policyText(before[k]);
        const a = policyText(afterRaw[k]);
        if (b !== undefined && a !== undefined ? b !== a : !same(before[k], afterRaw[k])) changed.push(k);
      } else if (!same(emptyToNull(before[k]), emptyToNull(afterRaw[k]))) {
        changed.push(k);
      }
    }
  }
  return { stack, address: rc.address, type: rc.type, kind, actions: rc.change.actions, before, after, unknown: wholly, changed: changed.sort(), index, options };
}

// ---- small helpers for rule predicates ----

export function str(v: unknown): string | undefined {
  return typeof v === 'string' && v ? v : undefined;
}

export function strings(v: unknown): string[] {
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return typeof v === 'string' && v ? [v] : [];
}

/** Items of before[key] missing from after[key] (sets of strings); nothing when after[key] is unknown. */
export function removedItems(c: Change, key: string): string[] {
  if (c.unknown.has(key)) return [];
  const a = new Set(strings(c.after[key]));
  return strings(c.before[key]).filter((x) => !a.has(x));
}

export function addedItems(c: Change, key: string): string[] {
  const b = new Set(strings(c.before[key]));
  return strings(c.after[key]).filter((x) => !b.has(x));
}

/** True -> false (or unset) for a boolean attribute. */
export function turnedOff(c: Change, key: string): boolean {
  return c.changed.includes(key) && c.before[key] === true && c.after[key] === false;
}

export function isRemoval(c: Change): boolean {
  return c.kind === 'delete';
}

export function onlyCosmetic(c: Change): boolean {
  return c.kind === 'update' && c.changed.length > 0 && c.changed.every((k) => COSMETIC_ATTRIBUTES.has(k));
}

/** The resource's own name, for sentences. */
export function nameOf(c: Change): string {
  const v = c.kind === 'delete' || c.kind === 'forget' ? c.before : { ...c.before, ...c.after };
  return str(v.name) ?? str(v.alarm_name) ?? str(v.bucket) ?? str(v.role) ?? str(v.arn) ?? str(v.id) ?? c.address;
}

export function value(c: Change, key: string): unknown {
  return c.kind === 'delete' || c.kind === 'forget' ? c.before[key] : c.after[key] ?? c.before[key];
}
