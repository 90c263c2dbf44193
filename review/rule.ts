/**
 * The rule contract (the cdk-nag way: one rule, one pure check). `check` looks at one change and returns the evidence
 * that the rule fires (whatever `explain` needs), or undefined; `explain` only formats that evidence. Evidence is
 * computed once per rule and change, so nothing is cached between rules and no rule recomputes another's work.
 */
import type { Change, Severity } from './change';

export interface Rule<E = unknown> {
  /** Stable id, `RL-<FAMILY>-<WHAT>`: named in the PR comment and the rule table. */
  readonly id: string;
  readonly severity: Severity;
  /** Short title for `--rules`. */
  readonly title: string;
  /** What the rule fires on, for the rule table in review/README.md (generated). */
  readonly firesOn: string;
  /** Terraform resource types the rule looks at; '*' for every type. */
  readonly resourceTypes: readonly string[] | '*';
  /**
   * A fallback fires only when no ordinary rule matched the change, and then only the first matching fallback in the
   * rule list: so a change always gets its most specific explanation, and every change gets one.
   */
  readonly fallback?: boolean;
  /** The evidence that the rule fires on this change, or undefined when it does not. Pure. */
  check(c: Change): E | undefined;
  /** One or two plain sentences from the evidence: what changes and what it means for root-user security. */
  explain(c: Change, evidence: E): string;
}

/** Erases a rule's evidence type so rules of every family fit one list; `evaluate` pairs each check with its explain. */
export function defineRule<E>(rule: Rule<E>): Rule {
  return rule as unknown as Rule;
}

/** For rules whose sentence needs nothing but the change itself. */
export const FIRES = true as const;

export function appliesTo(rule: Rule, c: Change): boolean {
  return rule.resourceTypes === '*' || rule.resourceTypes.includes(c.type);
}

export interface Finding {
  rule: Rule;
  severity: Severity;
  change: Change;
  message: string;
}

/** Every ordinary rule that fires; when none does, the first fallback that fires. */
export function evaluate(c: Change, rules: readonly Rule[]): Finding[] {
  if (c.kind === 'no-op' || c.kind === 'read') return [];
  const fired = (r: Rule) => (appliesTo(r, c) ? r.check(c) : undefined);
  const found: Array<[Rule, unknown]> = [];
  for (const r of rules) {
    if (r.fallback) continue;
    const e = fired(r);
    if (e !== undefined) found.push([r, e]);
  }
  if (found.length === 0) {
    for (const r of rules) {
      if (!r.fallback) continue;
      const e = fired(r);
      if (e !== undefined) {
        found.push([r, e]);
        break;
      }
    }
  }
  return found.map(([rule, evidence]) => ({ rule, severity: rule.severity, change: c, message: rule.explain(c, evidence) }));
}
