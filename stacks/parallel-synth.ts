/**
 * Baselines synthesized on worker threads alongside the main one. A large organization is mostly baselines (at 1,000
 * accounts, 1,000 of 1,004 stacks and nine tenths of the synth), each a pure function of the model and its account
 * (stacks/graph.ts: no stack reads another), so they split across threads with the same bytes as one thread writes.
 *
 * Each worker resolves the model itself from the configuration the model came from (a model holds functions, so it
 * cannot be posted), synthesizes its share into the same output directory and posts back its stacks' manifest
 * entries; the main thread waits synchronously (Atomics.wait), so `synthesize` stays a plain function for every caller.
 * Used only where it pays: from PARALLEL_MIN_BASELINES baselines, with a CPU to spare.
 */
import * as os from 'os';
import * as path from 'path';
import { MessageChannel, MessagePort, receiveMessageOnPort, Worker } from 'worker_threads';
import { Model, resolveModel, sourceConfigOf } from '../config/model';
import type { RootlockConfig } from '../config/schema';
import type { StackNode } from './graph';

/** Below this many baselines a worker's start (loading cdktf, resolving the model: about a second) costs more than it saves. */
export const PARALLEL_MIN_BASELINES = 100;
/** Workers at most: each holds its own heap, and three more threads already take 1,000 accounts to the write speed of the disk. */
const MAX_WORKERS = 3;
/**
 * The share of the baselines each worker takes over the main thread's: the main thread also synthesizes the
 * management and security stacks and renders the runbooks (at 1,000 accounts about a seventh of the work), while a
 * worker first loads and resolves for about a second. Measured with `npm run bench -- synth`.
 */
const WORKER_WEIGHT = 1.4;
/** A worker that finishes no stack for this long has died (out of memory): fail rather than wait forever. */
const STALL_MS = 120_000;

/** What a worker is given. */
export interface WorkerTask {
  config: RootlockConfig;
  outdir: string;
  /** Its share, by stack name; every other stack it names as a dependency is synthesized elsewhere. */
  stacks: string[];
  /** [0]: 1 once the result is posted; [1]: stacks done so far. */
  signal: Int32Array;
  port: MessagePort;
}

/** What a worker posts back: its stacks' manifest entries (cdktf's, as the main thread's own would be), or its error. */
export type WorkerResult = { ok: true; manifest: Array<{ name: string }> } | { ok: false; message: string };

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
  /** Blocks until every worker is done; their manifest entries, or the first worker's error, thrown. */
  wait(): Array<{ name: string }>;
  /** Stops any worker still running (after an error on the main thread). */
  stop(): void;
}

/** Loads the TypeScript worker (stacks/synth-worker.ts) through the project's own loader. */
const ENTRY = path.join(__dirname, 'synth-worker-entry.js');

export function startWorkers(config: RootlockConfig, outdir: string, shares: StackNode[][]): RunningWorkers {
  const running = shares.map((share) => {
    const signal = new Int32Array(new SharedArrayBuffer(8));
    const { port1, port2 } = new MessageChannel();
    const task: WorkerTask = { config, outdir, stacks: share.map((s) => s.name), signal, port: port2 };
    const worker = new Worker(ENTRY, { workerData: task, transferList: [port2] });
    // Results and errors come through the signal and the port; an 'error' event would only repeat them.
    worker.on('error', () => undefined);
    worker.unref();
    return { worker, signal, port: port1 };
  });
  return {
    wait() {
      const entries: Array<{ name: string }> = [];
      for (const { signal, port } of running) {
        let done = Atomics.load(signal, 1);
        let idle = 0;
        while (Atomics.load(signal, 0) === 0) {
          Atomics.wait(signal, 0, 0, 1000);
          const now = Atomics.load(signal, 1);
          idle = now === done ? idle + 1000 : 0;
          done = now;
          if (idle >= STALL_MS && Atomics.load(signal, 0) === 0) throw new Error(`a synth worker finished no stack in ${STALL_MS / 1000} s (out of memory?): nothing was written`);
        }
        const result = receiveMessageOnPort(port)?.message as WorkerResult | undefined;
        if (!result) throw new Error('a synth worker stopped without a result: nothing was written');
        if (!result.ok) throw new Error(result.message);
        entries.push(...result.manifest);
      }
      return entries;
    },
    stop() {
      for (const { worker, port } of running) {
        port.close();
        void worker.terminate();
      }
    },
  };
}
