/**
 * The synthesized Terraform of every stack of the bundled examples, byte for byte against its golden copy
 * (`npm run golden` rewrites them after an intended change; read their diff). What it guards: a cdktf or bindings move,
 * or a refactor meant to change nothing.
 */
import * as fs from 'fs';
import * as path from 'path';
import { GOLDEN_DIR, GOLDEN_EXAMPLES, goldenFile, synthesizedStacks } from '../scripts/golden';

describe.each(GOLDEN_EXAMPLES)('%s', (example) => {
  const stacks = synthesizedStacks(example);

  test('the same stacks as the golden copies', () => {
    const golden = fs.readdirSync(path.join(GOLDEN_DIR, example)).map((f) => f.replace(/\.tf\.json$/, '')).sort();
    expect([...stacks.keys()].sort()).toEqual(golden);
  });

  test.each([...stacks.keys()])('%s is byte-identical to its golden copy (npm run golden after an intended change)', (stack) => {
    const golden = fs.readFileSync(goldenFile(example, stack), 'utf8');
    const now = stacks.get(stack)!;
    if (now !== golden) {
      // A readable first difference instead of two 50 KB strings.
      const a = golden.split('\n');
      const b = now.split('\n');
      const line = a.findIndex((l, i) => l !== b[i]);
      throw new Error(`${example}/${stack} differs from its golden copy from line ${line + 1}:\n- ${a[line]}\n+ ${b[line]}\nIf the change is intended: npm run golden, and review the diff.`);
    }
  });
});
