/**
 * Selective synthesis: `ROOTLOCK_STACKS=<name or glob>,...` picks stacks from the graph; what they depend on comes with
 * them (a manifest whose stacks name a dependency it lacks is not one cdktf can order). Globs: `*` is any run of
 * characters and `?` one character, as in the stack arguments of `cdktf deploy` (whose minimatch patterns mean the same
 * for stack names, which never contain `/`).
 */
import { StackNode, withDependencies } from './graph';

export const STACKS_ENV = 'ROOTLOCK_STACKS';

/** Stack names listed in full in an error before the rest are summarized. */
const LISTED_NAMES = 12;

export class StackSelectionError extends Error {}

/** The patterns in ROOTLOCK_STACKS, or undefined when it is not set (every stack). */
export function stackPatternsFromEnv(env: NodeJS.ProcessEnv = process.env): string[] | undefined {
  const value = env[STACKS_ENV];
  if (value === undefined) return undefined;
  const patterns = value
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  if (!patterns.length) throw new StackSelectionError(`${STACKS_ENV} is set but names no stack: unset it to synthesize every stack, or give names or globs separated by commas`);
  return patterns;
}

function globToRegExp(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

function validNames(graph: StackNode[]): string {
  const names = graph.map((n) => n.name);
  if (names.length <= LISTED_NAMES) return names.join(', ');
  const others = names.length - LISTED_NAMES;
  return `${names.slice(0, LISTED_NAMES).join(', ')} and ${others} more (baseline-<account name> for every account; globs like 'baseline-*' work)`;
}

/**
 * The stacks matching `patterns` and their dependencies, in deploy order; every stack when `patterns` is undefined.
 * Throws StackSelectionError (one line, naming ROOTLOCK_STACKS and the valid names) when a pattern matches nothing.
 */
export function selectStacks(graph: StackNode[], patterns: string[] | undefined): StackNode[] {
  if (patterns === undefined) return graph;
  const unmatched: string[] = [];
  const chosen = new Set<string>();
  for (const pattern of patterns) {
    const re = globToRegExp(pattern);
    const hits = graph.filter((n) => re.test(n.name));
    if (!hits.length) unmatched.push(pattern);
    hits.forEach((n) => chosen.add(n.name));
  }
  if (unmatched.length) {
    throw new StackSelectionError(
      `${STACKS_ENV}: ${unmatched.map((p) => JSON.stringify(p)).join(', ')} ${unmatched.length === 1 ? 'matches' : 'match'} no stack. Valid stack names: ${validNames(graph)}`,
    );
  }
  return withDependencies(graph, chosen);
}
