/**
 * The one SWC setting every TypeScript loader of the project uses (the synth's `swc-register.js`, Jest's
 * `swc-jest.js`; ts-node is told `"swc": true` in tsconfig.json): type-stripping only, the tsconfig's target and
 * module, so tests run the same JavaScript the synth runs. Types are checked once, by `tsc --noEmit` in `npm test`.
 */
'use strict';
const OPTIONS = {
  jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
  module: { type: 'commonjs' },
};
module.exports = { OPTIONS, SWC_VERSION: require('@swc/core/package.json').version };
