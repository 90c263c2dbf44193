/**
 * The review rules, in the order they are evaluated: one file per family under `review/rules/`, each rule a pure
 * `check` returning its evidence and an `explain` that formats it (see `review/rule.ts`). The rule table in
 * review/README.md is generated from this list (`npm run docs`).
 *
 * Order matters only for fallbacks: when no ordinary rule fires on a change, the first fallback that fires explains it.
 * The catch-all families (`generalRules`) come last.
 */
import type { Rule } from './rule';
import { scpRules } from './rules/scp';
import { organizationRules } from './rules/organization';
import { breakGlassRules } from './rules/break-glass';
import { monitoringRules } from './rules/monitoring';
import { placementRules } from './rules/placement';
import { generalRules } from './rules/general';
import { complianceRules } from './rules/compliance';
import { protectionRules } from './rules/protection';

export type { Finding, Rule } from './rule';
export { appliesTo, evaluate } from './rule';

export const RULES: readonly Rule[] = [
  ...scpRules,
  ...organizationRules,
  ...breakGlassRules,
  ...monitoringRules,
  ...complianceRules,
  ...protectionRules,
  ...placementRules,
  // ---- everything else
  ...generalRules,
];
