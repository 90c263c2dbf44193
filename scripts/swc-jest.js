/**
 * Jest's TypeScript transform: SWC, type-stripping only (see swc-options.js). ts-jest built a TypeScript language
 * service in every worker and compiled each file through it: seconds per test file on a clean CI clone, for types
 * `tsc --noEmit` already checks. Inline source maps keep failure locations on the TypeScript lines.
 */
'use strict';
const crypto = require('crypto');
const swc = require('@swc/core');
const { OPTIONS, SWC_VERSION } = require('./swc-options');

const JEST_OPTIONS = { ...OPTIONS, sourceMaps: 'inline' };
const SALT = `${SWC_VERSION}\n${JSON.stringify(JEST_OPTIONS)}\n`;

module.exports = {
  process(source, filename) {
    return { code: swc.transformSync(source, { ...JEST_OPTIONS, filename }).code };
  },
  getCacheKey(source, filename) {
    return crypto.createHash('sha256').update(SALT).update(filename).update('\n').update(source).digest('hex');
  },
};
