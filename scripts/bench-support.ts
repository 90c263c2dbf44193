/** Shared pieces of `npm run bench`: the context every benchmark gets, result rows, and timing a command as a process. */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

export interface Context {
  root: string;
  /** Scratch directory, removed after the run. */
  tmp: string;
  /** package.json's `synth` script, run with node_modules/.bin on PATH as npm does. */
  synthCommand: string;
  /** A 1,000-account / 100-OU configuration with an account named web-prod. */
  largeConfig: string;
  /** The same organization before web-prod was vended (999 accounts). */
  largeConfigBeforeVend: string;
}

export interface Row {
  label: string;
  ms: number;
  ratio?: { to: string; x: number; goal?: number };
  /** CPU time of the process (user + system): unlike wall time, barely moved by other load on the machine. */
  cpuMs?: number;
  cpuRatio?: number;
  rssMb?: number;
  rssGoalMb?: number;
  /** How many runs `ms` is the median of, and the fastest of them. */
  runs?: number;
  fastestMs?: number;
  skipped?: string;
}

let runs = 0;

export interface Timed {
  /** The median run's wall time, and its peak memory and CPU time. */
  ms: number;
  rssMb?: number;
  cpuMs?: number;
  /** The fastest run's wall time. */
  fastestMs: number;
  runs: number;
}

/**
 * Runs `command` through the shell `repeat` times (node_modules/.bin on PATH, a fresh output directory each time, or
 * one `before` prepares) and returns the median run (issue 30: "median of three"): its wall time, with that run's
 * maximum resident set size and CPU time (reported by the node process itself through a --require hook), and the
 * fastest wall time beside it. Throws with the command's stderr when it fails.
 */
export function timeCommand(
  ctx: Context,
  command: string,
  env: NodeJS.ProcessEnv,
  repeat: number,
  /** Untimed, before each run: prepares its output directory (what an earlier synth left there). */
  before?: (outdir: string) => void,
): Timed {
  const hook = path.join(ctx.tmp, 'report-rss.js');
  if (!fs.existsSync(hook)) {
    fs.writeFileSync(
      hook,
      "process.on('exit', () => { const u = process.resourceUsage(); if (process.env.ROOTLOCK_BENCH_USAGE) require('fs').writeFileSync(process.env.ROOTLOCK_BENCH_USAGE, JSON.stringify({ rssKb: u.maxRSS, cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000 })); });\n",
    );
  }
  const timed: Array<{ ms: number; rssMb?: number; cpuMs?: number }> = [];
  for (let i = 0; i < repeat; i++) {
    const run = ++runs;
    const usageFile = path.join(ctx.tmp, `usage-${run}.json`);
    before?.(path.join(ctx.tmp, `out-${run}`));
    const t0 = process.hrtime.bigint();
    const r = spawnSync('sh', ['-c', command], {
      cwd: ctx.root,
      encoding: 'utf8',
      env: {
        ...process.env,
        ...env,
        PATH: `${path.join(ctx.root, 'node_modules', '.bin')}${path.delimiter}${process.env.PATH}`,
        CDKTF_OUTDIR: path.join(ctx.tmp, `out-${run}`),
        NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${hook}`.trim(),
        ROOTLOCK_BENCH_USAGE: usageFile,
      },
    });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.status !== 0) throw new Error(`${command} failed (exit ${r.status}):\n${r.stderr}`);
    fs.rmSync(path.join(ctx.tmp, `out-${run}`), { recursive: true, force: true });
    const usage = fs.existsSync(usageFile) ? (JSON.parse(fs.readFileSync(usageFile, 'utf8')) as { rssKb: number; cpuMs: number }) : undefined;
    timed.push({ ms, rssMb: usage && usage.rssKb / 1024, cpuMs: usage?.cpuMs });
  }
  const sorted = [...timed].sort((a, b) => a.ms - b.ms);
  return { ...sorted[Math.floor((sorted.length - 1) / 2)], fastestMs: sorted[0].ms, runs: sorted.length };
}

/** Runs a TypeScript script with ts-node, CONTEXT as its JSON argument, and parses the JSON it prints. */
export function runJsonScript<T>(ctx: Context, script: string): T {
  const r = spawnSync(process.execPath, [path.join(ctx.root, 'node_modules', 'ts-node', 'dist', 'bin.js'), '--transpile-only', path.join(ctx.root, script), JSON.stringify(ctx)], {
    cwd: ctx.root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (r.status !== 0) throw new Error(`${script} failed (exit ${r.status})`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as T;
}
