/** stableJson writes exactly what cdktf 0.21's json-stable-stringify({ space: 2 }) writes, and refuses what it refuses. */
import * as path from 'path';
import { stableJson } from '../stacks/fast-resolve';

// The copy cdktf itself loads (its own dependency), not whatever version sits at the top of node_modules.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const stock = require(require.resolve('json-stable-stringify', { paths: [path.dirname(require.resolve('cdktf'))] })) as (v: unknown, o: { space: number }) => string | undefined;

describe('stableJson', () => {
  const cases: Array<[string, unknown]> = [
    ['a Terraform document', { resource: { aws_b: { z: { name: 'z', depends_on: ['aws_a.x'] } }, aws_a: { x: { count: 2, enabled: true, tags: {} } } }, '//': { metadata: { version: '0.21.0' } } }],
    ['empty arrays and objects at every depth', { a: [], b: {}, c: [[], {}, [[]]], d: { e: { f: [] } } }],
    ['undefined, functions and symbols: dropped from objects, null in arrays', { a: undefined, b: () => 1, c: Symbol('s'), d: [undefined, () => 1, Symbol('s'), 1] }],
    ['keys sorted by code unit, integer-like keys included', { b: 1, a: 2, '10': 3, '9': 4, B: 5, _: 6, é: 7, 'a-b': 8, a_b: 9 }],
    ['strings JSON must escape', { s: 'quote " backslash \\ newline \n tab \t nul \u0000 line sep \u2028 ${aws_x.y.arn}', ['k"\n']: 'v' }],
    ['numbers, booleans, null', { n: [0, -0, 1.5, 1e21, -123456789, NaN, Infinity], t: true, f: false, z: null }],
    ['toJSON, as JSON.stringify calls it', { d: new Date(0), o: { toJSON: () => ({ y: 1, x: [2] }) } }],
    ['a top-level array', [1, { b: 2, a: [] }]],
    ['a top-level string', 'plain'],
    ['top-level undefined', undefined],
  ];
  it.each(cases)('writes the same bytes as json-stable-stringify: %s', (_, value) => {
    expect(stableJson(value)).toBe(stock(value, { space: 2 }));
  });

  it('refuses a cycle, as json-stable-stringify does, but not a value shared by two branches', () => {
    const shared = { x: 1 };
    expect(stableJson({ a: shared, b: [shared] })).toBe(stock({ a: shared, b: [shared] }, { space: 2 }));
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = { back: cyclic };
    expect(() => stock(cyclic, { space: 2 })).toThrow(TypeError);
    expect(() => stableJson(cyclic)).toThrow(new TypeError('Converting circular structure to JSON'));
  });
});
