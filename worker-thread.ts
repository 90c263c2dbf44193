/**
 * The one way rootlock runs work on another thread and waits for it synchronously: a worker loads one exported
 * function of one TypeScript module (through the project's own loader, scripts/swc-register.js), calls it with a
 * structured-clonable input and posts back what it returns, or its error. The caller keeps running, then blocks on
 * `wait()` (Atomics.wait), so synthesis stays a plain function for every caller. Work that needs the model resolves it
 * again from its configuration (a model holds functions, so it cannot be posted).
 */
import * as path from 'path';
import { MessageChannel, receiveMessageOnPort, Worker } from 'worker_threads';

/** A worker that reports no progress for this long has died (out of memory): fail rather than wait forever. */
const STALL_MS = 120_000;
/** How long `stop()` waits for a worker to reach its next `progress()` before terminating it. */
const STOP_MS = 10_000;

/** What the entry (worker-thread-entry.js) is given. */
export interface WorkerTask {
  /** Absolute path of the TypeScript module, and the name of the function it exports: `fn(input, progress)`. */
  module: string;
  fn: string;
  input: unknown;
  /** [0]: 1 once the result is posted; [1]: progress ticks (`progress()` in the worker); [2]: 1 when asked to stop. */
  signal: Int32Array;
  port: import('worker_threads').MessagePort;
}

export type WorkerResult = { ok: true; value: unknown } | { ok: false; message: string };

export interface RunningWorker<T> {
  /** Blocks until the worker is done: what its function returned, or its error, thrown. */
  wait(): T;
  /**
   * Stops the worker if it is still running (after an error on this thread): it stops at its next `progress()` and is
   * waited for (a few seconds at most), so nothing it writes lands after the caller cleans up.
   */
  stop(): void;
}

const ENTRY = path.join(__dirname, 'worker-thread-entry.js');

/**
 * The young generation of a worker's heap, as `--max-semi-space-size=16` gives the main thread (package.json `synth`):
 * three semi-spaces. A synth makes short-lived objects by the million; with V8's default the worker spent twice as
 * long collecting them.
 */
const YOUNG_GENERATION_MB = 48;

/** Starts `fn` of `module` (an absolute path) on a new thread with `input`. */
export function startWorker<T>(module: string, fn: string, input: unknown): RunningWorker<T> {
  const signal = new Int32Array(new SharedArrayBuffer(12));
  const { port1, port2 } = new MessageChannel();
  const task: WorkerTask = { module, fn, input, signal, port: port2 };
  const worker = new Worker(ENTRY, { workerData: task, transferList: [port2], resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } });
  // Results and errors come through the signal and the port; an 'error' event would only repeat them.
  worker.on('error', () => undefined);
  worker.unref();
  return {
    wait() {
      let ticks = Atomics.load(signal, 1);
      let idle = 0;
      while (Atomics.load(signal, 0) === 0) {
        Atomics.wait(signal, 0, 0, 1000);
        const now = Atomics.load(signal, 1);
        idle = now === ticks ? idle + 1000 : 0;
        ticks = now;
        if (idle >= STALL_MS && Atomics.load(signal, 0) === 0) throw new Error(`a worker thread (${path.basename(module)} ${fn}) made no progress in ${STALL_MS / 1000} s (out of memory?): nothing was written`);
      }
      const result = receiveMessageOnPort(port1)?.message as WorkerResult | undefined;
      if (!result) throw new Error(`a worker thread (${path.basename(module)} ${fn}) stopped without a result: nothing was written`);
      if (!result.ok) throw new Error(result.message);
      return result.value as T;
    },
    stop() {
      Atomics.store(signal, 2, 1);
      Atomics.wait(signal, 0, 0, STOP_MS);
      port1.close();
      void worker.terminate();
    },
  };
}
