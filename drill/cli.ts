/**
 * `npm run drill [-- --json] [--list] [--path NAME | --path PREFIX:] [--to-pager] [--inject [--timeout SECONDS]] [--role NAME]`:
 * prove that a root event reaches the pager, path by path. By default with no side effect: the live rules, metric
 * filters, alarms, subscriptions and every account's heartbeat under test (drill/live.ts, drill/heartbeat.ts). `--to-pager` then sends one marked drill page through
 * the real subscriptions. `--inject` drives the synthetic events end to end instead (drill/plan.ts: a temporary
 * subscriber; for test organizations). Reads ROOTLOCK_CONFIG like synth; AWS credentials, region and endpoint from the
 * standard environment; assumes `--role` (default JOB_ROLE_NAMES.drill) in every other account. Prints
 * `PASS <path>` / `FAIL <path> <why>` per path and `N passed, M failed`; exit 0 only when every path passed.
 * `--help` prints the usage (exit 0); a usage error prints the problem and the usage on stderr (exit 1).
 */
import { helpOutcome, OptionSpec, parseCli, usageOutcome } from '../cli/args';
import { configPathFromEnv, loadConfigFile } from '../config/load';
import { JOB_ROLE_NAMES } from '../config/contract';
import { resolveModel } from '../config/model';
import { AccountAccess } from './aws';
import { newRunId } from './drill-event';
import { LiveResult, planLiveChecks, runLiveChecks } from './live';
import { sendDrillPage } from './pager';
import { planPaths, selectPaths, UsageError } from './plan';
import { runDrill, RunReport } from './run';

export interface CliArgs {
  json: boolean;
  list: boolean;
  path?: string;
  timeoutSeconds?: number;
  inject?: boolean;
  toPager?: boolean;
  role?: string;
  help?: boolean;
}

export const USAGE = [
  'usage: npm run drill -- [--json] [--list] [--path NAME | --path PREFIX:] [--to-pager] [--role NAME] [--help]',
  '       npm run drill -- --inject [--json] [--path NAME | --path PREFIX:] [--timeout SECONDS] [--role NAME]',
  '  (default)   the live rules, filters, alarms, subscriptions and heartbeats under test, no side effect',
  '  --to-pager  then send one marked drill page through the real subscriptions',
  '  --inject    drive synthetic events end to end through a temporary subscriber (test organizations)',
  `  --role      role assumed in every other account (default ${JOB_ROLE_NAMES.drill})`,
].join('\n');

const OPTIONS = {
  json: { type: 'boolean' },
  list: { type: 'boolean' },
  path: { type: 'string' },
  timeout: { type: 'string' },
  inject: { type: 'boolean' },
  'to-pager': { type: 'boolean' },
  role: { type: 'string' },
} as const satisfies OptionSpec;

export function parseArgs(argv: string[]): CliArgs {
  const parsed = parseCli(argv, OPTIONS);
  if (parsed.help) return { json: false, list: false, help: true };
  const v = parsed.values;
  const args: CliArgs = { json: v.json === true, list: v.list === true };
  if (v.path !== undefined) {
    if (v.path === '') throw new UsageError('--path needs a value');
    args.path = v.path;
  }
  if (v.timeout !== undefined) {
    const n = Number(v.timeout);
    if (!Number.isInteger(n) || n < 1 || n > 3600) throw new UsageError('--timeout must be a whole number of seconds from 1 to 3600');
    if (!v.inject) throw new UsageError('--timeout applies to --inject only (the live checks do not wait)');
    args.timeoutSeconds = n;
  }
  if (v.inject) args.inject = true;
  if (v['to-pager']) {
    if (v.inject) throw new UsageError('choose one of --inject and --to-pager');
    args.toPager = true;
  }
  if (v.role !== undefined) {
    if (!/^[\w+=,.@-]{1,64}$/.test(v.role)) throw new UsageError('--role must be an IAM role name (1-64 of letters, digits and +=,.@_-)');
    args.role = v.role;
  }
  return args;
}

export function formatReport(report: RunReport): { lines: string[]; ok: boolean } {
  const lines = report.results.map((r) =>
    r.result === 'PASS' ? `PASS ${r.path} ${r.seconds!.toFixed(1)}` : r.result === 'FAIL' ? `FAIL ${r.path} ${r.reason}` : `NOT DRIVEN ${r.path} ${r.reason}`,
  );
  const passed = report.results.filter((r) => r.result === 'PASS').length;
  const failed = report.results.filter((r) => r.result === 'FAIL').length;
  for (const left of report.leftBehind) lines.push(`LEFT BEHIND ${left}`);
  lines.push(`${passed} passed, ${failed} failed`);
  return { lines, ok: failed === 0 && passed > 0 && report.leftBehind.length === 0 };
}

export function formatLive(results: LiveResult[]): { lines: string[]; ok: boolean } {
  const lines = results.map((r) => (r.result === 'PASS' ? `PASS ${r.path}` : `FAIL ${r.path} ${r.reason}`));
  const failed = results.filter((r) => r.result === 'FAIL').length;
  lines.push(`${results.length - failed} passed, ${failed} failed`);
  return { lines, ok: failed === 0 && results.length > 0 };
}

/** AWS SDK errors that mean "you may not" or "who are you": reported as one line. */
function accessProblem(e: unknown): string | undefined {
  const err = e as { name?: string; message?: string; code?: string; $metadata?: unknown };
  if (!err || typeof err !== 'object') return undefined;
  if (['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'ECONNRESET', 'EAI_AGAIN'].includes(err.code ?? '')) {
    return `cannot reach AWS (${process.env.AWS_ENDPOINT_URL ?? 'the default endpoints'}): ${err.message}`;
  }
  if (!err.$metadata && !/Credential|Token|Endpoint/.test(err.name ?? '')) return undefined;
  return `AWS refused the drill: ${err.name}: ${err.message} (the drill runs with the management account's credentials and assumes the deployment role in every other account; see README "Drill")`;
}

export async function main(argv: string[], out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): Promise<number> {
  let args: CliArgs;
  try {
    args = parseArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    err.write(usageOutcome('rootlock drill', e, USAGE).stderr);
    return 1;
  }
  if (args.help) {
    out.write(helpOutcome(USAGE).stdout);
    return 0;
  }
  try {
    const model = resolveModel(loadConfigFile(configPathFromEnv()));
    const access = new AccountAccess(model, args.role ?? JOB_ROLE_NAMES.drill);
    const runId = newRunId(new Date());
    if (!args.inject) {
      const checks = planLiveChecks(model);
      const selected = selectByName(checks, args.path);
      if (args.list) {
        out.write(`${selected.map((c) => c.name).join('\n')}\n`);
        return 0;
      }
      err.write(`rootlock drill ${runId}: ${selected.length} live check(s), no side effect\n`);
      const results = await runLiveChecks(model, selected, (account, region) => access.client(account, region));
      let page: { messageId?: string; error?: string } | undefined;
      if (args.toPager) {
        page = await sendDrillPage(model, await access.client(model.security, model.organization.homeRegion), runId)
          .then((messageId) => ({ messageId }))
          .catch((e: Error) => ({ error: `${e.name}: ${e.message}` }));
      }
      const { lines, ok } = formatLive(results);
      if (page) lines.push(page.messageId ? `PAGE SENT ${model.pipeline.topicArn} message ${page.messageId}` : `FAIL to-pager ${page.error}`);
      const allOk = ok && (!page || !!page.messageId);
      if (args.json) out.write(`${JSON.stringify({ runId, mode: 'live', ok: allOk, results, ...(page ? { page } : {}) }, null, 2)}\n`);
      else out.write(`${lines.join('\n')}\n`);
      return allOk ? 0 : 1;
    }
    const paths = selectPaths(planPaths(model), args.path);
    if (args.list) {
      out.write(`${paths.map((p) => `${p.name}${p.notDriven ? ' (not driven)' : ''}`).join('\n')}\n`);
      return 0;
    }
    err.write(`rootlock drill ${runId}: ${paths.length} path(s), waiting for each at ${model.pipeline.topicArn}\n`);
    const report = await runDrill(model, paths, { runId, timeoutSeconds: args.timeoutSeconds, progress: (line) => err.write(`  ${line}\n`), access });
    const { lines, ok } = formatReport(report);
    if (args.json) out.write(`${JSON.stringify({ runId, ok, results: report.results, leftBehind: report.leftBehind }, null, 2)}\n`);
    else out.write(`${lines.join('\n')}\n`);
    return ok ? 0 : 1;
  } catch (e) {
    const access = accessProblem(e);
    err.write(`rootlock drill: ${access ?? (e instanceof Error ? e.message : String(e))}\n`);
    return 1;
  }
}

/** `--path NAME`: an exact name, or a prefix ending in ':' (`rule:`, `forward:payments-prod:`). */
function selectByName<T extends { name: string }>(items: T[], selector?: string): T[] {
  if (!selector) return items;
  const selected = items.filter((p) => p.name === selector || (selector.endsWith(':') && p.name.startsWith(selector)));
  if (selected.length === 0) throw new UsageError(`--path ${selector} matches no path; see --list`);
  return selected;
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
