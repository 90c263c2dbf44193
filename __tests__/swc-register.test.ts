/**
 * `npm run synth` and cdktf.json's `app` run main.ts through scripts/swc-register.js (SWC with a content-keyed cache,
 * no TypeScript compiler loaded). Its output must be byte-identical to ts-node's, cold cache and warm, and it must
 * resolve `./x` to x.ts before an x.json beside it, as ts-node's preferTsExts does.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.join(__dirname, '..');

function listFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listFiles(path.join(dir, e.name)).map((f) => path.join(e.name, f)) : [e.name])).sort();
}

function synth(runner: string[], outdir: string, env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [...runner, path.join(ROOT, 'main.ts')], { cwd: ROOT, env: { ...process.env, CDKTF_OUTDIR: outdir, ...env }, encoding: 'utf8' });
  expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
  return listFiles(outdir).map((f) => [f, fs.readFileSync(path.join(outdir, f), 'utf8')]);
}

test('package.json and cdktf.json run the register', () => {
  expect(JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts.synth).toBe('node --max-semi-space-size=16 -r ./scripts/swc-register.js main.ts');
  expect(JSON.parse(fs.readFileSync(path.join(ROOT, 'cdktf.json'), 'utf8')).app).toBe('node --max-semi-space-size=16 -r ./scripts/swc-register.js main.ts');
});

test('the register synthesizes byte for byte what ts-node does, with a cold and a warm cache', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rootlock-register-'));
  try {
    const reference = synth(['-r', 'ts-node/register/transpile-only'], path.join(tmp, 'ts-node'));
    const cache = path.join(ROOT, 'node_modules', '.cache', 'rootlock-swc');
    fs.rmSync(cache, { recursive: true, force: true });
    const cold = synth(['-r', './scripts/swc-register.js'], path.join(tmp, 'cold'));
    expect(fs.readdirSync(cache).length).toBeGreaterThan(50);
    const warm = synth(['-r', './scripts/swc-register.js'], path.join(tmp, 'warm'));
    expect(reference.length).toBeGreaterThan(20);
    expect(cold).toEqual(reference);
    expect(warm).toEqual(reference);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('`./policies/service-integrations` is the TypeScript module, not the JSON of the same name', () => {
  const r = spawnSync(process.execPath, ['-r', './scripts/swc-register.js', '-e', "process.stdout.write(typeof require('./policies/service-integrations').sourceConditions)"], { cwd: ROOT, encoding: 'utf8' });
  expect({ out: r.stdout, err: r.stderr }).toEqual({ out: 'function', err: '' });
});
