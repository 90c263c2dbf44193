/**
 * Writes the synthesized stacks and the runbooks all at once: into a fresh directory that replaces the output only
 * when everything succeeded, so a failure never leaves a half-written cdktf.out.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Model } from './config/model';
import { synthesize, deployOrder } from './stacks/app';
import { writeRunbooks } from './runbooks';

export const DEFAULT_OUTDIR = 'cdktf.out';
export const RUNBOOKS_SUBDIR = 'runbooks';

export interface Written {
  outdir: string;
  stacks: string[];
  runbooks: string[];
}

export function writeOutput(model: Model, opts: { outdir?: string } = {}): Written {
  const outdir = path.resolve(opts.outdir ?? DEFAULT_OUTDIR);
  const staging = `${outdir}.staging-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  try {
    synthesize(model, staging);
    const runbooks = writeRunbooks(model, path.join(staging, RUNBOOKS_SUBDIR));
    replaceDir(staging, outdir);
    return { outdir, stacks: deployOrder(model), runbooks };
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
