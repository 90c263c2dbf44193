/** audit.md: when to run `npm run audit`, how to read its report, and what to do with each finding. */
import type { Model } from '../config/model';
import { CHECKS, FAMILIES } from '../audit/checks';
import { generatedNote } from './common';
import { bullets, code, document, heading, table } from '../render/markdown';

export function renderAuditRunbook(model: Model): string {
  return document([
    heading(1, 'Auditing the live organization'),
    generatedNote(model),
    `${code('npm run audit')} holds the live organization against this configuration, read-only: organization features, where every account sits and which SCPs reach it, the break-glass role in every account, the root credentials of every member account (read in an ${code(
      'IAMAuditRootUserCredentials',
    )} task session), and the health of the alarm pipeline.`,
    heading(2, 'When to run it'),
    bullets([
      'After each deploy: it proves the deploy landed where the configuration says.',
      'Weekly (the example CI workflow runs it on a schedule): drift, new accounts, root credentials someone recovered.',
      'Before an audit: attach the markdown report, or upload the SARIF file to the code-scanning dashboard.',
      'After any root alarm or break-glass use, with the after-use runbook.',
    ]),
    heading(2, 'How to run it'),
    `With the management account's credentials (or IAM's delegated administrator's), in ${code(model.organization.homeRegion)}:`,
    // Inline, not a fenced block: the runbook CLI test runs every fenced block, and the audit reads a whole organization.
    bullets([
      `${code('npm run audit')}: the markdown report on stdout.`,
      `${code('npm run audit -- --json --out audit.json')}: JSON.`,
      `${code('npm run audit -- --out audit.md --sarif-file audit.sarif')}: markdown and SARIF from one run.`,
    ]),
    heading(2, 'How to read it'),
    bullets([
      'The summary comes first: findings by severity, then one line per check.',
      `Exit code ${code('2')}: at least one high-severity finding; act on it today. ${code('0')}: no high finding. ${code('1')}: the audit could not run (usage, configuration or credentials), with one line saying why.`,
      `${code('not checked')} means the caller could not look (for example ${code('sts:AssumeRoot')} refused, or a deployment role could not be assumed): it is not a pass. Fix the access and run it again.`,
      'Each check has a stable id; search this page for it to find the fix.',
    ]),
    ...FAMILIES.flatMap((f) => [
      heading(2, f.title),
      table(
        ['Check', 'Severity', 'Fix'],
        CHECKS.filter((c) => c.family === f.id).map((c) => [code(c.id), c.severity, c.fix]),
      ),
    ]),
  ]);
}
