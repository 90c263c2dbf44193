/**
 * A worker thread's entry (worker-thread.ts): loads the TypeScript sources through the project's own loader, calls the
 * task's function, posts its result, then raises the signal the other thread waits on. At each `progress()` it stops if
 * asked to (worker-thread.ts `stop()`). Plain JavaScript on purpose: it is what makes the TypeScript loadable. Every
 * error, loading included, goes back as a result.
 */
'use strict';
const { workerData } = require('worker_threads');

const { module: file, fn, input, signal, port } = workerData;
let result;
try {
  require('./scripts/swc-register.js');
  const exported = require(file)[fn];
  if (typeof exported !== 'function') throw new Error(`${file} exports no function ${fn}`);
  const value = exported(input, () => {
    if (Atomics.load(signal, 2) === 1) throw new Error('stopped: the thread that started this work failed');
    Atomics.add(signal, 1, 1);
  });
  result = { ok: true, value };
} catch (e) {
  result = { ok: false, message: e instanceof Error ? e.message : String(e) };
}
port.postMessage(result);
port.close();
Atomics.store(signal, 0, 1);
Atomics.notify(signal, 0);
