/** A Terraform plan of only synthetic changes, for resource types the emulator cannot deploy and edits it does not make. */
import { asPlan, ResourceChange, TerraformPlan } from '../../review/plan';

export type SyntheticChange = Partial<ResourceChange> & { type: string; actions: ResourceChange['change']['actions']; before?: object | null; after?: object | null };

export function synthetic(...changes: SyntheticChange[]): TerraformPlan {
  return asPlan(
    {
      format_version: '1.2',
      terraform_version: '1.11.4',
      planned_values: { root_module: {} },
      resource_changes: changes.map((c, i) => ({
        address: `${c.type}.r${i}`,
        mode: 'managed',
        type: c.type,
        name: `r${i}`,
        change: { actions: c.actions, before: c.before ?? null, after: c.after ?? null, after_unknown: {} },
      })),
    },
    'synthetic',
  );
}
