/**
 * A synth worker's entry (stacks/parallel-synth.ts): loads the TypeScript sources through the project's own loader,
 * synthesizes its share, posts the result, then raises the signal the main thread waits on. Plain JavaScript on purpose:
 * it is what makes the TypeScript loadable. Every error, loading included, goes back as a result.
 */
'use strict';
const { workerData } = require('worker_threads');

const { signal, port } = workerData;
let result;
try {
  require('../scripts/swc-register.js');
  const manifest = require('./synth-worker.ts').synthesizeShare(workerData, () => Atomics.add(signal, 1, 1));
  result = { ok: true, manifest };
} catch (e) {
  result = { ok: false, message: e instanceof Error ? e.message : String(e) };
}
port.postMessage(result);
port.close();
Atomics.store(signal, 0, 1);
Atomics.notify(signal, 0);
