/**
 * GuardDuty filters against root findings (audit/guardduty-filters.ts), cdk-nag style: compliant filters pass, every
 * non-compliant one fails naming detector, filter and criteria. The finding types come from the model's GuardDuty
 * detection; the live read (ListFilters, GetFilter) is proven in audit-deployed.test.ts.
 */
import type { Condition, FindingCriteria } from '@aws-sdk/client-guardduty';
import { evaluateDetectorFilters, filterCanMatch, rootFindingTypes } from '../audit/guardduty-filters';
import { checkDef } from '../audit/checks';
import { exampleModel } from './support/example';

const ROOT = 'Policy:IAMUser/RootCredentialUsage';
const types = [ROOT];
const on = (type: Condition, more: Record<string, Condition> = {}): FindingCriteria => ({ Criterion: { type, ...more } });

describe('the root finding types come from the model', () => {
  it('is the type the GuardDuty detection pages on', () => {
    expect(rootFindingTypes(exampleModel())).toEqual([ROOT]);
  });
});

describe('filterCanMatch: non-compliant (can archive a root finding)', () => {
  const cases: Array<[string, FindingCriteria | undefined]> = [
    ['no criteria at all', undefined],
    ['an empty criterion map', { Criterion: {} }],
    ['type Eq the root type', on({ Eq: [ROOT] })],
    ['type Equals the root type among others', on({ Equals: ['Recon:EC2/PortProbeUnprotectedPort', ROOT] })],
    ['type Eq in another case (AWS may compare without case)', on({ Eq: [ROOT.toUpperCase()] })],
    ['type Neq another type', on({ Neq: ['Recon:EC2/PortProbeUnprotectedPort'] })],
    ['type NotEquals the root type in another case (AWS may compare exactly)', on({ NotEquals: [ROOT.toLowerCase()] })],
    ['type Matches a wildcard covering it', on({ Matches: ['Policy:IAMUser/*'] })],
    ['type NotMatches something else', on({ NotMatches: ['Recon:*'] })],
    ['only severity (root findings are Low)', { Criterion: { severity: { Lt: 4 } } }],
    ['only an account', { Criterion: { accountId: { Eq: ['111111111111'] } } }],
    ['a numeric condition on type proves nothing', on({ Gt: 1 })],
  ];
  it.each(cases)('%s', (_, criteria) => {
    expect(filterCanMatch(criteria, types).can).toBe(true);
  });
});

describe('filterCanMatch: compliant (provably excludes the root type)', () => {
  const cases: Array<[string, FindingCriteria]> = [
    ['type Eq other types only', on({ Eq: ['Recon:EC2/PortProbeUnprotectedPort', 'UnauthorizedAccess:EC2/SSHBruteForce'] })],
    ['type Equals another type', on({ Equals: ['Recon:EC2/PortProbeUnprotectedPort'] })],
    ['type Neq the root type', on({ Neq: [ROOT] })],
    ['type NotEquals the root type, with other criteria', on({ NotEquals: [ROOT] }, { severity: { Lt: 4 } })],
    ['type Matches a wildcard that misses it', on({ Matches: ['Recon:*'] })],
    ['type NotMatches a wildcard covering it', on({ NotMatches: ['Policy:*'] })],
  ];
  it.each(cases)('%s', (_, criteria) => {
    const m = filterCanMatch(criteria, types);
    expect(m.can).toBe(false);
    expect(m.why).toMatch(/type (Eq|Equals|Neq|NotEquals|Matches|NotMatches)/);
  });
});

describe('evaluateDetectorFilters', () => {
  it('fails every ARCHIVE filter that can match, naming detector, filter and criteria; NOOP and excluding filters pass', () => {
    const results = evaluateDetectorFilters('222222222222 (security) eu-west-1', [
      {
        detectorId: 'd1',
        filters: [
          { name: 'hide-root', action: 'ARCHIVE', criteria: on({ Eq: [ROOT] }) },
          { name: 'low-noise', action: 'ARCHIVE', criteria: { Criterion: { severity: { Lt: 4 } } } },
          { name: 'saved-view', action: 'NOOP', criteria: on({ Eq: [ROOT] }) },
          { name: 'port-probes', action: 'ARCHIVE', criteria: on({ Eq: ['Recon:EC2/PortProbeUnprotectedPort'] }) },
        ],
      },
      { detectorId: 'd2', filters: [{ name: 'saved-view', action: 'NOOP', criteria: undefined }] },
      { detectorId: 'd3', filters: { error: 'AccessDeniedException: no' } },
    ], types);
    expect(results.map((r) => [r.status, r.resource])).toEqual([
      ['fail', '222222222222 (security) eu-west-1 detector d1 filter hide-root'],
      ['fail', '222222222222 (security) eu-west-1 detector d1 filter low-noise'],
      ['pass', '222222222222 (security) eu-west-1 detector d2'],
      ['not-checked', '222222222222 (security) eu-west-1 detector d3'],
    ]);
    expect(results[0]).toMatchObject({ attribute: 'action', actual: `ARCHIVE {"type":{"Eq":["${ROOT}"]}}`, expected: `NOOP, or criteria that exclude ${ROOT}` });
    expect(results[0].detail).toContain('Criteria: {"type":{"Eq":["Policy:IAMUser/RootCredentialUsage"]}}');
    expect(results[1].detail).toMatch(/criteria on severity/);
    expect(checkDef(results[0].check).severity).toBe('high');
  });

  it('a detector without filters passes; one whose only filters exclude the root type passes with their count', () => {
    expect(evaluateDetectorFilters('x', [{ detectorId: 'd', filters: [] }], types)).toEqual([expect.objectContaining({ status: 'pass', detail: 'No filters.' })]);
    expect(evaluateDetectorFilters('x', [{ detectorId: 'd', filters: [{ name: 'n', action: 'ARCHIVE', criteria: on({ Neq: [ROOT] }) }] }], types)).toEqual([
      expect.objectContaining({ status: 'pass', detail: '1 filter(s); none archives root findings.' }),
    ]);
  });
});
