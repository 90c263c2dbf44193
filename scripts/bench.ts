/**
 * Synth benchmark: the example organization and a synthetic one of 1,000 accounts and 100 OUs, each as a ratio
 * against a baseline measured in the same run: bare cdktf synthesizing the same number of stacks with one provider and
 * one role each, the floor any cdktf project pays. Figures then compare across machines. Run: npm run bench
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadConfigFile, DEFAULT_CONFIG, validateConfig } from '../config/load';
import { resolveModel, Model } from '../config/model';
import { App, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { synthesize, withoutStackFormatting } from '../stacks/app';
import { renderRunbooks } from '../runbooks';
import { largeOrgConfig } from '../examples/large-org';

function time(fn: () => void, repeat = 1): number {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < repeat; i++) fn();
  return Number(process.hrtime.bigint() - t0) / 1e6 / repeat;
}

function baseline(stacks: number): number {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rootlock-bench-'));
  return time(() => {
    const app = new App({ outdir: path.join(dir, String(Math.random())), stackTraces: false });
    for (let i = 0; i < stacks; i++) {
      const stack = new TerraformStack(app, `s${i}`);
      new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
      new IamRole(stack, 'role', { name: 'r', assumeRolePolicy: '{}' });
    }
    withoutStackFormatting(() => app.synth());
  });
}

function bench(label: string, load: () => Model, repeat: number): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rootlock-bench-'));
  let model!: Model;
  const validateMs = time(() => (model = load()), repeat);
  const synthMs = time(() => synthesize(model, path.join(dir, String(Math.random()))), repeat);
  const runbooksMs = time(() => renderRunbooks(model), repeat);
  const stacks = model.allAccounts.length + 3;
  const base = baseline(stacks);
  process.stdout.write(
    `${label}: ${stacks} stacks | validate+resolve ${validateMs.toFixed(1)} ms | synth ${synthMs.toFixed(0)} ms (${(synthMs / stacks).toFixed(1)} ms/stack) | runbooks ${runbooksMs.toFixed(0)} ms | synth = ${(synthMs / base).toFixed(1)}x bare cdktf (${base.toFixed(0)} ms for as many one-role stacks)\n`,
  );
}

// Warm up module loading so the first measurement is not import time.
synthesize(resolveModel(loadConfigFile(DEFAULT_CONFIG)), fs.mkdtempSync(path.join(os.tmpdir(), 'rootlock-warm-')));
bench('example organization', () => resolveModel(loadConfigFile(DEFAULT_CONFIG)), 5);
bench('1,000 accounts / 100 OUs', () => resolveModel(validateConfig(largeOrgConfig(1000, 100))), 1);
// The live-organization audit against the emulator (scripts/bench-audit.ts).
import('./bench-audit').then((m) => m.benchAudit(1000, 100));
