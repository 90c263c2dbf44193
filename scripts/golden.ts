/**
 * Golden copies of every stack of the bundled examples (`__tests__/golden/<example>/<stack>.tf.json`): the synthesized
 * Terraform, byte for byte. They guard the output against what no unit test names: a cdktf or provider-bindings move
 * (cdktf is archived; the cdktn fork or plain Terraform must produce the same files), a refactor that was meant to
 * change nothing. `npm run golden` rewrites them after an intended change; review their diff like any other.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadConfigFile } from '../config/load';
import { resolveModel } from '../config/model';
import { synthesize, deployOrder } from '../stacks/app';

const ROOT = path.join(__dirname, '..');
export const GOLDEN_DIR = path.join(ROOT, '__tests__', 'golden');
export const GOLDEN_EXAMPLES = ['example-org', 'minimal-org'];

/** Every stack of one bundled example, synthesized now: stack name -> cdk.tf.json text. */
export function synthesizedStacks(example: string): Map<string, string> {
  const model = resolveModel(loadConfigFile(path.join(ROOT, 'examples', `${example}.yaml`)));
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'rootlock-golden-'));
  try {
    synthesize(model, out);
    return new Map(deployOrder(model).map((stack) => [stack, fs.readFileSync(path.join(out, 'stacks', stack, 'cdk.tf.json'), 'utf8')]));
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

export function goldenFile(example: string, stack: string): string {
  return path.join(GOLDEN_DIR, example, `${stack}.tf.json`);
}

if (require.main === module) {
  for (const example of GOLDEN_EXAMPLES) {
    const dir = path.join(GOLDEN_DIR, example);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    const stacks = synthesizedStacks(example);
    for (const [stack, text] of stacks) fs.writeFileSync(goldenFile(example, stack), text);
    process.stdout.write(`${path.relative(ROOT, dir)}: ${stacks.size} stacks\n`);
  }
}
