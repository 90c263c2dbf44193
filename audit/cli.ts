/**
 * `npm run audit [-- --json | --sarif] [--out FILE] [--markdown-file|--json-file|--sarif-file FILE] [--concurrency N]`: the live organization held against the
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
import { renderSarif } from './sarif';

export const USAGE = 'usage: npm run audit -- [--json | --sarif] [--out FILE] [--markdown-file FILE] [--json-file FILE] [--sarif-file FILE] [--concurrency N]';
type Format = 'markdown' | 'json' | 'sarif';
export const DEFAULT_CONCURRENCY = 16;

export interface CliOptions {
  format: Format;
  out?: string;
  /** More reports from the same run (one read of the organization), each into its file. */
  files: Array<{ format: Format; file: string }>;
  concurrency: number;
}

export function parseArgs(argv: string[]): CliOptions {
  const opts: CliOptions = { format: 'markdown', files: [], concurrency: DEFAULT_CONCURRENCY };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new Error(`${arg} needs a value. ${USAGE}`);
      return v;
    };
    if (arg === '--json' || arg === '--sarif') {
      if (opts.format !== 'markdown') throw new Error(`choose one of --json and --sarif. ${USAGE}`);
      opts.format = arg === '--json' ? 'json' : 'sarif';
    } else if (arg === '--out') opts.out = value();
    else if (arg === '--markdown-file' || arg === '--json-file' || arg === '--sarif-file') opts.files.push({ format: arg.slice(2, -5) as Format, file: value() });
    else if (arg === '--concurrency') {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 1 || n > 64) throw new Error(`--concurrency must be an integer from 1 to 64. ${USAGE}`);
      opts.concurrency = n;
    } else throw new Error(`unknown argument ${JSON.stringify(arg)}. ${USAGE}`);
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

export async function main(argv: string[], access: Partial<AwsAccess> = {}): Promise<number> {
  try {
    const opts = parseArgs(argv);
    const configPath = configPathFromEnv();
    const model = resolveModel(loadConfigFile(configPath));
    const configLabel = path.relative(process.cwd(), configPath) || configPath;
    const outcome = await runAudit(model, { base: access.base ?? {}, concurrency: opts.concurrency }, { progress: progressReporter() });
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
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => (process.exitCode = code));
}
