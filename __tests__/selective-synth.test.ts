/**
 * Selective synthesis (ROOTLOCK_STACKS) and the synth shortcuts: a selected stack is byte for byte the stack of a full
 * synth, the manifest cdktf reads lists exactly the selection and its dependencies, bad selections stop before
 * anything is written, and the shortcuts (no stack traces, no cross-stack preparation run) change no byte against
 * stock cdktf.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { App, TerraformStack } from 'cdktf';
import { exampleModel } from './support/example';
import { writeOutput } from '../output';
import { buildApp, synthesize } from '../stacks/app';
import { stackGraph } from '../stacks/graph';
import { selectStacks, StackSelectionError, stackPatternsFromEnv } from '../stacks/selection';
import { largeOrgConfig } from '../examples/large-org';
import { loadConfigFile } from '../config/load';
import { resolveModel } from '../config/model';

const ROOT = path.join(__dirname, '..');
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'rootlock-select-'));

function listFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listFiles(path.join(dir, e.name)).map((f) => path.join(e.name, f)) : [e.name])).sort();
}
const manifest = (out: string) => JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8'));
const stackDirs = (out: string) => fs.readdirSync(path.join(out, 'stacks')).sort();

/** Runs the real entry point (as `npm run synth` does) with the given environment. */
function runMain(env: NodeJS.ProcessEnv) {
  return spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'ts-node', 'dist', 'bin.js'), '--transpile-only', path.join(ROOT, 'main.ts')], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
}

describe('ROOTLOCK_STACKS on the example organization', () => {
  const model = exampleModel();
  const full = path.join(tmp(), 'full');
  writeOutput(model, { outdir: full });

  it.each([
    [['baseline-web-prod'], ['baseline-web-prod', 'management', 'security']],
    [['security'], ['management', 'security']],
    [['management'], ['management']],
    [['baseline-payments-*', 'baseline-web-prod'], ['baseline-payments-dev', 'baseline-payments-prod', 'baseline-web-prod', 'management', 'security']],
    [['config-rules'], stackGraph(model).map((n) => n.name).sort()],
  ])('%j builds exactly %j, each byte-identical to the full synth, with the whole runbooks', (patterns, expected) => {
    const out = path.join(tmp(), 'out');
    writeOutput(model, { outdir: out, stacks: patterns });
    expect(stackDirs(out)).toEqual(expected);
    for (const f of listFiles(path.join(out, 'stacks'))) expect({ f, bytes: fs.readFileSync(path.join(out, 'stacks', f), 'utf8') }).toEqual({ f, bytes: fs.readFileSync(path.join(full, 'stacks', f), 'utf8') });
    // As text: Jest compares Buffers element by element (about 30 s for the 675 KB HTML copy), strings at once.
    for (const f of listFiles(path.join(full, 'runbooks'))) expect({ f, bytes: fs.readFileSync(path.join(out, 'runbooks', f), 'utf8') }).toEqual({ f, bytes: fs.readFileSync(path.join(full, 'runbooks', f), 'utf8') });
    // The manifest cdktf reads: exactly these stacks, each with its full-synth dependencies, all of them present.
    const m = manifest(out);
    expect(Object.keys(m.stacks).sort()).toEqual(expected);
    for (const name of expected) {
      expect(m.stacks[name].dependencies).toEqual(manifest(full).stacks[name].dependencies);
      for (const dep of m.stacks[name].dependencies) expect(expected).toContain(dep);
    }
  });

  it('a pattern that matches nothing or an empty ROOTLOCK_STACKS stops with one line naming the variable and the valid names', () => {
    expect(() => selectStacks(stackGraph(model), ['baseline-nope'])).toThrow(StackSelectionError);
    expect(() => selectStacks(stackGraph(model), ['baseline-nope', 'security'])).toThrow(
      'ROOTLOCK_STACKS: "baseline-nope" matches no stack. Valid stack names: management, security, baseline-management, baseline-security-tooling',
    );
    expect(() => stackPatternsFromEnv({ ROOTLOCK_STACKS: ' , ' })).toThrow(/^ROOTLOCK_STACKS is set but names no stack/);
    expect(stackPatternsFromEnv({})).toBeUndefined();
    expect(stackPatternsFromEnv({ ROOTLOCK_STACKS: 'security, baseline-*' })).toEqual(['security', 'baseline-*']);
    // Glob characters only: a dot or bracket in a pattern is literal.
    expect(() => selectStacks(stackGraph(model), ['baseline.web.prod'])).toThrow(StackSelectionError);
  });

  it('through the entry point: exit 1, one line, no stack trace, the previous output untouched', () => {
    const dir = tmp();
    const outdir = path.join(dir, 'cdktf.out');
    fs.mkdirSync(outdir);
    fs.writeFileSync(path.join(outdir, 'previous.txt'), 'kept');
    const run = runMain({ ROOTLOCK_STACKS: 'baseline-web-prdo', CDKTF_OUTDIR: outdir });
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^rootlock: ROOTLOCK_STACKS: "baseline-web-prdo" matches no stack\. Valid stack names: management, .*config-rules$/)]);
    expect(listFiles(outdir)).toEqual(['previous.txt']);
    expect(fs.readdirSync(dir)).toEqual(['cdktf.out']);
  });

  it.each([
    ['the example', () => model],
    ['the minimal example', () => resolveModel(loadConfigFile(path.join(ROOT, 'examples', 'minimal-org.yaml')))],
    ['S3 state, GuardDuty and Config off', () => exampleModel((c) => {
      c.state = { backend: 's3', bucket: 'org-tf-state', region: 'eu-west-1', keyPrefix: 'rootlock' };
      c.monitoring = { guardDuty: false, config: false };
    })],
  ])('the synth shortcuts change no byte on %s: stock cdktf (cross-stack preparation run, second resolve, stack traces captured, json-stable-stringify) writes the same', (_, modelOf) => {
    const model = modelOf();
    const fast = path.join(tmp(), 'fast');
    synthesize(model, fast);
    const stockDir = path.join(tmp(), 'stock');
    const app: App = buildApp(model, stockDir);
    // Back to TerraformStack.prototype's prepareStack (the preparing resolve run that finds cross-stack references)
    // and toTerraform (which resolves the merged document a second time); StackSynthesizer.prototype's synthesize.
    for (const stack of app.node.findAll().filter(TerraformStack.isStack)) {
      delete (stack as { prepareStack?: unknown }).prepareStack;
      delete (stack as { toTerraform?: unknown }).toTerraform;
      delete (stack.synthesizer as { synthesize?: unknown }).synthesize;
    }
    app.synth();
    expect(listFiles(stockDir)).toEqual(listFiles(fast));
    for (const f of listFiles(fast)) expect({ f, bytes: fs.readFileSync(path.join(stockDir, f), 'utf8') }).toEqual({ f, bytes: fs.readFileSync(path.join(fast, f), 'utf8') });
    // No stack reads another's state: a cross-stack reference would show up as a remote-state data source.
    expect(listFiles(fast).map((f) => fs.readFileSync(path.join(fast, f), 'utf8')).join('\n')).not.toContain('terraform_remote_state');
  });

  it('synthesis restores the stack-trace settings afterwards', () => {
    const before = Object.getOwnPropertyDescriptor(Error, 'stackTraceLimit');
    synthesize(model, path.join(tmp(), 'out'), selectStacks(stackGraph(model), ['management']));
    expect(Object.getOwnPropertyDescriptor(Error, 'stackTraceLimit')).toEqual(before);
    expect(new Error('x').stack).toMatch(/\n\s+at /);
  });
});

describe('ROOTLOCK_STACKS on a 1,000-account organization', () => {
  it('baseline-<name> synthesizes that baseline and what it depends on, through the real entry point', () => {
    const raw = largeOrgConfig(1000, 100) as { accounts: Array<{ name: string }> };
    raw.accounts[500].name = 'web-prod';
    const dir = tmp();
    const config = path.join(dir, 'org.json');
    fs.writeFileSync(config, JSON.stringify(raw));
    const outdir = path.join(dir, 'cdktf.out');
    const run = runMain({ ROOTLOCK_CONFIG: config, ROOTLOCK_STACKS: 'baseline-web-prod', CDKTF_OUTDIR: outdir });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(stackDirs(outdir)).toEqual(['baseline-web-prod', 'management', 'security']);
    expect(Object.keys(manifest(outdir).stacks).sort()).toEqual(['baseline-web-prod', 'management', 'security']);
    const baseline = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', 'baseline-web-prod', 'cdk.tf.json'), 'utf8'));
    expect(baseline.provider.aws[0].allowed_account_ids).toEqual(['200000000500']);
    // The runbooks still cover every account.
    expect(fs.readFileSync(path.join(outdir, 'runbooks', 'inventory.md'), 'utf8')).toContain('account-0999');
  });
});
