/**
 * `npm run drill [-- --json] [-- --path NAME] [-- --timeout SECONDS] [-- --list]`: prove that a root event reaches the
 * pager, path by path. Reads ROOTLOCK_CONFIG like synth; AWS credentials, region and endpoint from the standard
 * environment. Prints `PASS <path> <seconds>` / `FAIL <path> <why>` per path and `N passed, M failed`; exit 0 only when
 * every driven path paged in time. A usage or access problem is one line on stderr and exit 1, never a stack trace.
 */
import { configPathFromEnv, loadConfigFile } from '../config/load';
import { resolveModel } from '../config/model';
import { newRunId } from './drill-event';
import { planPaths, selectPaths, UsageError } from './plan';
import { runDrill, RunReport } from './run';

export interface CliArgs {
  json: boolean;
  list: boolean;
  path?: string;
  timeoutSeconds?: number;
}

const USAGE = 'usage: npm run drill -- [--json] [--list] [--path NAME | --path PREFIX:] [--timeout SECONDS]';

export function parseArgs(argv: string[]): CliArgs {
  const args: CliArgs = { json: false, list: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      if (v === undefined || v === '') throw new UsageError(`${a.split('=')[0]} needs a value; ${USAGE}`);
      return v;
    };
    if (a === '--json') args.json = true;
    else if (a === '--list') args.list = true;
    else if (a === '--path' || a.startsWith('--path=')) args.path = value();
    else if (a === '--timeout' || a.startsWith('--timeout=')) {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 1 || n > 3600) throw new UsageError(`--timeout must be a whole number of seconds from 1 to 3600; ${USAGE}`);
      args.timeoutSeconds = n;
    } else if (a === '--help' || a === '-h') throw new UsageError(USAGE);
    else throw new UsageError(`unknown argument ${a}; ${USAGE}`);
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
  try {
    const args = parseArgs(argv);
    const model = resolveModel(loadConfigFile(configPathFromEnv()));
    const paths = selectPaths(planPaths(model), args.path);
    if (args.list) {
      out.write(`${paths.map((p) => `${p.name}${p.notDriven ? ' (not driven)' : ''}`).join('\n')}\n`);
      return 0;
    }
    const runId = newRunId(new Date());
    err.write(`rootlock drill ${runId}: ${paths.length} path(s), waiting for each at ${model.pipeline.topicArn}\n`);
    const report = await runDrill(model, paths, { runId, timeoutSeconds: args.timeoutSeconds, progress: (line) => err.write(`  ${line}\n`) });
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

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
