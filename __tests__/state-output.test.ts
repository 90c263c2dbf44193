/**
 * State survives every synth: local state lives beside the output directory (the backend path in every stack
 * resolves there), `.terraform` and the lock file survive a re-synth, state an earlier release left inside a stack
 * directory is moved out (never deleted; a conflict stops before anything moves), a selective synth keeps the other
 * stacks' directories, and the real cdktf CLI's clean-up after a selective synth over a full one no longer fails.
 */
import * as fs from 'fs';
import * as path from 'path';
import { exampleModel } from './support/example';
import { localStateDir, writeOutput } from '../output';
import { describeResult, REPO_ROOT, runProcess, scratchDir } from './support/terraform';
import { LOCAL_STATE_DIR } from '../config/contract';

const model = exampleModel();
const stacksIn = (out: string) => fs.readdirSync(path.join(out, 'stacks')).sort();
const allStacks = () => stacksIn(fullOut());
let cachedFull: string | undefined;
function fullOut(): string {
  if (!cachedFull) {
    cachedFull = path.join(scratchDir('state-full'), 'cdktf.out');
    writeOutput(model, { outdir: cachedFull });
  }
  return cachedFull;
}

/** A working copy after a full synth and a `terraform init` + apply (simulated: the files Terraform writes). */
function initializedCopy(): { out: string; state: string } {
  const out = path.join(scratchDir('state'), 'cdktf.out');
  writeOutput(model, { outdir: out });
  for (const name of stacksIn(out)) {
    const dir = path.join(out, 'stacks', name);
    fs.mkdirSync(path.join(dir, '.terraform', 'providers'), { recursive: true });
    fs.writeFileSync(path.join(dir, '.terraform', 'providers', 'marker'), name);
    fs.writeFileSync(path.join(dir, '.terraform.lock.hcl'), `# lock ${name}\n`);
  }
  const state = localStateDir(out);
  fs.mkdirSync(state, { recursive: true });
  for (const name of stacksIn(out)) fs.writeFileSync(path.join(state, `${name}.tfstate`), `{"serial": 7, "stack": "${name}"}`);
  return { out, state };
}

describe('local state and the output directory', () => {
  it('every stack\'s local backend resolves to <outdir>/../terraform-state/<stack>.tfstate', () => {
    const out = fullOut();
    for (const name of allStacks()) {
      const dir = path.join(out, 'stacks', name);
      const backend = JSON.parse(fs.readFileSync(path.join(dir, 'cdk.tf.json'), 'utf8')).terraform.backend.local;
      expect(path.resolve(dir, backend.path)).toBe(path.join(path.dirname(out), LOCAL_STATE_DIR, `${name}.tfstate`));
      expect(path.resolve(dir, backend.path).startsWith(out + path.sep)).toBe(false);
    }
  });

  it('a full re-synth keeps every state file, .terraform and lock file, byte for byte', () => {
    const { out, state } = initializedCopy();
    const before = fs.readdirSync(state).map((f) => [f, fs.readFileSync(path.join(state, f), 'utf8')]);
    writeOutput(model, { outdir: out });
    expect(fs.readdirSync(state).map((f) => [f, fs.readFileSync(path.join(state, f), 'utf8')])).toEqual(before);
    for (const name of stacksIn(out)) {
      expect(fs.readFileSync(path.join(out, 'stacks', name, '.terraform', 'providers', 'marker'), 'utf8')).toBe(name);
      expect(fs.readFileSync(path.join(out, 'stacks', name, '.terraform.lock.hcl'), 'utf8')).toBe(`# lock ${name}\n`);
    }
    expect(fs.readdirSync(path.dirname(out)).sort()).toEqual(['cdktf.out', LOCAL_STATE_DIR]);
  });

  it('a selective synth keeps the other stacks\' directories; a full synth drops a stack that no longer exists', () => {
    const { out } = initializedCopy();
    writeOutput(model, { outdir: out, stacks: ['management'] });
    expect(stacksIn(out)).toEqual(allStacks());
    expect(Object.keys(JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8')).stacks)).toEqual(['management']);
    const fewer = exampleModel((c) => (c.accounts = c.accounts.filter((a: any) => a.name !== 'web-prod')));
    writeOutput(fewer, { outdir: out });
    expect(stacksIn(out)).toEqual(allStacks().filter((n) => n !== 'baseline-web-prod'));
    // Its state is not the output's to delete.
    expect(fs.existsSync(path.join(localStateDir(out), 'baseline-web-prod.tfstate'))).toBe(true);
  });

  it('state an earlier release left in a stack directory moves to the state directory, with its backup; the backend cache goes', () => {
    const out = path.join(scratchDir('state-legacy'), 'cdktf.out');
    writeOutput(model, { outdir: out });
    const dir = path.join(out, 'stacks', 'security');
    fs.writeFileSync(path.join(dir, 'terraform.tfstate'), '{"serial": 3}');
    fs.writeFileSync(path.join(dir, 'terraform.tfstate.backup'), '{"serial": 2}');
    fs.mkdirSync(path.join(dir, '.terraform', 'providers'), { recursive: true });
    fs.writeFileSync(path.join(dir, '.terraform', 'terraform.tfstate'), '{"backend": {"type": "local", "config": {"path": "terraform.tfstate"}}}');
    const written = writeOutput(model, { outdir: out });
    expect(written.migratedState).toEqual(['security']);
    const state = localStateDir(out);
    expect(fs.readFileSync(path.join(state, 'security.tfstate'), 'utf8')).toBe('{"serial": 3}');
    expect(fs.readFileSync(path.join(state, 'security.tfstate.backup'), 'utf8')).toBe('{"serial": 2}');
    expect(fs.existsSync(path.join(out, 'stacks', 'security', 'terraform.tfstate'))).toBe(false);
    expect(fs.existsSync(path.join(out, 'stacks', 'security', '.terraform', 'terraform.tfstate'))).toBe(false);
    expect(fs.existsSync(path.join(out, 'stacks', 'security', '.terraform', 'providers'))).toBe(true);
  });

  it('state in both places stops the synth, naming both files, and changes nothing', () => {
    const { out, state } = initializedCopy();
    fs.writeFileSync(path.join(out, 'stacks', 'management', 'terraform.tfstate'), '{"serial": 1}');
    const manifest = fs.readFileSync(path.join(out, 'manifest.json'), 'utf8');
    expect(() => writeOutput(model, { outdir: out })).toThrow(/stack management has state in two places: .*terraform\.tfstate .* and .*terraform-state\/management\.tfstate/);
    expect(fs.readFileSync(path.join(out, 'stacks', 'management', 'terraform.tfstate'), 'utf8')).toBe('{"serial": 1}');
    expect(fs.readFileSync(path.join(state, 'management.tfstate'), 'utf8')).toContain('"serial": 7');
    expect(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8')).toBe(manifest);
    expect(fs.readdirSync(path.dirname(out)).sort()).toEqual(['cdktf.out', LOCAL_STATE_DIR]);
  });
});

describe('the cdktf CLI over a full synth', () => {
  jest.setTimeout(180_000);
  it('ROOTLOCK_STACKS=management cdktf synth after a full synth: exit 0, the CLI removes the unselected stack directories, the state stays', async () => {
    const { out, state } = initializedCopy();
    const env = { ...process.env, ROOTLOCK_STACKS: 'management', CI: 'true', FORCE_COLOR: '0', DISABLE_VERSION_CHECK: 'true', CHECKPOINT_DISABLE: '1' };
    const r = await runProcess(path.join(REPO_ROOT, 'node_modules', '.bin', 'cdktf'), ['synth', '--output', out], REPO_ROOT, env, 170_000, ['(cdktf)']);
    if (r.code !== 0) throw new Error(describeResult(r));
    expect(stacksIn(out)).toEqual(['management']);
    expect(fs.readFileSync(path.join(out, 'stacks', 'management', '.terraform.lock.hcl'), 'utf8')).toBe('# lock management\n');
    expect(fs.readdirSync(state).sort()).toEqual(allStacks().map((n) => `${n}.tfstate`).sort());
  });
});
