/**
 * Every synthesized stack of the example and of the minimal configuration passes `terraform init` and
 * `terraform validate` against the real hashicorp/aws provider schema, with no errors and no warnings.
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadConfigFile } from '../config/load';
import { resolveModel } from '../config/model';
import { deployOrder, synthesize } from '../stacks/app';
import { describeWithTools } from './support/tools';
import { describeResult, scratchDir, terraformInit, terraformValidate } from './support/terraform';

const EXAMPLES = path.join(__dirname, '..', 'examples');

async function inBatches<T>(items: T[], size: number, fn: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

describeWithTools(['terraform'], 'the Terraform validation tests')('terraform validate with the real provider', () => {
  it.each(['example-org.yaml', 'minimal-org.yaml'])('%s: every stack validates with no errors and no warnings', async (file) => {
    const model = resolveModel(loadConfigFile(path.join(EXAMPLES, file)));
    const out = scratchDir(`validate-${file.replace('.yaml', '')}`);
    synthesize(model, out);
    const stacks = deployOrder(model);
    const timings: string[] = [];
    await inBatches(stacks, 3, async (stack) => {
      const dir = path.join(out, 'stacks', stack);
      const init = await terraformInit(dir);
      if (init.code !== 0) throw new Error(`terraform init failed for ${stack}:\n${describeResult(init)}`);
      const result = await terraformValidate(dir);
      const problems = [...result.errors, ...result.warnings].map((d) => `${stack}: ${d.severity}: ${d.summary}${d.detail ? ` (${d.detail})` : ''}`);
      expect(problems).toEqual([]);
      expect(result.valid).toBe(true);
      timings.push(`${stack} ${init.ms + result.ms} ms`);
    });
    expect(fs.readdirSync(path.join(out, 'stacks')).sort()).toEqual([...stacks].sort());
    process.stdout.write(`terraform validate ${file}: ${timings.join(', ')}\n`);
    // Ten stacks, each loading the 675 MB provider schema: minutes on two shared cores, not a hang.
  }, 900_000);
});
