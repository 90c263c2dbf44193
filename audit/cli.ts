/**
 * `npm run audit [-- --json | --sarif] [--out FILE] [--markdown-file|--json-file|--sarif-file FILE] [--concurrency N] [--synth-dir DIR]
 * [--role NAME]`: the live organization, and every deployed resource against the synthesized Terraform, held against the
 * configuration (ROOTLOCK_CONFIG, else the bundled example). Read-only. Standard AWS credentials of the management
 * account or the delegated administrator; AWS_ENDPOINT_URL is honoured by the SDK. Exit 0 clean, 2 when a high finding
 * exists, 1 on usage, configuration or access errors (one line on stderr, no stack trace). Progress goes to stderr.
 */
import * as fs from 'fs';
import * as path from 'path';
import { configPathFromEnv, loadConfigFile } from '../config/load';
import { resolveModel } from '../config/model';
import type { AwsAccess } from './aws';
import { errorText } from './aws';
import { exitCodeFor, renderJson, renderMarkdown } from './report';
import { runAudit } from './run';
import { synthesizeFor } from './synth';
import { CliOutcome, helpOutcome, OptionSpec, parseCli, UsageError, usageOutcome } from '../cli/args';
import { JOB_ROLE_NAMES } from '../config/contract';
import { renderSarif } from './sarif';

export const USAGE = [
  'usage: npm run audit -- [--json | --sarif] [--out FILE] [--markdown-file FILE] [--json-file FILE] [--sarif-file FILE]',
  '                        [--concurrency N] [--synth-dir DIR] [--role NAME] [--help]',
  '  --synth-dir DIR  the synthesized Terraform of this configuration (default: synthesize it into a temporary directory)',
  `  --role NAME      role assumed in every other account (default ${JOB_ROLE_NAMES.audit})`,
].join('\n');
type Format = 'markdown' | 'json' | 'sarif';
export const DEFAULT_CONCURRENCY = 16;

export interface CliOptions {
  format: Format;
  out?: string;
  /** More reports from the same run (one read of the organization), each into its file. */
  files: Array<{ format: Format; file: string }>;
  concurrency: number;
  synthDir?: string;
  role?: string;
  help?: boolean;
}

/** A mistake in the command line: printed with the usage on stderr, exit 1 (the convention of every CLI, cli/args.ts). */
export { UsageError };

const OPTIONS = {
  json: { type: 'boolean' },
  sarif: { type: 'boolean' },
  out: { type: 'string' },
  'markdown-file': { type: 'string', multiple: true },
  'json-file': { type: 'string', multiple: true },
  'sarif-file': { type: 'string', multiple: true },
  concurrency: { type: 'string' },
  'synth-dir': { type: 'string' },
  role: { type: 'string' },
} as const satisfies OptionSpec;

export function parseArgs(argv: string[]): CliOptions {
  const parsed = parseCli(argv, OPTIONS);
  const opts: CliOptions = { format: 'markdown', files: [], concurrency: DEFAULT_CONCURRENCY };
  if (parsed.help) return { ...opts, help: true };
  const v = parsed.values;
  if (v.json && v.sarif) throw new UsageError('choose one of --json and --sarif');
  if (v.json) opts.format = 'json';
  if (v.sarif) opts.format = 'sarif';
  if (v.out !== undefined) opts.out = v.out;
  // Files in the order given per format: markdown, then JSON, then SARIF.
  for (const format of ['markdown', 'json', 'sarif'] as const) for (const file of v[`${format}-file`] ?? []) opts.files.push({ format, file });
  if (v.concurrency !== undefined) {
    const n = Number(v.concurrency);
    if (!Number.isInteger(n) || n < 1 || n > 64) throw new UsageError('--concurrency must be an integer from 1 to 64');
    opts.concurrency = n;
  }
  if (v['synth-dir'] !== undefined) opts.synthDir = v['synth-dir'];
  if (v.role !== undefined) {
    if (!/^[\w+=,.@-]{1,64}$/.test(v.role)) throw new UsageError('--role must be an IAM role name (1-64 of letters, digits and +=,.@_-)');
    opts.role = v.role;
  }
  return opts;
}

/** One progress line on stderr: rewritten in place on a terminal, every 10 % otherwise. */
export function progressReporter(stream: NodeJS.WriteStream = process.stderr) {
  let lastDecile = -1;
  return (phase: string, done: number, total: number) => {
    if (total < 20) return;
    const text = `rootlock audit: ${phase} ${done}/${total}`;
    if (stream.isTTY) stream.write(`\r${text}${done === total ? '\n' : ''}`);
    else {
      const decile = Math.floor((done * 10) / total);
      if (decile !== lastDecile) stream.write(`${text}\n`);
      lastDecile = done === total ? -1 : decile;
    }
  };
}

/** Writes a help or usage outcome and answers its exit code. */
function emit(o: CliOutcome): number {
  process.stdout.write(o.stdout);
  process.stderr.write(o.stderr);
  return o.code;
}

export async function main(argv: string[], access: Partial<AwsAccess> = {}): Promise<number> {
  let tempSynth: string | undefined;
  try {
    let opts: CliOptions;
    try {
      opts = parseArgs(argv);
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      return emit(usageOutcome('rootlock audit', e, USAGE));
    }
    if (opts.help) return emit(helpOutcome(USAGE));
    const configPath = configPathFromEnv();
    const model = resolveModel(loadConfigFile(configPath));
    const configLabel = path.relative(process.cwd(), configPath) || configPath;
    const synthDir = opts.synthDir ?? (tempSynth = synthesizeFor(configPath));
    const outcome = await runAudit(model, { base: access.base ?? {}, concurrency: opts.concurrency }, { progress: progressReporter(), synthDir, roleName: opts.role });
    const render = (format: Format) =>
      format === 'json' ? renderJson(outcome) : format === 'sarif' ? renderSarif(outcome, configLabel.split(path.sep).join('/')) : renderMarkdown(outcome, configLabel);
    for (const f of opts.files) fs.writeFileSync(f.file, render(f.format), 'utf8');
    const text = render(opts.format);
    if (opts.out) fs.writeFileSync(opts.out, text, 'utf8');
    else process.stdout.write(text);
    return exitCodeFor(outcome.results);
  } catch (e) {
    // Our own errors (usage, configuration, access) carry a complete message; anything else is one line of its code.
    const own = e instanceof Error && (e.name === 'Error' || e.name === 'ConfigError');
    process.stderr.write(`rootlock audit: ${own ? (e as Error).message : errorText(e)}\n`);
    return 1;
  } finally {
    if (tempSynth) fs.rmSync(tempSynth, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => (process.exitCode = code));
}
