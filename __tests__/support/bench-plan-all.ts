/**
 * Benchmark of `plan-all` (scripts/plan-all.ts) over the example's stack set against the emulator, at --parallel 1
 * and 4: an organization is created in the emulator, a configuration adopting it is synthesized with the real synth
 * command, and each run plans a fresh copy of the output (so both pay the same `terraform init`). Skipped, and says
 * so, where terraform or moto_server is missing. Test tooling (the emulator never ships in the product): `npm run
 * bench` runs it as a process, `ts-node __tests__/support/bench-plan-all.ts CONTEXT_JSON`, and reads the rows it prints
 * as JSON.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { hasTool } from './tools';
import { startEmulator } from './emulator';
import { createEmulatorOrg, writeEmulatorOrgConfig } from './emulator-org';
import { terraformCliConfig } from './terraform';
import { planAll } from '../../scripts/plan-all';
import { Context, Row } from '../../scripts/bench-support';

const PARALLELISM = [1, 4];

export async function benchPlanAll(ctx: Context): Promise<Row[]> {
  const missing = ['terraform', 'moto_server'].filter((t) => !hasTool(t));
  if (missing.length) return PARALLELISM.map((p) => ({ label: `plan-all --parallel ${p} (example, emulator)`, ms: 0, skipped: `${missing.join(' and ')} not on PATH` }));
  const emu = await startEmulator();
  if (!emu) throw new Error('the emulator did not start');
  try {
    const ids = await createEmulatorOrg(emu);
    const config = writeEmulatorOrgConfig(ids, ctx.tmp);
    const synthesized = path.join(ctx.tmp, 'plan-synth');
    const synth = spawnSync('sh', ['-c', ctx.synthCommand], {
      cwd: ctx.root,
      encoding: 'utf8',
      env: { ...process.env, PATH: `${path.join(ctx.root, 'node_modules', '.bin')}${path.delimiter}${process.env.PATH}`, ROOTLOCK_CONFIG: config, CDKTF_OUTDIR: synthesized },
    });
    if (synth.status !== 0) throw new Error(`synth for plan-all failed:\n${synth.stderr}`);
    const env = { ...emu.env, TF_CLI_CONFIG_FILE: terraformCliConfig().file };
    const rows: Row[] = [];
    for (const parallel of PARALLELISM) {
      const copy = path.join(ctx.tmp, `plan-p${parallel}`);
      fs.cpSync(synthesized, copy, { recursive: true });
      const t0 = Date.now();
      const results = await planAll({ stacksDir: path.join(copy, 'stacks'), outDir: path.join(copy, 'plans'), parallel, env, log: () => undefined });
      const ms = Date.now() - t0;
      const failed = results.filter((r) => !r.ok).map((r) => `${r.stack} (${r.step})`);
      if (failed.length) throw new Error(`plan-all --parallel ${parallel}: ${failed.join(', ')} failed; logs in ${path.join(copy, 'plans')}`);
      const first = rows[0];
      rows.push({ label: `plan-all --parallel ${parallel} (${results.length} stacks of the example, emulator)`, ms, ratio: first ? { to: 'parallel 1', x: ms / first.ms } : undefined });
    }
    return rows;
  } finally {
    await emu.stop();
  }
}

if (require.main === module) {
  benchPlanAll(JSON.parse(process.argv[2]) as Context).then(
    (rows) => process.stdout.write(`${JSON.stringify(rows)}\n`),
    (e) => {
      process.stderr.write(`${(e as Error).message}\n`);
      process.exitCode = 1;
    },
  );
}
