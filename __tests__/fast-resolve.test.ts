/**
 * The one-pass writer (resolvedJson) writes exactly stableJson(resolveFragment(...)) for every kind of value cdktf
 * puts in a fragment, tokens included; merging fragments before resolving gives what merging after gives, or refuses;
 * and a stack whose document cannot be merged unresolved is still written with cdktf's bytes.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Fn, Lazy, TerraformLocal, TerraformOutput, TerraformStack, TerraformVariable, Token } from 'cdktf';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { deepMerge } from 'cdktf/lib/util';
import { MergeNeedsResolvedFragments, mergeUnresolved, resolvedJson, resolveFragment, stableJson } from '../stacks/fast-resolve';
import { stackJson, withFastCdktfHelpers } from '../stacks/fast-synth';
import { buildApp } from '../stacks/app';
import { stackGraph } from '../stacks/graph';
import { exampleModel } from './support/example';

function tokenStack() {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'rootlock-resolve-')), stackTraces: false });
  const stack = new TerraformStack(app, 'tokens');
  const name = new TerraformVariable(stack, 'name', { type: 'string' });
  const list = new TerraformVariable(stack, 'list', { type: 'list(string)' });
  const count = new TerraformVariable(stack, 'count', { type: 'number' });
  return { app, stack, name, list, count };
}

describe('resolvedJson', () => {
  const { stack, name, list, count } = tokenStack();
  const cases: Array<[string, unknown]> = [
    ['plain data', { b: 'x', a: [1, true, null, 'y'], c: {} }],
    ['undefined in objects and arrays (dropped, not null)', { a: undefined, b: [undefined, 1, undefined], c: [undefined] }],
    ['a string with a token, alone and inside text', { arn: name.stringValue, text: `role/${name.stringValue}/x` }],
    ['the same token string twice (remembered)', { a: name.stringValue, b: [name.stringValue, name.stringValue] }],
    ['a list token', { ids: list.listValue, nested: [list.listValue] }],
    ['a number token', { n: count.numberValue, m: [count.numberValue], big: 2 ** 60 }],
    ['a resolvable object and a lazy value', { lazy: Lazy.stringValue({ produce: () => 'made late' }), fn: Fn.join(',', list.listValue) }],
    ['a token inside a key', { [`key-${name.stringValue}`]: 'v' }],
    ['number-like strings and map token values', { e: '1e5', word: 'rootlock-events' }],
    ['empty arrays and objects at depth', { a: [[], {}], b: { c: { d: [] } } }],
  ];
  it.each(cases)('writes stableJson(resolveFragment(...)) exactly: %s', (_, value) => {
    expect(resolvedJson(stack, value, new Map())).toBe(stableJson(resolveFragment(stack, value)));
  });

  it('refuses a function (a toJSON of its own included) with the error cdktf gives', () => {
    const value = { t: { toJSON: () => ({ z: 1 }) } };
    expect(() => resolveFragment(stack, value)).toThrow(/Trying to resolve a non-data object/);
    expect(() => resolvedJson(stack, value, new Map())).toThrow(/Trying to resolve a non-data object/);
  });
});

describe('mergeUnresolved', () => {
  const { stack, name, list } = tokenStack();
  const resolvedThenMerged = (fragments: Array<Record<string, unknown>>) => {
    const tf = {};
    for (const f of fragments) deepMerge(tf, resolveFragment(stack, f));
    return stableJson(tf);
  };
  const mergedThenResolved = (fragments: Array<Record<string, unknown>>) => {
    const tf = {};
    const owned = new WeakSet<object>();
    for (const f of fragments) mergeUnresolved(tf, f, owned);
    return resolvedJson(stack, tf, new Map());
  };

  it('gives what merging resolved fragments gives: wrappers merged, arrays concatenated, nothing a fragment holds changed', () => {
    const shared = { aws_x: { one: { name: name.stringValue } } };
    const fragments = [
      { resource: shared, import: [{ id: 'a', to: 'aws_x.one' }] },
      { resource: { aws_x: { two: { name: 'plain', tags: undefined } }, aws_y: { three: { list: list.listValue } } }, import: [{ id: 'b', to: 'aws_x.two' }] },
      { terraform: { required_providers: { aws: { source: 'hashicorp/aws' } } }, resource: { aws_y: { four: { n: 1 } } } },
    ];
    const before = JSON.stringify(shared);
    expect(mergedThenResolved(fragments)).toBe(resolvedThenMerged(fragments));
    expect(JSON.stringify(shared)).toBe(before);
  });

  it.each([
    ['a token where a fragment already has a value', [{ a: { b: 'x' } }, { a: { b: name.stringValue } }]],
    ['a list token array meeting an array', [{ a: ['x'] }, { a: list.listValue }]],
    ['an object meeting a string', [{ a: 'x' }, { a: { b: 1 } }]],
  ])('refuses where merging first might differ: %s', (_, fragments) => {
    const tf = {};
    const owned = new WeakSet<object>();
    expect(() => fragments.forEach((f) => mergeUnresolved(tf, f as Record<string, unknown>, owned))).toThrow(MergeNeedsResolvedFragments);
  });
});

describe('stackJson', () => {
  it('writes every example stack in one pass (never through toTerraform), with the bytes of the resolved document', () => {
    const model = exampleModel();
    const app = buildApp(model, fs.mkdtempSync(path.join(os.tmpdir(), 'rootlock-stackjson-')));
    const stacks = app.node.children.filter(TerraformStack.isStack);
    expect(stacks.map((s) => s.node.id)).toEqual(stackGraph(model).map((n) => n.name));
    for (const stack of stacks) {
      stack.prepareStack();
      const expected = stableJson(stack.toTerraform());
      const resolvedPath = jest.spyOn(stack, 'toTerraform');
      expect({ stack: stack.node.id, json: stackJson(stack) }).toEqual({ stack: stack.node.id, json: expected });
      expect(resolvedPath).not.toHaveBeenCalled();
    }
  });

  it('writes a stack with overrides of its own through the resolved document, with the same bytes as stableJson(toTerraform())', () => {
    const { stack, name } = tokenStack();
    new TerraformOutput(stack, 'out', { value: Token.asString(name.stringValue) });
    stack.addOverride('terraform.required_version', '>= 1.5');
    expect(stackJson(stack)).toBe(stableJson(stack.toTerraform()));
    expect(JSON.parse(stackJson(stack)).terraform.required_version).toBe('>= 1.5');
  });

  it('while synthesizing, every resource that depends on one target shares one token for it: the same bytes, one resolution', () => {
    const alarms = (shared: boolean) => {
      const { stack } = tokenStack();
      new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
      const target = new TerraformLocal(stack, 'role', 'x');
      const build = () => [1, 2, 3].map((i) => new CloudwatchMetricAlarm(stack, `a${i}`, { alarmName: `a${i}`, comparisonOperator: 'GreaterThanThreshold', evaluationPeriods: 1, dependsOn: [target] }));
      const made = shared ? withFastCdktfHelpers(build) : build();
      return { stack, tokens: new Set(made.map((a) => a.dependsOn![0])) };
    };
    const stock = alarms(false);
    const fast = alarms(true);
    expect(stock.tokens.size).toBe(3);
    expect(fast.tokens.size).toBe(1);
    expect(stackJson(fast.stack)).toBe(stackJson(stock.stack));
    expect(JSON.parse(stackJson(fast.stack)).resource.aws_cloudwatch_metric_alarm.a2.depends_on).toEqual(['local.role']);
  });

  it("while synthesizing, one resource attribute named many times is one token (another resource's is another): the same bytes", () => {
    const targets = (shared: boolean) => {
      const { stack } = tokenStack();
      new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
      const build = () => {
        const [one, two] = ['one', 'two'].map((n) => new SnsTopic(stack, n, { name: n }));
        const arns = [one.arn, one.arn, two.arn];
        arns.forEach((arn, i) => new CloudwatchMetricAlarm(stack, `a${i}`, { alarmName: `a${i}`, comparisonOperator: 'GreaterThanThreshold', evaluationPeriods: 1, alarmActions: [arn] }));
        return arns;
      };
      return { stack, tokens: shared ? withFastCdktfHelpers(build) : build() };
    };
    const stock = targets(false);
    const fast = targets(true);
    expect(new Set(stock.tokens).size).toBe(3);
    expect(fast.tokens[0]).toBe(fast.tokens[1]);
    expect(fast.tokens[2]).not.toBe(fast.tokens[0]);
    expect(stackJson(fast.stack)).toBe(stackJson(stock.stack));
    expect(JSON.parse(stackJson(fast.stack)).resource.aws_cloudwatch_metric_alarm.a2.alarm_actions).toEqual(['${aws_sns_topic.two.arn}']);
  });
});
