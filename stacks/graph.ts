/**
 * The stacks of one organization and what each must be deployed after, as data: the one place the deploy order is
 * decided. `buildApp` turns it into cdktf stack dependencies (so cdktf's manifest says the same), `ROOTLOCK_STACKS`
 * selects from it, and the deploy plan groups it into waves.
 *
 * A dependency here is a deploy-order constraint, not a data flow: no stack reads another's state or outputs (every
 * name and ARN comes from the model), so a stack synthesizes to the same bytes whichever other stacks are built with it.
 *   - security after management: the organization trail and the delegated administrators need trusted access;
 *   - each baseline after security: its forwarding rules target the central bus;
 *   - config-rules after every baseline: an organization Config rule fails in an account without a recorder.
 */
import type { Model } from '../config/model';

export type StackKind = 'management' | 'security' | 'baseline' | 'config-rules';

export interface StackNode {
  name: string;
  kind: StackKind;
  /** Stacks that must be deployed before this one (direct dependencies only). */
  dependsOn: string[];
}

/** Every stack of the organization, in deploy order (each after all of its dependencies). */
export function stackGraph(model: Model): StackNode[] {
  const names = model.stackNames;
  const baselines: StackNode[] = model.allAccounts.map((a) => ({ name: a.stackName, kind: 'baseline', dependsOn: [names.security] }));
  return [
    { name: names.management, kind: 'management', dependsOn: [] },
    { name: names.security, kind: 'security', dependsOn: [names.management] },
    ...baselines,
    ...(model.monitoring.config ? [{ name: names.configRules, kind: 'config-rules' as const, dependsOn: baselines.map((b) => b.name) }] : []),
  ];
}

/** The nodes named, plus everything they depend on (transitively), in the graph's deploy order. */
export function withDependencies(graph: StackNode[], names: Iterable<string>): StackNode[] {
  const byName = new Map(graph.map((n) => [n.name, n]));
  const keep = new Set<string>();
  const visit = (name: string) => {
    if (keep.has(name)) return;
    const node = byName.get(name);
    if (!node) throw new Error(`unknown stack ${name}`);
    keep.add(name);
    node.dependsOn.forEach(visit);
  };
  for (const n of names) visit(n);
  return graph.filter((n) => keep.has(n.name));
}
