/**
 * Writes the synthesized stacks, the deploy plan and the runbooks all at once: into a fresh directory that replaces
 * the output only when everything succeeded, so a failure never leaves a half-written cdktf.out.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Model } from './config/model';
import { synthesize } from './stacks/app';
import { stackGraph } from './stacks/graph';
import { selectStacks } from './stacks/selection';
import { DEPLOY_PLAN_FILE, deployPlan } from './stacks/deploy-plan';
import { writeRunbooks } from './runbooks';

export const DEFAULT_OUTDIR = 'cdktf.out';
export const RUNBOOKS_SUBDIR = 'runbooks';

export interface Written {
  outdir: string;
  stacks: string[];
  runbooks: string[];
}

export interface OutputOptions {
  outdir?: string;
  /** Stack names or globs (ROOTLOCK_STACKS): only these and what they depend on. Default: every stack. */
  stacks?: string[];
}

export function writeOutput(model: Model, opts: OutputOptions = {}): Written {
  // A bad selection fails here, before anything is written.
  const selected = selectStacks(stackGraph(model), opts.stacks);
  const outdir = path.resolve(opts.outdir ?? DEFAULT_OUTDIR);
  const staging = `${outdir}.staging-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  try {
    synthesize(model, staging, selected);
    fs.writeFileSync(path.join(staging, DEPLOY_PLAN_FILE), `${JSON.stringify(deployPlan(selected), null, 2)}\n`);
    // The runbooks describe the whole organization whichever stacks are built.
    const runbooks = writeRunbooks(model, path.join(staging, RUNBOOKS_SUBDIR));
    replaceDir(staging, outdir);
    return { outdir, stacks: selected.map((s) => s.name), runbooks };
  } catch (e) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw e;
  }
}

function replaceDir(from: string, to: string): void {
  const old = `${to}.old-${process.pid}`;
  if (fs.existsSync(to)) fs.renameSync(to, old);
  fs.renameSync(from, to);
  fs.rmSync(old, { recursive: true, force: true });
}
