/**
 * GuardDuty filters that hide root findings. rootlock creates no GuardDuty filter; a filter with action ARCHIVE is a
 * suppression rule: the findings it matches are archived as they arrive and "not sent to any of the AWS services with
 * which you may integrate" (https://docs.aws.amazon.com/guardduty/latest/ug/create-suppression-rules-guardduty.html),
 * EventBridge included, so the GuardDuty root-usage detection never pages. One such filter in the delegated
 * administrator's detector silences root findings of every member account.
 *
 * The judgement is conservative: an ARCHIVE filter fails unless its criteria provably exclude the root finding type.
 * Criteria are ANDed, so one criterion that excludes the type is enough; anything else (severity, account, region,
 * resource fields) can match some root finding and is assumed to (a severity filter below 4 archives them all).
 */
import { GetFilterCommand, GuardDutyClient, ListFiltersCommand } from '@aws-sdk/client-guardduty';
import type { Condition, FindingCriteria } from '@aws-sdk/client-guardduty';
import type { Model } from '../config/model';
import { errorText } from './aws';
import { fail, notChecked, pass, Result } from './checks';

export const CHECK = 'pipeline-guardduty-filters';

export interface DetectorFilter {
  name: string;
  action: string;
  criteria: FindingCriteria | undefined;
}

export type DetectorFilters = { detectorId: string; filters: DetectorFilter[] | { error: string } };

/** A wildcard pattern (`*` any run, `?` one character) as GuardDuty's Matches and NotMatches conditions take them. */
const glob = (pattern: string, flags: string) => new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, flags);

/**
 * Why one condition on the finding `type` excludes `findingType`, or undefined when it may match it. Equality is
 * taken case-insensitively and inequality exactly: whichever way AWS compares, a filter judged to exclude does.
 */
function excludes(condition: Condition, findingType: string): string | undefined {
  const lower = findingType.toLowerCase();
  for (const op of ['Eq', 'Equals'] as const) {
    const values = condition[op];
    if (values && !values.some((v) => v.toLowerCase() === lower)) return `type ${op} ${JSON.stringify(values)} does not contain ${findingType}`;
  }
  for (const op of ['Neq', 'NotEquals'] as const) {
    if (condition[op]?.includes(findingType)) return `type ${op} contains ${findingType}`;
  }
  if (condition.Matches && !condition.Matches.some((p) => glob(p, 'i').test(findingType))) return `type Matches ${JSON.stringify(condition.Matches)} does not match ${findingType}`;
  const not = condition.NotMatches?.find((p) => glob(p, '').test(findingType));
  if (not !== undefined) return `type NotMatches ${JSON.stringify(not)}, which matches ${findingType}`;
  return undefined;
}

/** The finding types the GuardDuty detections page on, from the model (`Policy:IAMUser/RootCredentialUsage`). */
export function rootFindingTypes(model: Model): string[] {
  const types = model.detections
    .filter((d) => (d.event?.pattern as { source?: string[] } | undefined)?.source?.includes('aws.guardduty'))
    .flatMap((d) => ((d.event!.pattern as { detail?: { type?: unknown[] } }).detail?.type ?? []).filter((t): t is string => typeof t === 'string'));
  return [...new Set(types)].sort();
}

/**
 * Whether a filter can act on a finding of one of `findingTypes`: `{ can: false, why }` only when a `type` criterion
 * provably excludes every one; a filter with no criteria matches every finding.
 */
export function filterCanMatch(criteria: FindingCriteria | undefined, findingTypes: string[]): { can: boolean; why: string } {
  const criterion = criteria?.Criterion ?? {};
  const type = criterion.type;
  const reasons = findingTypes.map((t) => (type ? excludes(type, t) : undefined));
  const open = findingTypes.filter((_, i) => !reasons[i]);
  if (open.length === 0) return { can: false, why: reasons.join('; ') };
  const fields = Object.keys(criterion).sort();
  return { can: true, why: fields.length ? `no criterion excludes ${open.join(', ')} (criteria on ${fields.join(', ')})` : 'no criteria: it matches every finding' };
}

/** The criteria in one line, keys sorted, for the finding's detail and actual value. */
export const criteriaText = (criteria: FindingCriteria | undefined): string =>
  JSON.stringify(criteria?.Criterion ?? {}, (_, v) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v));

/** Every filter of every detector in the client's account and region (ListDetectors, ListFilters, GetFilter). */
export async function readDetectorFilters(gd: GuardDutyClient, detectorIds: string[]): Promise<DetectorFilters[]> {
  const out: DetectorFilters[] = [];
  for (const detectorId of detectorIds) {
    try {
      const names: string[] = [];
      let token: string | undefined;
      do {
        const page = await gd.send(new ListFiltersCommand({ DetectorId: detectorId, NextToken: token }));
        names.push(...(page.FilterNames ?? []));
        token = page.NextToken || undefined;
      } while (token);
      const filters: DetectorFilter[] = [];
      for (const name of names.sort()) {
        const f = await gd.send(new GetFilterCommand({ DetectorId: detectorId, FilterName: name }));
        filters.push({ name, action: f.Action ?? 'NOOP', criteria: f.FindingCriteria });
      }
      out.push({ detectorId, filters });
    } catch (e) {
      out.push({ detectorId, filters: { error: errorText(e) } });
    }
  }
  return out;
}

/** One failure per ARCHIVE filter that can match a root finding; otherwise one pass per detector. */
export function evaluateDetectorFilters(where: string, detectors: DetectorFilters[], findingTypes: string[]): Result[] {
  const results: Result[] = [];
  for (const d of detectors) {
    const who = `${where} detector ${d.detectorId}`;
    if ('error' in d.filters) {
      results.push(notChecked(CHECK, who, `cannot read its filters: ${d.filters.error}`));
      continue;
    }
    let bad = 0;
    for (const f of d.filters) {
      if (f.action === 'NOOP') continue;
      const m = filterCanMatch(f.criteria, findingTypes);
      if (!m.can) continue;
      bad++;
      results.push({
        ...fail(CHECK, `${who} filter ${f.name}`, `Filter ${f.name} (action ${f.action}) archives root findings (${findingTypes.join(', ')}) before they reach EventBridge: ${m.why}. Criteria: ${criteriaText(f.criteria)}.`),
        attribute: 'action',
        expected: `NOOP, or criteria that exclude ${findingTypes.join(', ')}`,
        actual: `${f.action} ${criteriaText(f.criteria)}`,
      });
    }
    if (bad === 0) results.push(pass(CHECK, who, d.filters.length ? `${d.filters.length} filter(s); none archives root findings.` : 'No filters.'));
  }
  return results;
}
