/**
 * A JSON log record that a CloudWatch Logs JSON metric filter pattern matches (pure), so the drill can raise each
 * metric alarm with a synthetic trail record, whatever detections the catalog holds. Supports what the filter syntax
 * offers for JSON ("Filter pattern syntax for metric filters"): `$.a.b = "x"` (with `*` wildcards), `!=`, numbers and
 * `<` `>` `<=` `>=`, `EXISTS`, `NOT EXISTS`, `IS NULL`, `IS TRUE`, `IS FALSE`, `&&`, `||`, parentheses. A `%regex%`
 * value cannot be satisfied in general: such a pattern is reported, never guessed. The drill checks each record with
 * the service's own TestMetricFilter before it writes it.
 */

const FILLER = 'rootlock-drill';

type Constraint = { eq?: unknown; ne: unknown[]; exists?: boolean; gt?: number; lt?: number };
type State = Map<string, Constraint>;
type Node = { op: '&&' | '||'; left: Node; right: Node } | { path: string; test: string; value?: unknown };

export class PatternNotSynthesizable extends Error {}

function tokenize(body: string): string[] {
  const tokens: string[] = [];
  const re = /\s*("(?:[^"\\]|\\.)*"|&&|\|\||\(|\)|!=|<=|>=|=|<|>|%[^%]*%|NOT\s+EXISTS|IS\s+NULL|IS\s+TRUE|IS\s+FALSE|EXISTS|\$[^\s=!<>()&|]+|[^\s=!<>()&|"]+)/gy;
  let m: RegExpExecArray | null;
  while ((m = re.exec(body)) !== null) {
    if (m[1] === undefined) break;
    tokens.push(m[1].replace(/\s+/g, ' '));
    if (re.lastIndex >= body.length) break;
  }
  if (tokens.join('').replace(/\s/g, '') !== body.replace(/\s/g, '')) throw new PatternNotSynthesizable(`cannot read the pattern near "${body.slice(re.lastIndex, re.lastIndex + 20)}"`);
  return tokens;
}

function parse(tokens: string[]): Node {
  let i = 0;
  const peek = () => tokens[i];
  const take = () => tokens[i++];
  const or = (): Node => {
    let left = and();
    while (peek() === '||') {
      take();
      left = { op: '||', left, right: and() };
    }
    return left;
  };
  const and = (): Node => {
    let left = atom();
    while (peek() === '&&') {
      take();
      left = { op: '&&', left, right: atom() };
    }
    return left;
  };
  const atom = (): Node => {
    if (peek() === '(') {
      take();
      const inner = or();
      if (take() !== ')') throw new PatternNotSynthesizable('unbalanced parentheses');
      return inner;
    }
    const path = take();
    if (!path?.startsWith('$.')) throw new PatternNotSynthesizable(`expected a $.selector, found ${path}`);
    const test = take();
    if (['NOT EXISTS', 'EXISTS', 'IS NULL', 'IS TRUE', 'IS FALSE'].includes(test)) return { path: path.slice(2), test };
    const raw = take();
    if (raw === undefined) throw new PatternNotSynthesizable(`no value after ${path} ${test}`);
    if (raw.startsWith('%')) throw new PatternNotSynthesizable(`${path} ${test} ${raw}: a regular expression cannot be satisfied in general`);
    const value = raw.startsWith('"') ? (JSON.parse(raw) as string) : /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
    return { path: path.slice(2), test, value };
  };
  const tree = or();
  if (i !== tokens.length) throw new PatternNotSynthesizable(`unexpected "${tokens[i]}"`);
  return tree;
}

function apply(state: State, path: string, change: (c: Constraint) => boolean): State | undefined {
  const next = new Map([...state].map(([k, v]) => [k, { ...v, ne: [...v.ne] }]));
  const c = next.get(path) ?? { ne: [] };
  next.set(path, c);
  return change(c) ? next : undefined;
}

function leaf(state: State, node: { path: string; test: string; value?: unknown }): State | undefined {
  const { path, test, value } = node;
  const concrete = typeof value === 'string' ? value.replace(/\*/g, FILLER) : value;
  return apply(state, path, (c) => {
    if (test === 'NOT EXISTS') return c.exists !== true && c.eq === undefined && (c.exists = false) === false;
    if (c.exists === false) return false;
    c.exists = true;
    const setEq = (v: unknown) => (c.eq === undefined || c.eq === v) && !c.ne.includes(v) && ((c.eq = v), true);
    if (test === 'EXISTS') return true;
    if (test === 'IS NULL') return setEq(null);
    if (test === 'IS TRUE') return setEq(true);
    if (test === 'IS FALSE') return setEq(false);
    if (test === '=') return setEq(concrete);
    if (test === '!=') return c.eq !== value && (c.ne.push(value), true);
    if (typeof value !== 'number') return false;
    if (test === '>' || test === '>=') c.gt = Math.max(c.gt ?? -Infinity, test === '>' ? value + 1 : value);
    if (test === '<' || test === '<=') c.lt = Math.min(c.lt ?? Infinity, test === '<' ? value - 1 : value);
    return (c.gt ?? -Infinity) <= (c.lt ?? Infinity);
  });
}

function* solve(node: Node, state: State): Generator<State> {
  if ('op' in node) {
    if (node.op === '||') {
      yield* solve(node.left, state);
      yield* solve(node.right, state);
      return;
    }
    for (const s of solve(node.left, state)) yield* solve(node.right, s);
    return;
  }
  const next = leaf(state, node);
  if (next) yield next;
}

function setPath(doc: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = doc;
  for (const part of parts.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
  node[parts[parts.length - 1]] = value;
}

/** A record the pattern matches; `defaults` fill top-level fields the pattern does not mention. */
export function recordMatching(pattern: string, defaults: Record<string, unknown> = {}): Record<string, unknown> {
  const text = pattern.trim();
  if (!text.startsWith('{') || !text.endsWith('}')) throw new PatternNotSynthesizable('only JSON patterns ({ ... }) can be synthesized');
  const first = solve(parse(tokenize(text.slice(1, -1))), new Map()).next();
  if (first.done) throw new PatternNotSynthesizable('no record can satisfy every condition of the pattern');
  const doc: Record<string, unknown> = {};
  for (const [path, c] of [...first.value].sort(([a], [b]) => a.localeCompare(b))) {
    if (c.exists === false) continue;
    const value = c.eq !== undefined ? c.eq : c.gt !== undefined || c.lt !== undefined ? (c.gt !== undefined && c.gt !== -Infinity ? c.gt : c.lt) : FILLER;
    setPath(doc, path, value);
  }
  const mentioned = new Set([...first.value.keys()].map((p) => p.split('.')[0]));
  for (const [key, value] of Object.entries(defaults)) if (!mentioned.has(key)) doc[key] = value;
  return doc;
}
