/**
 * One command-line convention for every rootlock CLI (review, audit, drill, plan-all, root-credentials, init), on
 * Node's own `node:util` parseArgs:
 * - `--help` / `-h`: the usage on stdout, exit 0;
 * - a usage error (unknown option, missing value, bad number): the problem and the usage on stderr, exit 1;
 * - exit 2 stays each tool's "found something" (a high-severity change, a finding, credentials present).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

export type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean; default?: string | boolean | string[] | boolean[] }>;

/** A usage error: the CLI prints `message` and its usage on stderr and exits 1. */
export class UsageError extends Error {}

export type CliArgs<O extends OptionSpec> =
  | { help: true }
  | {
      help: false;
      values: { [K in keyof O]: O[K]['multiple'] extends true ? Array<O[K]['type'] extends 'boolean' ? boolean : string> : (O[K]['type'] extends 'boolean' ? boolean : string) | undefined };
      positionals: string[];
    };

/**
 * Parses `argv` (without node and the script) against `options` (+ `--help`). A lone `--` (what `npm run X -- ...`
 * may pass through) is skipped. Throws UsageError for anything parseArgs refuses.
 */
export function parseCli<O extends OptionSpec>(argv: string[], options: O, opts: { positionals?: boolean } = {}): CliArgs<O> {
  try {
    const { values, positionals } = parseArgs({
      args: argv.filter((a, i) => !(a === '--' && i === 0)),
      options: { ...options, help: { type: 'boolean', short: 'h' } } as ParseArgsConfig['options'],
      allowPositionals: opts.positionals ?? false,
      strict: true,
    });
    if ((values as Record<string, unknown>).help) return { help: true };
    return { help: false, values: values as never, positionals };
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(plainly(e as Error & { code?: string }));
  }
}

/** A whole number of at least `min` from an option's text, or a UsageError naming the option. */
export function wholeNumber(option: string, text: string | undefined, min: number): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${option} needs a whole number of at least ${min}, not ${JSON.stringify(text)}`);
  return n;
}

export interface CliOutcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** The outcome for --help and for a usage error, the same in every CLI. */
export function helpOutcome(usage: string): CliOutcome {
  return { code: 0, stdout: `${usage.trimEnd()}\n`, stderr: '' };
}

export function usageOutcome(tool: string, e: UsageError, usage: string): CliOutcome {
  return { code: 1, stdout: '', stderr: `${tool}: ${e.message}\n\n${usage.trimEnd()}\n` };
}

/** parseArgs's messages, said the way every rootlock CLI says them. */
function plainly(e: Error & { code?: string }): string {
  const quoted = /'([^']+)'/.exec(e.message)?.[1];
  if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && quoted) return `unknown option ${quoted}`;
  if (e.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL' && quoted) return `unexpected argument ${quoted}`;
  if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const option = /(--[\w-]+)/.exec(e.message)?.[1];
    return option && /argument missing/.test(e.message) ? `${option} needs a value` : e.message;
  }
  return e.message;
}
