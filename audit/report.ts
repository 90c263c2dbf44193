/**
 * The audit's outputs: markdown (summary first, then one table per check, readable in a PR or a ticket; passes
 * markdownlint), JSON (shape below, validated in the tests) and SARIF 2.1.0 (audit/sarif.ts). No timestamp of the
 * run: two runs on the same state print the same bytes.
 */
import { z } from 'zod';
import { code, document, heading, prose, table } from '../render/markdown';
import { CHECKS, FAMILIES, Result, Severity } from './checks';
import type { AuditOutcome } from './run';

export const SEVERITIES: Severity[] = ['high', 'medium', 'low'];

export const auditJsonSchema = z.strictObject({
  tool: z.literal('rootlock-audit'),
  formatVersion: z.literal(1),
  organizationId: z.string(),
  accounts: z.number().int().nonnegative(),
  summary: z.strictObject({ high: z.number().int(), medium: z.number().int(), low: z.number().int(), notChecked: z.number().int(), passed: z.number().int() }),
  checks: z.array(
    z.strictObject({ id: z.string(), family: z.enum(FAMILIES.map((f) => f.id) as [string, ...string[]]), severity: z.enum(SEVERITIES as [string, ...string[]]), title: z.string(), fix: z.string() }),
  ),
  results: z.array(
    z.strictObject({
      check: z.string(),
      status: z.enum(['pass', 'fail', 'not-checked']),
      resource: z.string(),
      detail: z.string(),
      attribute: z.string().optional(),
      expected: z.string().optional(),
      actual: z.string().optional(),
    }),
  ),
});
export type AuditJson = z.infer<typeof auditJsonSchema>;

const severityOf = new Map(CHECKS.map((c) => [c.id, c.severity]));

export function summarize(results: Result[]): AuditJson['summary'] {
  const fails = results.filter((r) => r.status === 'fail');
  return {
    high: fails.filter((r) => severityOf.get(r.check) === 'high').length,
    medium: fails.filter((r) => severityOf.get(r.check) === 'medium').length,
    low: fails.filter((r) => severityOf.get(r.check) === 'low').length,
    notChecked: results.filter((r) => r.status === 'not-checked').length,
    passed: results.filter((r) => r.status === 'pass').length,
  };
}

/** Exit code: 2 when a high-severity finding exists, else 0. */
export function exitCodeFor(results: Result[]): 0 | 2 {
  return summarize(results).high > 0 ? 2 : 0;
}

export function renderJson(outcome: AuditOutcome): string {
  const doc: AuditJson = {
    tool: 'rootlock-audit',
    formatVersion: 1,
    organizationId: outcome.organizationId,
    accounts: outcome.accounts,
    summary: summarize(outcome.results),
    checks: CHECKS.map((c) => ({ id: c.id, family: c.family, severity: c.severity, title: c.title, fix: c.fix })),
    results: outcome.results,
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

export function renderMarkdown(outcome: AuditOutcome, configLabel: string): string {
  const s = summarize(outcome.results);
  const verdict =
    s.high > 0
      ? `**${s.high} high-severity finding(s)**: act on them first (exit code 2).`
      : s.medium + s.low > 0
        ? 'No high-severity finding; the findings below still need an owner.'
        : 'No finding.';
  const byCheck = (id: string) => outcome.results.filter((r) => r.check === id);
  const blocks: string[] = [
    heading(1, 'rootlock audit'),
    `Organization ${code(outcome.organizationId)}, ${outcome.accounts} account(s), held against ${code(configLabel)}. ${verdict}`,
    heading(2, 'Summary'),
    table(
      ['High', 'Medium', 'Low', 'Not checked', 'Passed'],
      [[String(s.high), String(s.medium), String(s.low), String(s.notChecked), String(s.passed)]],
    ),
    table(
      ['Check', 'Severity', 'Failed', 'Not checked', 'Passed'],
      CHECKS.filter((c) => byCheck(c.id).length > 0).map((c) => {
        const rs = byCheck(c.id);
        return [code(c.id), c.severity, String(rs.filter((r) => r.status === 'fail').length), String(rs.filter((r) => r.status === 'not-checked').length), String(rs.filter((r) => r.status === 'pass').length)];
      }),
    ),
  ];
  for (const family of FAMILIES) {
    const checks = CHECKS.filter((c) => c.family === family.id && byCheck(c.id).length > 0);
    if (checks.length === 0) continue;
    blocks.push(heading(2, family.title));
    for (const c of checks) {
      const rs = byCheck(c.id);
      const open = rs.filter((r) => r.status !== 'pass');
      blocks.push(heading(3, `${code(c.id)}: ${c.title}`));
      blocks.push(`Severity ${c.severity}. Fix: ${c.fix}`);
      blocks.push(
        open.length === 0
          ? `All ${rs.length} passed.`
          : table(
              ['Status', 'Resource', 'Detail'],
              open.map((r) => [r.status === 'fail' ? `**${c.severity}**` : 'not checked', code(r.resource), prose(r.detail)]),
            ),
      );
      const passed = rs.length - open.length;
      if (open.length > 0 && passed > 0) blocks.push(`${passed} passed.`);
    }
  }
  return document(blocks);
}
