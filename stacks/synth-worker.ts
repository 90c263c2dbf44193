/** A synth worker's share (stacks/parallel-synth.ts): the model resolved again, its stacks synthesized, their manifest entries. */
import { resolveModel } from '../config/model';
import { synthesizeOnThisThread } from './app';
import { stackGraph } from './graph';
import type { ShareTask } from './parallel-synth';

export function synthesizeShare(task: ShareTask, onStack: () => void): Array<{ name: string }> {
  const model = resolveModel(task.config);
  const mine = new Set(task.stacks);
  const graph = stackGraph(model);
  return synthesizeOnThisThread(model, task.outdir, graph.filter((n) => mine.has(n.name)), onStack);
}
