/** The architecture, enforced on every import of the product: an allow-list of layers, transitive bans, no cycles. */
import * as fs from 'fs';
import * as path from 'path';
import { cyclesOf, importGraph, LAYERS, layerOf, productFiles, runtimeImportsOf, transitiveViolations, TRANSITIVE_BANS, violationsOf } from './support/layering';

const ROOT = path.join(__dirname, '..');
const files = productFiles(ROOT);
const graph = importGraph(ROOT, files);

test('every product file imports only what its layer allows', () => {
  const violations = files.flatMap((f) => violationsOf(f, fs.readFileSync(path.join(ROOT, f), 'utf8')));
  expect(violations.map((v) => `${v.file} imports ${v.imported}: ${v.why}`)).toEqual([]);
});

test('no file needs itself back through any chain at run time (no cycles)', () => {
  expect(cyclesOf(importGraph(ROOT, files, { runtime: true })).map((c) => c.join(' <-> '))).toEqual([]);
});

test('type-only imports are told apart from the ones a module needs to load', () => {
  const src = ["import type { A } from './a';", "import { type B, type C } from './b';", "import { d, type E } from './d';", "import f from './f';", "export { g } from './g';", "export type { H } from './h';"].join('\n');
  expect(runtimeImportsOf('config/x.ts', src)).toEqual(['config/d', 'config/f', 'config/g']);
});

test('no layer reaches what it is banned from, however many imports away', () => {
  expect(transitiveViolations(graph).map((v) => `${v.file}: ${v.imported}: ${v.why}`)).toEqual([]);
});

test('the check reads the real tree (every layer has files, stacks, modules and renderers are all seen)', () => {
  for (const f of ['main.ts', 'stacks/app.ts', 'modules/break-glass-role.ts', 'runbooks/break-glass.ts', 'config/model.ts', 'review/rules.ts']) expect(files).toContain(f);
  for (const layer of Object.keys(LAYERS)) expect(files.some((f) => layerOf(f) === layer)).toBe(true);
  expect(Object.values(LAYERS).every((l) => l.why.length > 20)).toBe(true);
  expect(TRANSITIVE_BANS.every((b) => b.why.length > 20)).toBe(true);
});

describe('planted violations fail the check', () => {
  const planted: Array<[string, string, RegExp]> = [
    ['runbooks/break-glass.ts', "import { App } from 'cdktf';", /runbooks\/ may use only the packages/],
    ['policies/scp.ts', "import { Construct } from 'constructs';", /policies\/ may use only the packages/],
    ['config/model.ts', "import { SecurityStack } from '../stacks/security-stack';", /config\/ may import only/],
    ['modules/alert-topic.ts', "import { buildApp } from '../stacks/app';", /modules\/ may import only/],
    ['stacks/security-stack.ts', "import { scpDocument } from '../policies/scp';", /stacks\/ may import only/],
    ['audit/report.ts', "import { people } from '../runbooks/common';", /audit\/ may import only/],
    ['review/rules.ts', "import { simulate } from '@cloud-copilot/iam-simulate';", /review\/ may use only the packages/],
    ['main.ts', "import { startEmulator } from './__tests__/support/emulator';", /main.ts may import only/],
    ['newfolder/thing.ts', "import { x } from '../config/model';", /outside every layer/],
  ];
  test.each(planted)('%s: %s', (file, line, why) => {
    const v = violationsOf(file, `${line}\nexport const x = 1;\n`);
    expect(v.length).toBeGreaterThan(0);
    expect(v[0].why).toMatch(why);
  });

  test('allowed imports pass', () => {
    expect(violationsOf('runbooks/after-use.ts', "import { fence } from '../render/markdown';\nimport { x } from '../config/model';")).toEqual([]);
    expect(violationsOf('stacks/app.ts', "import { App } from 'cdktf';\nimport { BreakGlassRole } from '../modules/break-glass-role';")).toEqual([]);
  });

  test('a planted cycle is found, with every file in it', () => {
    const g = new Map([
      ['config/a.ts', ['detections/b.ts']],
      ['detections/b.ts', ['detections/c.ts']],
      ['detections/c.ts', ['config/a.ts', 'zod']],
      ['policies/d.ts', ['config/a.ts']],
    ]);
    expect(cyclesOf(g)).toEqual([['config/a.ts', 'detections/b.ts', 'detections/c.ts']]);
    expect(cyclesOf(new Map([['policies/d.ts', ['config/a.ts']], ['config/a.ts', []]]))).toEqual([]);
    expect(cyclesOf(new Map([['config/self.ts', ['config/self.ts']]]))).toEqual([['config/self.ts']]);
  });

  test('a planted transitive reach is found, with its chain', () => {
    const g = new Map([
      ['runbooks/r.ts', ['policies/p.ts']],
      ['policies/p.ts', ['modules/m.ts']],
      ['modules/m.ts', ['cdktf']],
    ]);
    const v = transitiveViolations(g);
    expect(v.map((x) => x.imported)).toContain('runbooks/r.ts -> policies/p.ts -> modules/m.ts -> cdktf');
    expect(transitiveViolations(new Map([['runbooks/r.ts', ['policies/p.ts']], ['policies/p.ts', []]]))).toEqual([]);
  });
});
