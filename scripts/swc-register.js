/**
 * `node -r ./scripts/swc-register.js main.ts`: runs the TypeScript sources the way `ts-node --transpile-only` with SWC
 * does (type-stripping only; `npm test` runs `tsc --noEmit` for types), without loading the TypeScript compiler at
 * all, and with a persistent cache of the transpiled files keyed by their content, the SWC version and the options.
 * `npm run synth` and cdktf.json's `app` use it: every `cdktf deploy` re-synthesizes, and most of a synth's fixed cost
 * was ts-node loading `typescript` and transpiling every file again. Plain JavaScript on purpose: it is the loader.
 */
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const { OPTIONS: SHARED, SWC_VERSION } = require('./swc-options');

const OPTIONS = { ...SHARED, sourceMaps: false };
const CACHE = path.join(__dirname, '..', 'node_modules', '.cache', 'rootlock-swc');
const SALT = `${SWC_VERSION}\n${JSON.stringify(OPTIONS)}\n`;

let swc;
function transpile(source, filename) {
  const key = crypto.createHash('sha256').update(SALT).update(filename).update('\n').update(source).digest('hex');
  const cached = path.join(CACHE, `${key}.js`);
  try {
    return fs.readFileSync(cached, 'utf8');
  } catch {
    swc = swc || require('@swc/core');
    const { code } = swc.transformSync(source, { ...OPTIONS, filename });
    try {
      fs.mkdirSync(CACHE, { recursive: true });
      // Write-then-rename: two synths at once never read half a file.
      const tmp = `${cached}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, code);
      fs.renameSync(tmp, cached);
    } catch {
      // A read-only node_modules only loses the cache.
    }
    return code;
  }
}

// `.ts` first, as ts-node's preferTsExts: `./service-integrations` is the .ts module, not the .json beside it.
const others = Object.entries(require.extensions);
for (const [ext] of others) delete require.extensions[ext];
require.extensions['.ts'] = function compileTypeScript(module, filename) {
  module._compile(transpile(fs.readFileSync(filename, 'utf8'), filename), filename);
};
for (const [ext, handler] of others) require.extensions[ext] = handler;
