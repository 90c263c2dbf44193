/**
 * Baselines synthesized on worker threads (stacks/parallel-synth.ts) write the same bytes as one thread does, every
 * stack exactly once; a worker's failure fails the synth with its message; a model changed after it was resolved is
 * never handed to a worker.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { validateConfig } from '../config/load';
import { resolveModel } from '../config/model';
import { largeOrgConfig } from '../examples/large-org';
import { synthesize } from '../stacks/app';
import { stackGraph } from '../stacks/graph';
import { defaultWorkerCount, PARALLEL_MIN_BASELINES, splitStacks, workerConfigFor } from '../stacks/parallel-synth';
import { startWorker } from '../worker-thread';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'rootlock-parallel-'));
function listFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listFiles(path.join(dir, e.name)).map((f) => path.join(e.name, f)) : [e.name])).sort();
}
const modelOf = (accounts: number) => resolveModel(validateConfig(largeOrgConfig(accounts, 10)));

describe('splitting the stacks between threads', () => {
  const graph = stackGraph(modelOf(PARALLEL_MIN_BASELINES + 20));
  const baselines = graph.filter((s) => s.kind === 'baseline');

  it.each([1, 2, 3])('with %i workers: every stack exactly once, every non-baseline on the main thread, baselines in contiguous shares larger than its own', (workers) => {
    const { own, shares } = splitStacks(graph, workers);
    expect(shares).toHaveLength(workers);
    expect([...own, ...shares.flat()].map((s) => s.name).sort()).toEqual(graph.map((s) => s.name).sort());
    expect(own.filter((s) => s.kind !== 'baseline').map((s) => s.name)).toEqual(graph.filter((s) => s.kind !== 'baseline').map((s) => s.name));
    expect(shares.flat().every((s) => s.kind === 'baseline')).toBe(true);
    const ownBaselines = own.filter((s) => s.kind === 'baseline');
    // In deploy order: the main thread's first, then each worker's run.
    expect([...ownBaselines, ...shares.flat()].map((s) => s.name)).toEqual(baselines.map((s) => s.name));
    for (const share of shares) expect(share.length).toBeGreaterThan(ownBaselines.length);
  });

  it('without workers, or without baselines, everything stays on the main thread', () => {
    expect(splitStacks(graph, 0)).toEqual({ own: graph, shares: [] });
    const noBaselines = graph.filter((s) => s.kind !== 'baseline');
    expect(splitStacks(noBaselines, 2)).toEqual({ own: noBaselines, shares: [] });
  });

  it.each([
    [PARALLEL_MIN_BASELINES - 1, 8, 0],
    [PARALLEL_MIN_BASELINES, 1, 0],
    [PARALLEL_MIN_BASELINES, 2, 1],
    [1000, 4, 3],
    [1000, 64, 3],
  ])('%i baselines on %i CPUs: %i workers by default', (count, cpus, workers) => {
    expect(defaultWorkerCount(count, cpus)).toBe(workers);
  });
});

describe('a worker thread (worker-thread.ts)', () => {
  const FIXTURE = path.join(__dirname, 'fixtures', 'slow-worker.ts');

  it('returns what the function returned, and throws what it threw', () => {
    expect(startWorker<number>(FIXTURE, 'writeFiles', { dir: tmp(), count: 3 }).wait()).toBe(3);
    expect(() => startWorker(FIXTURE, 'fail', {}).wait()).toThrow('failed on purpose');
    expect(() => startWorker(FIXTURE, 'noSuchFunction', {}).wait()).toThrow(/slow-worker\.ts exports no function noSuchFunction/);
  });

  it('stop() returns only once the worker has stopped: nothing it writes lands afterwards', async () => {
    const dir = tmp();
    const worker = startWorker<number>(FIXTURE, 'writeFiles', { dir, count: 500 });
    await new Promise((r) => setTimeout(r, 300));
    worker.stop();
    const written = fs.readdirSync(dir).length;
    expect(written).toBeGreaterThan(0);
    expect(written).toBeLessThan(500);
    await new Promise((r) => setTimeout(r, 500));
    expect(fs.readdirSync(dir)).toHaveLength(written);
  });
});

describe('synthesizing on worker threads', () => {
  const model = modelOf(PARALLEL_MIN_BASELINES + 20);

  it('writes the same files, byte for byte, manifest included, as one thread', () => {
    const serial = tmp();
    const parallel = tmp();
    synthesize(model, serial, undefined, { workers: 0 });
    synthesize(model, parallel, undefined, { workers: 2 });
    expect(listFiles(parallel)).toEqual(listFiles(serial));
    expect(listFiles(serial)).toHaveLength(stackGraph(model).length + 1);
    for (const f of listFiles(serial)) expect({ f, bytes: fs.readFileSync(path.join(parallel, f), 'utf8') }).toEqual({ f, bytes: fs.readFileSync(path.join(serial, f), 'utf8') });
  });

  it('runs the alongside work on the main thread while the workers synthesize', () => {
    const out = tmp();
    let ran = 0;
    synthesize(model, out, undefined, { workers: 1, alongside: () => (ran += 1) });
    expect(ran).toBe(1);
  });

  it("fails with the worker's own error when a worker cannot write its share", () => {
    const out = tmp();
    const last = stackGraph(model).filter((s) => s.kind === 'baseline').at(-1)!.name;
    // A file where the last baseline's directory goes: that baseline is always a worker's.
    fs.mkdirSync(path.join(out, 'stacks'), { recursive: true });
    fs.writeFileSync(path.join(out, 'stacks', last), 'not a directory');
    expect(() => synthesize(model, out, undefined, { workers: 1 })).toThrow(new RegExp(`ENOTDIR.*${last}`));
    expect(fs.existsSync(path.join(out, 'manifest.json'))).toBe(false);
  });

  it('hands a worker only a configuration that resolves to the very model being synthesized', () => {
    const fresh = modelOf(PARALLEL_MIN_BASELINES);
    expect(workerConfigFor(fresh)).toBeDefined();
    fresh.allAccounts[1].name = 'changed-after-resolving';
    expect(workerConfigFor(fresh)).toBeUndefined();
    // A model not made by resolveModel (a copy) has no configuration to hand over.
    expect(workerConfigFor({ ...fresh })).toBeUndefined();
  });
});
