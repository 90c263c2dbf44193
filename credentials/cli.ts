/**
 * `npm run root-credentials -- [--accounts ID,ID] [--json] [--delete [--yes]] [--concurrency N]`: the root user of
 * every ACTIVE member account of the organization (or only `--accounts`), read through `IAMAuditRootUserCredentials`
 * task sessions; `--delete --yes` removes every credential through `IAMDeleteRootUserCredentials` sessions, then
 * reads again. `--delete` without `--yes` only shows what it would delete. Credentials: the management account's or
 * IAM's delegated administrator's (standard AWS environment; AWS_ENDPOINT_URL honoured); STS region: the
 * configuration's home region (ROOTLOCK_CONFIG, else the bundled example).
 * Exit codes: 0 no root credential (left), 2 credentials exist (remain), 1 usage, configuration or access error.
 * Progress on stderr; the report on stdout.
 */
import { helpOutcome, OptionSpec, parseCli, UsageError, usageOutcome } from '../cli/args';
import { configPathFromEnv, loadConfigFile } from '../config/load';
import { resolveModel } from '../config/model';
import { AwsAccess, errorText } from '../audit/aws';
import { CredentialsReport, exitCode, renderJson, renderMarkdown } from './report';
import { deleteAll, memberAccounts, Progress, readAll } from './run';

export const USAGE = `usage: npm run root-credentials -- [--accounts ID,ID,...] [--json] [--delete [--yes]] [--concurrency N]

  Reads the root user (password, access keys, signing certificates, MFA devices) of every ACTIVE member account
  through sts:AssumeRoot IAMAuditRootUserCredentials task sessions.

  --accounts ID,...  only these member accounts (12-digit ids, comma-separated)
  --json             JSON instead of markdown
  --delete           show what would be deleted (nothing changes without --yes)
  --yes              with --delete: delete through IAMDeleteRootUserCredentials sessions, then read again
  --concurrency N    accounts handled at once, 1..64 (default 16)
  --help             this text

Exit codes: 0 none (left), 2 root credentials exist (remain), 1 usage, configuration or access error.`;
export const DEFAULT_CONCURRENCY = 16;

export interface CliOptions {
  help: boolean;
  json: boolean;
  delete: boolean;
  yes: boolean;
  accounts?: string[];
  concurrency: number;
}

const OPTIONS = {
  json: { type: 'boolean' },
  delete: { type: 'boolean' },
  yes: { type: 'boolean' },
  accounts: { type: 'string' },
  concurrency: { type: 'string' },
} as const satisfies OptionSpec;

/** The options, or a UsageError (the problem alone; main adds the usage, as every CLI does: cli/args.ts). */
export function parseArgs(argv: string[]): CliOptions {
  const parsed = parseCli(argv, OPTIONS);
  if (parsed.help) return { help: true, json: false, delete: false, yes: false, concurrency: DEFAULT_CONCURRENCY };
  const values = parsed.values;
  const opts: CliOptions = { help: false, json: !!values.json, delete: !!values.delete, yes: !!values.yes, concurrency: DEFAULT_CONCURRENCY };
  if (opts.yes && !opts.delete) throw new UsageError(`--yes confirms --delete and means nothing alone: add --delete, or drop --yes.`);
  if (values.accounts !== undefined) {
    const ids = values.accounts.split(',').map((s) => s.trim()).filter(Boolean);
    const bad = ids.filter((id) => !/^\d{12}$/.test(id));
    if (ids.length === 0 || bad.length > 0) throw new UsageError(`--accounts: ${bad.length ? bad.map((b) => JSON.stringify(b)).join(', ') : 'empty list'}: give 12-digit account ids, comma-separated.`);
    opts.accounts = ids;
  }
  if (values.concurrency !== undefined) {
    const n = Number(values.concurrency);
    if (!Number.isInteger(n) || n < 1 || n > 64) throw new UsageError(`--concurrency: ${JSON.stringify(values.concurrency)}: give an integer from 1 to 64.`);
    opts.concurrency = n;
  }
  return opts;
}

/** One progress line on stderr per phase: rewritten in place on a terminal, every 10 % otherwise. */
export function progressReporter(stream: NodeJS.WriteStream = process.stderr): Progress {
  let last = '';
  return (phase, done, total) => {
    const decile = `${phase}:${Math.floor((done * 10) / Math.max(1, total))}`;
    const text = `rootlock root-credentials: ${phase} ${done}/${total}`;
    if (stream.isTTY) stream.write(`\r${text}${done === total ? '\n' : ''}`);
    else if (decile !== last) stream.write(`${text}\n`);
    last = decile;
  };
}

export async function main(argv: string[], access: Partial<AwsAccess> = {}, out: { stdout: NodeJS.WritableStream; stderr: NodeJS.WriteStream } = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  let opts: CliOptions;
  try {
    opts = parseArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    const o = usageOutcome('rootlock root-credentials', e, USAGE);
    out.stderr.write(o.stderr);
    return o.code;
  }
  if (opts.help) {
    out.stdout.write(helpOutcome(USAGE).stdout);
    return 0;
  }
  try {
    const model = resolveModel(loadConfigFile(configPathFromEnv()));
    const region = model.organization.homeRegion;
    const aws: AwsAccess = { base: access.base ?? {}, concurrency: opts.concurrency };
    const progress = progressReporter(out.stderr);
    const accounts = await memberAccounts(aws, region, opts.accounts);
    let report: CredentialsReport;
    if (opts.delete && opts.yes) {
      const run = await deleteAll(aws, region, accounts, progress);
      report = { mode: 'delete', states: run.after, deletions: run.deletions };
    } else {
      report = { mode: opts.delete ? 'dry-run' : 'read', states: await readAll(aws, region, accounts, progress) };
    }
    out.stdout.write(opts.json ? renderJson(report) : renderMarkdown(report));
    return exitCode(report);
  } catch (e) {
    // Our own errors (selection, configuration) carry a complete message; anything else is one line of its code.
    const own = e instanceof Error && (e.name === 'Error' || e.name === 'ConfigError');
    out.stderr.write(`rootlock root-credentials: ${own ? (e as Error).message : `cannot list the organization's accounts: ${errorText(e)} (use the management account's or IAM's delegated administrator's credentials)`}\n`);
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => (process.exitCode = code));
}
