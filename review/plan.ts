/**
 * Terraform plans as written by `terraform show -json PLANFILE` (format 1.x), read and checked, with the lookups the
 * rules need: what kind of change each resource gets, and names for the ids a change refers to (an attachment's policy
 * and OU), taken from the prior state and the planned values.
 */
import * as fs from 'fs';
import * as path from 'path';
import { TAGS } from '../config/contract';

export type PlanAction = 'no-op' | 'create' | 'read' | 'update' | 'delete' | 'forget';
export type ChangeKind = 'create' | 'update' | 'replace' | 'delete' | 'forget' | 'no-op' | 'read';

export type Values = Record<string, unknown>;

export interface ResourceChange {
  address: string;
  module_address?: string;
  previous_address?: string;
  mode: 'managed' | 'data';
  type: string;
  name: string;
  index?: string | number;
  provider_name?: string;
  action_reason?: string;
  change: {
    actions: PlanAction[];
    before: Values | null;
    after: Values | null;
    after_unknown?: Record<string, unknown>;
    replace_paths?: unknown[];
  };
}

interface StateResource {
  address: string;
  mode: string;
  type: string;
  name: string;
  values?: Values;
}
interface StateModule {
  resources?: StateResource[];
  child_modules?: StateModule[];
}

export interface TerraformPlan {
  format_version: string;
  terraform_version?: string;
  resource_changes?: ResourceChange[];
  resource_drift?: ResourceChange[];
  prior_state?: { values?: { root_module?: StateModule } };
  planned_values?: { root_module?: StateModule };
  errored?: boolean;
  complete?: boolean;
  applyable?: boolean;
  configuration?: { provider_config?: Record<string, { expressions?: { default_tags?: Array<{ tags?: { constant_value?: Record<string, string> } }> } }> };
}

export interface StackPlan {
  /**
   * Stack name: from `NAME=FILE`, else the file name (`management.json`, `management.plan.json`), else (for a generic
   * name like plan.json) the `RootlockStack` default tag in the plan's provider configuration, else the folder.
   */
  stack: string;
  file: string;
  plan: TerraformPlan;
}

/** Bad input: reported as one clear line, exit code 1. */
export class ReviewInputError extends Error {}

export function kindOf(actions: PlanAction[]): ChangeKind {
  const a = [...actions].sort().join(',');
  switch (a) {
    case 'create':
      return 'create';
    case 'update':
      return 'update';
    case 'delete':
      return 'delete';
    case 'create,delete':
      return 'replace';
    case 'forget':
      return 'forget';
    case 'read':
      return 'read';
    case 'create,forget':
      // Terraform 1.7+: `removed { lifecycle { destroy = false } }` with a new object: the old one is left running.
      return 'replace';
    default:
      return 'no-op';
  }
}

const GENERIC_BASENAMES = new Set(['plan', 'tfplan', 'plan.json', 'show', 'out']);

/** The `RootlockStack` default tag every rootlock stack sets on its providers. */
export function stackNameFromPlan(plan: TerraformPlan): string | undefined {
  for (const p of Object.values(plan.configuration?.provider_config ?? {})) {
    for (const dt of p.expressions?.default_tags ?? []) {
      const name = dt.tags?.constant_value?.[TAGS.stack];
      if (typeof name === 'string' && name) return name;
    }
  }
  return undefined;
}

export function stackNameFromFile(file: string, plan?: TerraformPlan): string {
  const base = path.basename(file).replace(/\.json$/i, '').replace(/[.-](tf)?plan$/i, '');
  if (base && !GENERIC_BASENAMES.has(base.toLowerCase())) return base;
  const tagged = plan && stackNameFromPlan(plan);
  if (tagged) return tagged;
  // plans/<stack>/plan.json, or cdktf.out/stacks/<stack>/plan.json
  return path.basename(path.dirname(path.resolve(file)));
}

/** Checks that `raw` is the JSON of a saved plan (not of a state, not `terraform plan` text). */
export function asPlan(raw: unknown, source: string): TerraformPlan {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ReviewInputError(`${source}: not a Terraform plan (expected a JSON object from \`terraform show -json PLANFILE\`)`);
  }
  const p = raw as Record<string, unknown>;
  if (typeof p.format_version !== 'string') {
    throw new ReviewInputError(`${source}: not a Terraform plan (no "format_version"; write it with \`terraform show -json PLANFILE > ${path.basename(source)}\`)`);
  }
  if (!/^1\./.test(p.format_version)) {
    throw new ReviewInputError(`${source}: plan JSON format ${p.format_version} is not supported (expected 1.x, Terraform >= 1.0)`);
  }
  if (!('planned_values' in p) && !('resource_changes' in p)) {
    if ('values' in p) throw new ReviewInputError(`${source}: this is a state, not a plan: run \`terraform plan -out=PLANFILE\` and \`terraform show -json PLANFILE\``);
    throw new ReviewInputError(`${source}: not a Terraform plan (neither "resource_changes" nor "planned_values")`);
  }
  if (p.resource_changes !== undefined && !Array.isArray(p.resource_changes)) {
    throw new ReviewInputError(`${source}: "resource_changes" is not a list`);
  }
  for (const rc of (p.resource_changes as unknown[]) ?? []) {
    const r = rc as ResourceChange;
    if (!r || typeof r.type !== 'string' || typeof r.address !== 'string' || !r.change || !Array.isArray(r.change.actions)) {
      throw new ReviewInputError(`${source}: a resource change lacks address, type or change.actions`);
    }
  }
  return raw as TerraformPlan;
}

/** `FILE` or `STACK=FILE`. */
export function readPlanFile(arg: string): StackPlan {
  const m = /^([A-Za-z0-9_.-]+)=(.+)$/.exec(arg);
  const file = m && !fs.existsSync(arg) ? m[2] : arg;
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ReviewInputError(`${file}: cannot read (${code === 'ENOENT' ? 'no such file' : code ?? String(e)})`);
  }
  if (/^\s*$/.test(text)) throw new ReviewInputError(`${file}: empty file (did \`terraform show -json\` fail?)`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    const hint = /^\s*(Terraform|─|Plan:|No changes)/.test(text) ? ': this looks like `terraform plan` text; give the JSON of `terraform show -json PLANFILE`' : '';
    throw new ReviewInputError(`${file}: not valid JSON (${(e as Error).message})${hint}`);
  }
  const plan = asPlan(raw, file);
  return { stack: m && file === m[2] ? m[1] : stackNameFromFile(file, plan), file, plan };
}

/** Every managed resource's values by id and by address, from the prior state and the planned values. */
export class PlanIndex {
  private readonly byId = new Map<string, StateResource>();
  private readonly byAddress = new Map<string, StateResource>();

  constructor(plan: TerraformPlan) {
    const visit = (m: StateModule | undefined) => {
      for (const r of m?.resources ?? []) {
        if (r.mode !== 'managed') continue;
        this.byAddress.set(r.address, r);
        const id = r.values?.id;
        if (typeof id === 'string' && id && !this.byId.has(id)) this.byId.set(id, r);
      }
      for (const c of m?.child_modules ?? []) visit(c);
    };
    visit(plan.prior_state?.values?.root_module);
    visit(plan.planned_values?.root_module);
  }

  resourceById(id: unknown): StateResource | undefined {
    return typeof id === 'string' ? this.byId.get(id) : undefined;
  }

  /** "rootlock-root-deny (p-abc123)" for a policy id, "Workloads (ou-ab12-...)" for an OU id, else the id. */
  describeId(id: unknown): string {
    if (typeof id !== 'string' || !id) return 'an id known only after apply';
    const r = this.byId.get(id);
    const name = r?.values?.name;
    if (typeof name === 'string' && name) return `${name} (${id})`;
    if (/^r-/.test(id)) return `the organization root (${id})`;
    if (/^\d{12}$/.test(id)) return `account ${id}`;
    return id;
  }
}
