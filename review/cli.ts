/**
 * npm run review -- [options] PLAN.json [STACK=PLAN.json ...]
 *
 * Reads plans written by `terraform show -json PLANFILE` and prints a markdown summary for a PR comment: counts per
 * stack, then the security-relevant changes first with a severity and a plain sentence each, policy diffs by Sid.
 *
 * Exit codes: 0 nothing high-severity; 2 a high-severity change is present; 1 bad input or usage.
 */
import * as fs from 'fs';
import { exitCodeFor, review } from './analyze';
import { ReviewOptions } from './change';
import { renderJson, renderMarkdown } from './markdown';
import { readPlanFile, ReviewInputError, StackPlan } from './plan';
import { RULES } from './rules';
import { CliOutcome, helpOutcome, parseCli, UsageError, usageOutcome } from '../cli/args';
import { loadConfigFile } from '../config/load';
import { resolveModel } from '../config/model';

const USAGE = `usage: npm run review -- [--json] [--out FILE] [--break-glass-role NAME]... [--config FILE] [--rules] PLAN.json [STACK=PLAN.json ...]

  PLAN.json            output of \`terraform show -json PLANFILE\`; the stack is named after the file
                       (plans/management.json -> management) or its folder (plans/management/plan.json)
  STACK=PLAN.json      name the stack explicitly
  --json               findings as JSON instead of markdown
  --out FILE           write the summary to FILE as well as stdout
  --break-glass-role   a role name to treat as break-glass (besides /break-?glass/ and the configuration's)
  --config FILE        read breakGlass.roleName from this rootlock configuration (default: $ROOTLOCK_CONFIG when set)
  --rules              list the rules and exit

exit codes: 0 no high-severity change, 2 high-severity change present, 1 bad input`;

export type CliResult = CliOutcome;

/** The break-glass role name from the resolved model: the review recognizes the role by the name the stacks write. */
function roleNameFromConfig(file: string): string {
  return resolveModel(loadConfigFile(file)).breakGlass.roleName;
}

const OPTIONS = {
  json: { type: 'boolean' },
  out: { type: 'string' },
  'break-glass-role': { type: 'string', multiple: true },
  config: { type: 'string' },
  rules: { type: 'boolean' },
} as const;

export function run(argv: string[], env: NodeJS.ProcessEnv = process.env): CliResult {
  let stdout = '';
  let stderr = '';
  try {
    const args = parseCli(argv, OPTIONS, { positionals: true });
    if (args.help) return helpOutcome(USAGE);
    if (args.values.rules) {
      return { code: 0, stdout: RULES.map((r) => `${r.id.padEnd(32)} ${r.severity.padEnd(6)} ${r.fallback ? '(fallback) ' : ''}${r.title}`).join('\n') + '\n', stderr: '' };
    }
    const files = args.positionals;
    const options: ReviewOptions = { breakGlassRoleNames: [...(args.values['break-glass-role'] ?? [])] };
    const json = args.values.json === true;
    const out = args.values.out;
    const config = args.values.config ?? env.ROOTLOCK_CONFIG;
    if (files.length === 0) throw new UsageError('no plan given');
    if (config) {
      try {
        options.breakGlassRoleNames!.push(roleNameFromConfig(config));
      } catch (e) {
        stderr += `review: ignoring the configuration ${config}: ${(e as Error).message.split('\n')[0]}\n`;
      }
    }
    const plans: StackPlan[] = files.map(readPlanFile);
    const seen = new Map<string, string>();
    for (const p of plans) {
      if (seen.has(p.stack)) throw new ReviewInputError(`two plans for stack "${p.stack}" (${seen.get(p.stack)} and ${p.file}): name them with STACK=FILE`);
      seen.set(p.stack, p.file);
    }
    const result = review(plans, options);
    stdout = json ? renderJson(result) : renderMarkdown(result);
    if (out) fs.writeFileSync(out, stdout);
    return { code: exitCodeFor(result), stdout, stderr };
  } catch (e) {
    if (e instanceof UsageError) return { ...usageOutcome('review', e, USAGE), stderr: stderr + usageOutcome('review', e, USAGE).stderr };
    if (e instanceof ReviewInputError) return { code: 1, stdout, stderr: `${stderr}review: ${e.message}\n` };
    return { code: 1, stdout, stderr: `${stderr}review: unexpected error: ${(e as Error).message ?? String(e)}\n` };
  }
}

if (require.main === module) {
  const r = run(process.argv.slice(2));
  process.stdout.write(r.stdout);
  process.stderr.write(r.stderr);
  process.exitCode = r.code;
}
