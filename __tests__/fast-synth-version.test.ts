/** fast-synth patches private methods of one cdktf release: any other release is refused, with what to do. */
import { assertPatchedCdktf } from '../stacks/fast-synth';

test('the installed cdktf is the one the shortcuts were written for', () => {
  expect(() => assertPatchedCdktf()).not.toThrow();
  expect(() => assertPatchedCdktf('0.21.3')).not.toThrow();
});

test.each(['0.22.0', '0.20.11', '1.0.0', '0.21.0-pre.1'])('cdktf %s is refused with the way forward', (v) => {
  expect(() => assertPatchedCdktf(v)).toThrow(new RegExp(`cdktf ${v.replace(/\./g, '\\.')} is installed: check each patched method .* update PATCHED_CDKTF`));
});
