/**
 * Jest test sequencer: longest files first, so the workers of `npm test` finish together instead of one worker
 * starting the 15-minute lifecycle test after everything else is done.
 *
 * Jest's own sequencer orders by the durations it cached on THIS machine and, without a cache (a clean CI clone),
 * by file size: the deploy-scale files are short to read but long to run, so on CI they started last. Here a file's
 * weight is the larger of its committed weight (heavy-tests.json, seconds) and its cached duration; files that failed
 * last run still go first (Jest's own rule, for fast feedback). Plain JavaScript: Jest loads it without a transform.
 *
 * `node __tests__/support/sequencer.js --from-cache [JEST_CACHE_DIR]` prints the cached durations of this checkout's
 * last runs, heaviest first, to refresh heavy-tests.json.
 */
const fs = require('fs');
const path = require('path');
const Sequencer = require('@jest/test-sequencer').default;

const WEIGHTS_FILE = path.join(__dirname, 'heavy-tests.json');

/** File name -> committed weight in milliseconds. */
function committedWeights() {
  const { seconds } = JSON.parse(fs.readFileSync(WEIGHTS_FILE, 'utf8'));
  return new Map(Object.entries(seconds).map(([file, s]) => [file, s * 1000]));
}

/** Sorts `tests` (objects with a `path`): failed first, then by weight descending, then by path for a stable order. */
function orderTests(tests, { hasFailed = () => false, cachedMs = () => undefined, weights = committedWeights() } = {}) {
  const weight = (t) => Math.max(weights.get(path.basename(t.path)) ?? 0, cachedMs(t) ?? 0);
  return [...tests].sort((a, b) => {
    const failed = Number(hasFailed(b)) - Number(hasFailed(a));
    if (failed !== 0) return failed;
    return weight(b) - weight(a) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  });
}

class HeaviestFirstSequencer extends Sequencer {
  sort(tests) {
    const weights = committedWeights();
    // Jest's scheduler reads test.duration (e.g. to decide whether to run in band): keep the cached value there.
    for (const t of tests) t.duration = this.time(t);
    return orderTests(tests, { hasFailed: (t) => this.hasFailed(t), cachedMs: (t) => this.time(t), weights });
  }
}

module.exports = HeaviestFirstSequencer;
module.exports.orderTests = orderTests;
module.exports.committedWeights = committedWeights;

if (require.main === module && process.argv[2] === '--from-cache') {
  const dir = process.argv[3] || '/tmp/jest_0';
  const here = path.resolve(__dirname, '..');
  const rows = [];
  for (const f of fs.readdirSync(dir).filter((n) => n.startsWith('perf-cache-'))) {
    for (const [file, v] of Object.entries(JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')))) {
      if (file.startsWith(here + path.sep)) rows.push([path.basename(file), Math.round((Array.isArray(v) ? v[1] : v) / 1000)]);
    }
  }
  rows.sort((a, b) => b[1] - a[1]);
  for (const [file, s] of rows) console.log(`${s}\t${file}`);
}
