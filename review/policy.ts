/**
 * IAM policy documents (SCPs, trust policies, resource policies) compared statement by statement (by Sid), in
 * the canonical form of policies/judgement.ts (the one the audit compares live documents in), and judged: does the change loosen the policy, tighten it, or
 * change it in a way no rule can call?
 */
import { canonical } from '../policies/document';
import { normalizeDocument } from '../policies/judgement';

export interface NormStatement {
  Sid?: string;
  Effect: string;
  Principal?: Record<string, string[]>;
  NotPrincipal?: Record<string, string[]>;
  Action?: string[];
  NotAction?: string[];
  Resource?: string[];
  NotResource?: string[];
  Condition?: Record<string, Record<string, string[]>>;
  [k: string]: unknown;
}

export interface NormPolicy {
  Version?: string;
  Statement: NormStatement[];
  [k: string]: unknown;
}

/**
 * A statement in the one canonical form of policies/judgement.ts (the audit's too): every list-valued element a sorted
 * set of strings (`"a"` == `["a"]`, numbers as their text), `Principal: "*"` == `{ AWS: ["*"] }`, keys sorted.
 */
export function normalizeStatement(s: Record<string, unknown>): NormStatement {
  const doc = normalizeDocument({ Statement: [s] }) as { Statement: NormStatement[] };
  return doc.Statement[0];
}

/** Parses a policy JSON string; undefined when it is not one (unknown, empty, or not JSON). */
export function parsePolicy(text: unknown): NormPolicy | undefined {
  if (typeof text !== 'string' || !text.trim()) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const r = raw as Record<string, unknown>;
  const stmts = r.Statement === undefined ? [] : Array.isArray(r.Statement) ? r.Statement : [r.Statement];
  const rest = canonical(Object.fromEntries(Object.entries(r).filter(([k]) => k !== 'Statement'))) as Record<string, unknown>;
  return { ...rest, Statement: stmts.map((s) => normalizeStatement(s as Record<string, unknown>)) };
}

export function statementKey(s: NormStatement, index: number): string {
  return s.Sid ? s.Sid : `#${index + 1}`;
}

export interface StatementPair {
  key: string;
  before?: NormStatement;
  after?: NormStatement;
}

/** Statements paired by Sid (statements without one by position), in the after order, removed ones at their place. */
export function pairStatements(before: NormPolicy | undefined, after: NormPolicy | undefined): StatementPair[] {
  const b = new Map((before?.Statement ?? []).map((s, i) => [statementKey(s, i), s]));
  const a = new Map((after?.Statement ?? []).map((s, i) => [statementKey(s, i), s]));
  const keys = [...new Set([...b.keys(), ...a.keys()])];
  return keys.map((key) => ({ key, before: b.get(key), after: a.get(key) }));
}

export function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

/** IAM wildcard match (`*`, `?`), case-insensitive as for actions. */
export function wildcardMatch(pattern: string, value: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
  return re.test(value);
}

function covered(item: string, patterns: string[]): boolean {
  return patterns.some((p) => wildcardMatch(p, item));
}

/** Items of `before` not covered by any pattern of `after`. */
export function lost(before: string[] = [], after: string[] = []): string[] {
  return before.filter((b) => !covered(b, after));
}

/** Items of `after` not covered by any pattern of `before`. */
export function gained(before: string[] = [], after: string[] = []): string[] {
  return after.filter((a) => !covered(a, before));
}

export interface Verdict {
  /** The policy now allows more, or denies less. */
  loosened: string[];
  /** The policy now allows less, or denies more (which can lock out legitimate work). */
  tightened: string[];
  /** Changed, direction not decidable (numbers, booleans, Null). */
  unclear: string[];
}

const NEGATED = /Not(Equals|Like|IpAddress)/;

function conditionEntries(s: NormStatement | undefined): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const [op, kv] of Object.entries(s?.Condition ?? {})) for (const [k, v] of Object.entries(kv)) m.set(`${op}|${k}`, v);
  return m;
}

function describeCondition(entry: string, values?: string[]): string {
  const [op, key] = entry.split('|');
  return `${op} ${key}${values ? ` = ${values.join(', ')}` : ''}`;
}

/** A condition value as IAM compares it: a number for Numeric operators, a point in time for Date operators. */
function comparable(base: string, value: string): number {
  return base.startsWith('Date') && !/^\d+$/.test(value) ? Date.parse(value) : Number(value);
}

/**
 * One bound moved up or down (`up` when the new value is greater): compared as numbers or dates, never as text, so
 * 3600 -> 900 is a smaller number although "900" > "3600" as strings. Unparsable or multi-valued bounds are unclear.
 */
function ordered(base: string, before: string[], after: string[], up: 'wider' | 'narrower', down: 'wider' | 'narrower'): 'wider' | 'narrower' | 'unclear' {
  if (before.length !== 1 || after.length !== 1) return 'unclear';
  const [b, a] = [comparable(base, before[0]), comparable(base, after[0])];
  if (!Number.isFinite(a) || !Number.isFinite(b)) return 'unclear';
  return a > b ? up : down;
}

/**
 * Direction of one condition's value change. For an Allow a condition restricts who gets in; for a Deny it restricts
 * whom the Deny hits. So "looser condition" means: Allow -> loosened, Deny -> tightened, and vice versa.
 */
function conditionValueChange(op: string, before: string[], after: string[]): 'wider' | 'narrower' | 'unclear' | 'same' {
  const added = after.filter((v) => !before.includes(v));
  const removed = before.filter((v) => !after.includes(v));
  if (!added.length && !removed.length) return 'same';
  const base = op.replace(/^(ForAnyValue|ForAllValues):/, '').replace(/IfExists$/, '');
  if (/^Numeric(LessThan|LessThanEquals)$/.test(base) || /^Date(LessThan|LessThanEquals)$/.test(base)) {
    return ordered(base, before, after, 'wider', 'narrower');
  }
  if (/^Numeric(GreaterThan|GreaterThanEquals)$/.test(base) || /^Date(GreaterThan|GreaterThanEquals)$/.test(base)) {
    return ordered(base, before, after, 'narrower', 'wider');
  }
  if (/^(Bool|Null|Numeric|Date|BinaryEquals)/.test(base)) return 'unclear';
  // String/Arn/IpAddress: a positive operator matches any listed value; a negated one matches none of them.
  if (NEGATED.test(base)) return removed.length ? 'wider' : 'narrower';
  return removed.length ? 'narrower' : 'wider';
}

/** Judges one statement pair; the messages name the Sid and what moved. */
export function judgeStatement(pair: StatementPair, verdict: Verdict): void {
  const { key, before: b, after: a } = pair;
  const sid = `"${key}"`;
  if (!b && a) {
    (a.Effect === 'Deny' ? verdict.tightened : verdict.loosened).push(`${a.Effect} statement ${sid} added`);
    return;
  }
  if (b && !a) {
    (b.Effect === 'Deny' ? verdict.loosened : verdict.tightened).push(`${b.Effect} statement ${sid} removed`);
    return;
  }
  if (!a || !b || same(a, b)) return;
  if (a.Effect !== b.Effect) {
    (b.Effect === 'Deny' ? verdict.loosened : verdict.tightened).push(`statement ${sid} changed from ${b.Effect} to ${a.Effect}`);
    return;
  }
  const deny = a.Effect === 'Deny';
  // Deny: fewer actions/resources denied = loosened. Allow: more actions/resources allowed = loosened.
  for (const field of ['Action', 'Resource'] as const) {
    const l = lost(b[field], a[field]);
    const g = gained(b[field], a[field]);
    const what = field === 'Action' ? 'actions' : 'resources';
    if (l.length) (deny ? verdict.loosened : verdict.tightened).push(`${sid} no longer ${deny ? 'denies' : 'allows'} ${what} ${l.join(', ')}`);
    if (g.length) (deny ? verdict.tightened : verdict.loosened).push(`${sid} now ${deny ? 'denies' : 'allows'} ${what} ${g.join(', ')}`);
  }
  for (const field of ['NotAction', 'NotResource'] as const) {
    const l = lost(b[field], a[field]);
    const g = gained(b[field], a[field]);
    if (g.length) (deny ? verdict.loosened : verdict.tightened).push(`${sid} ${field} now excludes ${g.join(', ')}`);
    if (l.length) verdict.unclear.push(`${sid} ${field} no longer excludes ${l.join(', ')}`);
  }
  const pb = b.Principal ?? {};
  const pa = a.Principal ?? {};
  for (const type of new Set([...Object.keys(pb), ...Object.keys(pa)])) {
    const added = (pa[type] ?? []).filter((p) => !(pb[type] ?? []).includes(p));
    const removed = (pb[type] ?? []).filter((p) => !(pa[type] ?? []).includes(p));
    if (added.length) (deny ? verdict.tightened : verdict.loosened).push(`${sid} ${deny ? 'now also denies' : 'now trusts'} ${type} principal ${added.join(', ')}`);
    if (removed.length) (deny ? verdict.loosened : verdict.tightened).push(`${sid} ${deny ? 'no longer denies' : 'no longer trusts'} ${type} principal ${removed.join(', ')}`);
  }
  if (!same(b.NotPrincipal, a.NotPrincipal)) verdict.unclear.push(`${sid} NotPrincipal changed`);
  const cb = conditionEntries(b);
  const ca = conditionEntries(a);
  for (const [entry, values] of cb) {
    if (!ca.has(entry)) {
      // Without the condition an Allow lets more in; a Deny hits more callers.
      (deny ? verdict.tightened : verdict.loosened).push(`${sid} condition ${describeCondition(entry, values)} removed`);
      continue;
    }
    const after = ca.get(entry)!;
    const dir = conditionValueChange(entry.split('|')[0], values, after);
    const msg = `${sid} condition ${describeCondition(entry)} changed from ${values.join(', ')} to ${after.join(', ')}`;
    if (dir === 'unclear') verdict.unclear.push(msg);
    else if (dir === 'wider') (deny ? verdict.tightened : verdict.loosened).push(msg);
    else if (dir === 'narrower') (deny ? verdict.loosened : verdict.tightened).push(msg);
  }
  for (const [entry, values] of ca) {
    if (!cb.has(entry)) (deny ? verdict.loosened : verdict.tightened).push(`${sid} condition ${describeCondition(entry, values)} added${deny ? ': the Deny now applies only when it matches' : ''}`);
  }
  const known = new Set(['Sid', 'Effect', 'Action', 'NotAction', 'Resource', 'NotResource', 'Principal', 'NotPrincipal', 'Condition']);
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (!known.has(k) && !same(a[k], b[k])) verdict.unclear.push(`${sid} ${k} changed`);
  }
}

export function judgePolicy(before: NormPolicy | undefined, after: NormPolicy | undefined): Verdict {
  const verdict: Verdict = { loosened: [], tightened: [], unclear: [] };
  for (const pair of pairStatements(before, after)) judgeStatement(pair, verdict);
  return verdict;
}

// ---- reading specific guarantees out of a policy ----

function conditionValues(s: NormStatement, key: string, op?: RegExp): Array<{ op: string; values: string[] }> {
  const out: Array<{ op: string; values: string[] }> = [];
  for (const [o, kv] of Object.entries(s.Condition ?? {})) {
    for (const [k, v] of Object.entries(kv)) if (k.toLowerCase() === key.toLowerCase() && (!op || op.test(o))) out.push({ op: o, values: v });
  }
  return out;
}

/** Every condition in the policy on `key` (e.g. aws:MultiFactorAuthPresent), as "Sid: Op key=values" strings. */
export function guardsOn(p: NormPolicy | undefined, key: string): string[] {
  const out: string[] = [];
  (p?.Statement ?? []).forEach((s, i) => {
    for (const c of conditionValues(s, key)) out.push(`${s.Effect} ${statementKey(s, i)}: ${c.op} ${key} = ${c.values.join(', ')}`);
  });
  return out.sort();
}

/** The largest MFA age (seconds) any Allow accepts, capped by Deny statements; Infinity when nothing limits it. */
export function effectiveMfaMaxAge(p: NormPolicy | undefined): number {
  const key = 'aws:MultiFactorAuthAge';
  let allowLimit = -1;
  let anyAllow = false;
  let denyLimit = Infinity;
  for (const s of p?.Statement ?? []) {
    if (s.Effect === 'Allow' && !s.NotAction) {
      anyAllow = true;
      const lims = conditionValues(s, key, /^NumericLessThan(Equals)?(IfExists)?$/).map((c) => Math.max(...c.values.map(Number)));
      allowLimit = Math.max(allowLimit, lims.length ? Math.min(...lims) : Infinity);
    }
    if (s.Effect === 'Deny') {
      for (const c of conditionValues(s, key, /^NumericGreaterThan(Equals)?(IfExists)?$/)) denyLimit = Math.min(denyLimit, Math.min(...c.values.map(Number)));
    }
  }
  if (!anyAllow) return Math.min(Infinity, denyLimit);
  return Math.min(allowLimit, denyLimit);
}

/** Every principal the Allow statements trust, as "AWS:arn" strings. */
export function trustedPrincipals(p: NormPolicy | undefined): string[] {
  const out = new Set<string>();
  for (const s of p?.Statement ?? []) {
    if (s.Effect !== 'Allow') continue;
    for (const [type, ids] of Object.entries(s.Principal ?? {})) for (const id of ids) out.add(`${type}:${id}`);
    if (s.NotPrincipal) out.add('NotPrincipal:(everyone but the listed ones)');
  }
  return [...out].sort();
}

export function allowedActions(p: NormPolicy | undefined): string[] {
  return [...new Set((p?.Statement ?? []).filter((s) => s.Effect === 'Allow').flatMap((s) => s.Action ?? (s.NotAction ? ['NotAction:*'] : [])))].sort();
}

// ---- readable diff ----

/** Line diff (LCS) with `context` lines around changes: "  " same, "- " removed, "+ " added, "…" skipped. */
export function lineDiff(before: string[], after: string[], context = 3): string[] {
  // Lines compare without their trailing comma, so appending to a JSON list does not show the previous last item
  // as removed and added again.
  const key = (l: string) => l.replace(/,$/, '');
  const n = before.length;
  const m = after.length;
  const dp: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) dp[i][j] = key(before[i]) === key(after[j]) ? dp[i + 1][j + 1] + 1 : Math.max(dp[i + 1][j], dp[i][j + 1]);
  const ops: Array<[' ' | '-' | '+', string]> = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && key(before[i]) === key(after[j])) {
      ops.push([' ', after[j]]);
      i++;
      j++;
    } else if (i < n && (j >= m || dp[i + 1][j] >= dp[i][j + 1])) {
      ops.push(['-', before[i++]]);
    } else {
      ops.push(['+', after[j++]]);
    }
  }
  const keep = ops.map(() => false);
  ops.forEach(([op], k) => {
    if (op !== ' ') for (let d = Math.max(0, k - context); d <= Math.min(ops.length - 1, k + context); d++) keep[d] = true;
  });
  const out: string[] = [];
  let skipped = false;
  ops.forEach(([op, line], k) => {
    if (keep[k]) {
      out.push(`${op} ${line}`);
      skipped = false;
    } else if (!skipped) {
      out.push('  …');
      skipped = true;
    }
  });
  return out;
}

function pretty(v: unknown): string[] {
  return JSON.stringify(v, null, 2).split('\n');
}

/** Statement-by-statement diff of two policies as `diff` lines; unchanged statements are named, not printed. */
export function policyDiff(before: NormPolicy | undefined, after: NormPolicy | undefined): string[] {
  const out: string[] = [];
  const unchanged: string[] = [];
  const restB = { ...(before ?? {}), Statement: undefined };
  const restA = { ...(after ?? {}), Statement: undefined };
  if (before && after && !same(restB, restA)) out.push('# Document', ...lineDiff(pretty(restB), pretty(restA), 1));
  for (const pair of pairStatements(before, after)) {
    if (pair.before && pair.after) {
      if (same(pair.before, pair.after)) unchanged.push(pair.key);
      else out.push(`# Statement "${pair.key}": changed`, ...lineDiff(pretty(pair.before), pretty(pair.after)));
    } else if (pair.after) {
      out.push(`# Statement "${pair.key}": added`, ...pretty(pair.after).map((l) => `+ ${l}`));
    } else if (pair.before) {
      out.push(`# Statement "${pair.key}": removed`, ...pretty(pair.before).map((l) => `- ${l}`));
    }
  }
  if (unchanged.length) out.push(`# Unchanged: ${unchanged.join(', ')}`);
  return out;
}

/** Diff of any two JSON texts (event patterns), normalized. */
export function jsonDiff(before: unknown, after: unknown): string[] {
  const parse = (t: unknown) => {
    if (typeof t !== 'string') return t;
    try {
      return canonical(JSON.parse(t));
    } catch {
      return t;
    }
  };
  return lineDiff(pretty(parse(before) ?? null), pretty(parse(after) ?? null), 2);
}
