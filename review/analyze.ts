/** Plans in, findings and counts out: everything the markdown and the exit code are made of. */
import { Change, emptyToNull, ReviewOptions, Severity, toChange } from './change';
import { same } from './policy';
import { PlanIndex, StackPlan } from './plan';
import { evaluate, Finding, Rule, RULES } from './rules';

export interface StackSummary {
  stack: string;
  file: string;
  counts: { add: number; change: number; replace: number; destroy: number; forget: number };
  noChanges: boolean;
  /** Resources changed outside Terraform since the last apply (resource_drift). */
  drift: string[];
  warnings: string[];
  changes: Change[];
}

export interface Review {
  stacks: StackSummary[];
  findings: Finding[];
  bySeverity: Record<Severity, number>;
  noChanges: boolean;
}

const RANK: Record<Severity, number> = { high: 0, medium: 1, low: 2 };

export function summarize(sp: StackPlan, options: ReviewOptions = {}): StackSummary {
  const index = new PlanIndex(sp.plan);
  const changes = (sp.plan.resource_changes ?? []).filter((rc) => rc.mode !== 'data').map((rc) => toChange(sp.stack, rc, index, options));
  const counts = { add: 0, change: 0, replace: 0, destroy: 0, forget: 0 };
  for (const c of changes) {
    if (c.kind === 'create') counts.add++;
    else if (c.kind === 'update') counts.change++;
    else if (c.kind === 'replace') counts.replace++;
    else if (c.kind === 'delete') counts.destroy++;
    else if (c.kind === 'forget') counts.forget++;
  }
  const warnings: string[] = [];
  if (sp.plan.errored) warnings.push('the plan errored: it is incomplete, so this review is too');
  else if (sp.plan.complete === false) warnings.push('the plan is incomplete (deferred changes): run it again after this apply');
  // Refresh reports null-versus-empty normalizations as drift too; only real differences count.
  const drift = (sp.plan.resource_drift ?? [])
    .filter((d) => d.mode === 'managed' && (d.change.after === null || !same(emptyToNull(d.change.before), emptyToNull(d.change.after))))
    .map((d) => (d.change.after === null ? `${d.address} (deleted)` : d.address));
  return {
    stack: sp.stack,
    file: sp.file,
    counts,
    noChanges: counts.add + counts.change + counts.replace + counts.destroy + counts.forget === 0,
    drift,
    warnings,
    changes,
  };
}

export function review(plans: StackPlan[], options: ReviewOptions = {}, rules: readonly Rule[] = RULES): Review {
  const stacks = plans.map((p) => summarize(p, options));
  const findings = stacks
    .flatMap((s) => s.changes.flatMap((c) => evaluate(c, rules)))
    .sort((a, b) => RANK[a.severity] - RANK[b.severity] || a.change.stack.localeCompare(b.change.stack) || a.change.address.localeCompare(b.change.address));
  const bySeverity: Record<Severity, number> = { high: 0, medium: 0, low: 0 };
  for (const f of findings) bySeverity[f.severity]++;
  return { stacks, findings, bySeverity, noChanges: stacks.every((s) => s.noChanges) };
}

/** 2 when a high-severity change is present, else 0. */
export function exitCodeFor(r: Review): 0 | 2 {
  return r.bySeverity.high > 0 ? 2 : 0;
}
