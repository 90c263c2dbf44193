/**
 * Baselines synthesized on worker threads alongside the main one. A large organization is mostly baselines (at 1,000
 * accounts, 1,000 of 1,004 stacks and nine tenths of the synth), each a pure function of the model and its account
 * (stacks/graph.ts: no stack reads another), so they split across threads with the same bytes as one thread writes.
 *
 * Each worker resolves the model itself from the configuration the model came from (a model holds functions, so it
 * cannot be posted), synthesizes its share into the same output directory and returns its stacks' manifest entries
 * (worker-thread.ts: the main thread waits for them synchronously).
 * Used only where it pays: from PARALLEL_MIN_BASELINES baselines, with a CPU to spare.
 */
import * as os from 'os';
import * as path from 'path';
import { Model, resolveModel, sourceConfigOf } from '../config/model';
import type { RootlockConfig } from '../config/schema';
import type { StackNode } from './graph';
import { startWorker } from '../worker-thread';

/** Below this many baselines a worker's start (loading cdktf, resolving the model: about a second) costs more than it saves. */
export const PARALLEL_MIN_BASELINES = 100;
/** Workers at most: each holds its own heap and its own copy of the model, and all write to the same disk. */
const MAX_WORKERS = 3;
/**
 * The share of the baselines each worker takes over the main thread's: the main thread also synthesizes the
 * management and security stacks and renders the runbooks (at 1,000 accounts about a seventh of the work), while a
 * worker first loads and resolves for about a second. Measured with `npm run bench -- synth`.
 */
const WORKER_WEIGHT = 1.5;
/** What a worker is given (stacks/synth-worker.ts). */
export interface ShareTask {
  config: RootlockConfig;
  outdir: string;
  /** Its share, by stack name; every other stack it names as a dependency is synthesized elsewhere. */
  stacks: string[];
}

/** How many workers `synthesize` starts by default for this many baselines on this machine. */
export function defaultWorkerCount(baselines: number, cpus: number = os.availableParallelism()): number {
  return baselines < PARALLEL_MIN_BASELINES ? 0 : Math.max(0, Math.min(MAX_WORKERS, cpus - 1));
}

/**
 * Splits the stacks to synthesize: every non-baseline stack and the first baselines stay on the main thread, the
 * remaining baselines go in contiguous shares to `workers` workers, each WORKER_WEIGHT times the main thread's.
 */
export function splitStacks(stacks: StackNode[], workers: number): { own: StackNode[]; shares: StackNode[][] } {
  const baselines = stacks.filter((s) => s.kind === 'baseline');
  if (workers < 1 || !baselines.length) return { own: stacks, shares: [] };
  const per = Math.floor((baselines.length * WORKER_WEIGHT) / (1 + workers * WORKER_WEIGHT));
  const shares = Array.from({ length: workers }, (_, i) => baselines.slice(baselines.length - per * (workers - i), baselines.length - per * (workers - i - 1)));
  const elsewhere = new Set(shares.flat().map((s) => s.name));
  return { own: stacks.filter((s) => !elsewhere.has(s.name)), shares: shares.filter((s) => s.length) };
}

/**
 * The configuration a worker can resolve `model` from: the one it was resolved from, provided resolving it again gives
 * the same model (a caller may have changed the model since). Undefined when there is none: synthesize on one thread.
 */
export function workerConfigFor(model: Model): RootlockConfig | undefined {
  const config = sourceConfigOf(model);
  return config && JSON.stringify(resolveModel(config)) === JSON.stringify(model) ? config : undefined;
}

export interface RunningWorkers {
  /** Blocks until every worker is done; their stacks' manifest entries, or the first worker's error, thrown. */
  wait(): Array<{ name: string }>;
  /** Stops any worker still running (after an error on the main thread). */
  stop(): void;
}

export function startWorkers(config: RootlockConfig, outdir: string, shares: StackNode[][]): RunningWorkers {
  const running = shares.map((share) => startWorker<Array<{ name: string }>>(SHARE_MODULE, 'synthesizeShare', { config, outdir, stacks: share.map((s) => s.name) } satisfies ShareTask));
  return {
    wait: () => running.flatMap((w) => w.wait()),
    stop: () => running.forEach((w) => w.stop()),
  };
}

/** The module a worker synthesizes its share with. */
const SHARE_MODULE = path.join(__dirname, 'synth-worker.ts');
