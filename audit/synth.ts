/**
 * Where the audit's expected state comes from: the synthesized Terraform of the same configuration. `--synth-dir`
 * names an existing synth (CI that already ran `npm run synth`); otherwise the audit synthesizes the configuration it
 * was given into a temporary directory, in a child process (`main.ts`, as `npm run synth` does: the audit stays free
 * of cdktf, see the layering test), so the expected state can never be a stale `cdktf.out` of another configuration.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const REPO = path.resolve(__dirname, '..');

/** Synthesizes `configPath` into a new temporary directory and returns it; the caller removes it. */
export function synthesizeFor(configPath: string): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'rootlock-audit-synth-'));
  const tsNode = path.join(REPO, 'node_modules', 'ts-node', 'dist', 'bin.js');
  // Every stack: the audit covers the whole organization, whatever selection the caller's shell holds.
  const env: NodeJS.ProcessEnv = { ...process.env, ROOTLOCK_CONFIG: configPath, CDKTF_OUTDIR: outdir };
  delete env.ROOTLOCK_STACKS;
  const r = spawnSync(process.execPath, [tsNode, '--transpile-only', path.join(REPO, 'main.ts')], {
    cwd: REPO,
    env,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) {
    fs.rmSync(outdir, { recursive: true, force: true });
    throw new Error(`cannot synthesize ${configPath} for the expected state: ${(r.stderr || r.stdout || String(r.error)).trim().split('\n')[0]}`);
  }
  return outdir;
}
