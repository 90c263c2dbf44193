/**
 * SARIF 2.1.0 for code-scanning dashboards (https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html): one
 * rule per check, one result per finding (high = error, medium = warning, low = note) and per resource not checked
 * (kind review, level none). The organization has no file, so each result is located at the configuration file with a logical location
 * naming the resource.
 */
import { CHECKS, checkDef } from './checks';
import type { AuditOutcome } from './run';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
const LEVEL = { high: 'error', medium: 'warning', low: 'note' } as const;

export function renderSarif(outcome: AuditOutcome, configUri: string): string {
  const ruleIndex = new Map(CHECKS.map((c, i) => [c.id, i]));
  const results = outcome.results
    .filter((r) => r.status !== 'pass')
    .map((r) => {
      const def = checkDef(r.check);
      return {
        ruleId: r.check,
        ruleIndex: ruleIndex.get(r.check)!,
        // A result that is not a failure must have level "none" (SARIF 2.1.0, 3.27.9).
        level: r.status === 'fail' ? LEVEL[def.severity] : 'none',
        kind: r.status === 'fail' ? 'fail' : 'review',
        message: { text: r.status === 'fail' ? `${r.resource}: ${r.detail}` : `${r.resource}: not checked: ${r.detail}` },
        locations: [
          {
            physicalLocation: { artifactLocation: { uri: configUri } },
            logicalLocations: [{ name: r.resource, fullyQualifiedName: `${outcome.organizationId}/${r.resource}`, kind: 'resource' }],
          },
        ],
        partialFingerprints: { 'rootlockAudit/v1': `${r.check}:${r.resource}${r.attribute ? `:${r.attribute}` : ''}` },
        // The expected (synthesized) and actual (live) values side by side, for a difference from the synthesized state.
        ...(r.attribute ? { properties: { attribute: r.attribute, expected: r.expected, actual: r.actual } } : {}),
      };
    });
  const sarif = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'rootlock-audit',
            rules: CHECKS.map((c) => ({
              id: c.id,
              name: c.id.replace(/(^|-)(\w)/g, (_, __, ch: string) => ch.toUpperCase()),
              shortDescription: { text: c.title },
              help: { text: c.fix },
              defaultConfiguration: { level: LEVEL[c.severity] },
              properties: { family: c.family, severity: c.severity },
            })),
          },
        },
        results,
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}
