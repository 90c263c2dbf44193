/**
 * Benchmark, `npm run bench`: every figure is a real process run the way users run it, and every goal is a ratio
 * against figures measured in the same run, so results compare across machines; each figure is the median of a few
 * runs, and each also shows the process's CPU time and its ratio, which a busy machine barely moves.
 *
 *   floor      a node process that only loads cdktf, constructs and the provider classes the project imports
 *   example    `npm run synth`'s command (package.json, without npm's own start-up) on the bundled example: <= 4x floor
 *   1,000      the same on 1,000 accounts / 100 OUs, every stack: <= 10x example, max RSS < 600 MiB (issue 30)
 *   vend       web-prod vended: ROOTLOCK_STACKS=baseline-web-prod on the 1,000-account organization, over the output
 *              of the 999 accounts before it (as a vending pipeline runs it): <= 2x example
 *   plan-all   over the example against the emulator, --parallel 1 and 4 (only with terraform and moto_server)
 *
 * To add a benchmark, append an entry to BENCHMARKS: it gets the shared context and returns rows to print.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { largeOrgConfig } from '../examples/large-org';
import { Context, Row, runJsonScript, Timed, timeCommand } from './bench-support';
import { benchAudit } from './bench-audit';
import { benchRootCredentials } from './bench-root-credentials';

const ROOT = path.join(__dirname, '..');

/** The provider classes the product imports (deep imports under @cdktf/provider-aws/lib/), found in its sources. */
function providerClassesUsed(): string[] {
  const used = new Set<string>();
  for (const dir of ['modules', 'stacks']) {
    for (const file of fs.readdirSync(path.join(ROOT, dir)).filter((f) => f.endsWith('.ts'))) {
      for (const m of fs.readFileSync(path.join(ROOT, dir, file), 'utf8').matchAll(/@cdktf\/provider-aws\/lib\/([a-z0-9-]+)/g)) used.add(m[1]);
    }
  }
  return [...used].sort();
}

export const BENCHMARKS: Array<{ name: string; run: (ctx: Context) => Promise<Row[]> }> = [
  {
    name: 'synth',
    run: async (ctx) => {
      const classes = providerClassesUsed();
      const load = ['cdktf', 'constructs', ...classes.map((c) => `@cdktf/provider-aws/lib/${c}`)].map((m) => `require(${JSON.stringify(m)});`).join('');
      const floor = timeCommand(ctx, `${JSON.stringify(process.execPath)} -e ${JSON.stringify(load)}`, {}, 5);
      const example = timeCommand(ctx, ctx.synthCommand, {}, 5);
      const full = timeCommand(ctx, ctx.synthCommand, { ROOTLOCK_CONFIG: ctx.largeConfig }, 3);
      // The output before the vend, synthesized once; each timed run starts from a copy of it.
      const beforeVend = path.join(ctx.tmp, 'before-vend');
      const prepared = spawnSync('sh', ['-c', ctx.synthCommand], { cwd: ctx.root, encoding: 'utf8', env: { ...process.env, ROOTLOCK_CONFIG: ctx.largeConfigBeforeVend, CDKTF_OUTDIR: beforeVend } });
      if (prepared.status !== 0) throw new Error(`synth of the organization before the vend failed:\n${prepared.stderr}`);
      const selected = timeCommand(ctx, ctx.synthCommand, { ROOTLOCK_CONFIG: ctx.largeConfig, ROOTLOCK_STACKS: 'baseline-web-prod' }, 3, (outdir) => fs.cpSync(beforeVend, outdir, { recursive: true }));
      const cpu = (a: { cpuMs?: number }, b: { cpuMs?: number }) => (a.cpuMs && b.cpuMs ? a.cpuMs / b.cpuMs : undefined);
      const timed = (t: Timed) => ({ ms: t.ms, cpuMs: t.cpuMs, rssMb: t.rssMb, fastestMs: t.fastestMs, runs: t.runs });
      return [
        { label: `floor: load cdktf, constructs and ${classes.length} provider classes`, ...timed(floor) },
        { label: 'example organization, every stack', ...timed(example), ratio: { to: 'floor', x: example.ms / floor.ms, goal: 4 }, cpuRatio: cpu(example, floor) },
        {
          label: '1,000 accounts / 100 OUs, every stack (1,004)',
          ...timed(full),
          ratio: { to: 'example', x: full.ms / example.ms, goal: 10 },
          cpuRatio: cpu(full, example),
          rssGoalMb: 600,
        },
        {
          label: 'vend web-prod: ROOTLOCK_STACKS=baseline-web-prod over the 999-account output',
          ...timed(selected),
          ratio: { to: 'example', x: selected.ms / example.ms, goal: 2 },
          cpuRatio: cpu(selected, example),
        },
      ];
    },
  },
  // Needs the emulator, which is test tooling: run as a process, not imported into the product.
  { name: 'plan-all', run: async (ctx) => runJsonScript<Row[]>(ctx, path.join('__tests__', 'support', 'bench-plan-all.ts')) },
  // A full audit of 1,000 accounts in 100 OUs against the emulator (started as a process); prints its own figures.
  {
    name: 'audit',
    run: async () => {
      await benchAudit(1000, 100);
      return [];
    },
  },
  // `npm run root-credentials` over 1,000 member accounts against the emulator: a read, then --delete --yes.
  {
    name: 'root-credentials',
    run: async () => {
      await benchRootCredentials(1000);
      return [];
    },
  },
];

function print(row: Row): string {
  const ratio = row.ratio ? ` = ${row.ratio.x.toFixed(1)}x ${row.ratio.to}${row.ratio.goal ? ` (goal <= ${row.ratio.goal}: ${row.ratio.x <= row.ratio.goal ? 'met' : 'MISSED'})` : ''}` : '';
  const cpu = row.cpuMs ? ` | cpu ${(row.cpuMs / 1000).toFixed(2)} s${row.cpuRatio ? ` = ${row.cpuRatio.toFixed(1)}x` : ''}` : '';
  const rss = row.rssMb ? ` | max RSS ${row.rssMb.toFixed(0)} MiB${row.rssGoalMb ? ` (goal < ${row.rssGoalMb}: ${row.rssMb < row.rssGoalMb ? 'met' : 'MISSED'})` : ''}` : '';
  const median = row.runs ? ` (median of ${row.runs}; fastest ${(row.fastestMs! / 1000).toFixed(2)} s)` : '';
  return row.skipped ? `${row.label}: skipped (${row.skipped})` : `${row.label}: ${(row.ms / 1000).toFixed(2)} s${median}${ratio}${cpu}${rss}`;
}

async function main(): Promise<void> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rootlock-bench-'));
  const large = largeOrgConfig(1000, 100) as { accounts: Array<{ name: string }> };
  large.accounts[500].name = 'web-prod';
  const largeConfig = path.join(tmp, 'large-org.json');
  fs.writeFileSync(largeConfig, JSON.stringify(large));
  const largeConfigBeforeVend = path.join(tmp, 'large-org-before-vend.json');
  fs.writeFileSync(largeConfigBeforeVend, JSON.stringify({ ...large, accounts: large.accounts.filter((a) => a.name !== 'web-prod') }));
  const synthCommand = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts.synth as string;
  const ctx: Context = { root: ROOT, tmp, synthCommand, largeConfig, largeConfigBeforeVend };
  process.stdout.write(`rootlock bench on ${os.cpus().length} CPUs, load average ${os.loadavg()[0].toFixed(1)}; synth command: ${synthCommand}\n`);
  try {
    // `npm run bench -- synth` runs only the named benchmarks.
    const only = process.argv.slice(2);
    for (const b of BENCHMARKS.filter((x) => !only.length || only.includes(x.name))) for (const row of await b.run(ctx)) process.stdout.write(`${print(row)}\n`);
    // Wall-time ratios assume the machine was otherwise idle; on a loaded one, trust the CPU ratios.
    process.stdout.write(`load average at the end ${os.loadavg()[0].toFixed(1)}\n`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((e) => {
    process.stderr.write(`bench: ${(e as Error).message}\n`);
    process.exitCode = 1;
  });
}
