/**
 * Terraform `import` blocks for resources rootlock adopts (the organization, declared accounts), written straight into
 * the stack. cdktf's `importFrom()` would also add a synth-time check that runs `terraform version` on the
 * synthesizing machine (a process per synth, and a failed synth where Terraform is not installed); Terraform checks
 * import-block support itself where it runs (>= 1.5; rootlock needs >= 1.10 anyway). Every block of a stack goes
 * into one list, in construction order, so one adoption never overwrites another.
 */
import { TerraformResource, TerraformStack } from 'cdktf';

const blocksByStack = new WeakMap<TerraformStack, Array<{ id: string; to: string }>>();

export function importExisting(resource: TerraformResource, id: string): void {
  const stack = TerraformStack.of(resource);
  const blocks = blocksByStack.get(stack) ?? [];
  blocksByStack.set(stack, blocks);
  blocks.push({ id, to: `${resource.terraformResourceType}.${resource.friendlyUniqueId}` });
  stack.addOverride('import', [...blocks]);
}
