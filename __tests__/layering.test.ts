/** The design's layering, enforced on every import of the product (see LAYERS for each rule and its reason). */
import * as fs from 'fs';
import * as path from 'path';
import { LAYERS, productFiles, violationsOf } from './support/layering';

const ROOT = path.join(__dirname, '..');

test('no product file makes an import the layering forbids', () => {
  const violations = productFiles(ROOT).flatMap((f) => violationsOf(f, fs.readFileSync(path.join(ROOT, f), 'utf8')));
  expect(violations.map((v) => `${v.file} imports ${v.imported}: ${v.why}`)).toEqual([]);
});

test('the check reads the real tree (stacks, modules, renderers are all seen)', () => {
  const files = productFiles(ROOT);
  for (const f of ['main.ts', 'stacks/app.ts', 'modules/break-glass-role.ts', 'runbooks/break-glass.ts', 'config/model.ts', 'review/rules.ts']) expect(files).toContain(f);
});

describe('a planted bad import fails the check', () => {
  const planted: Array<[string, string, RegExp]> = [
    ['runbooks/break-glass.ts', "import { App } from 'cdktf';", /pure functions/],
    ['policies/scp.ts', "import { Construct } from 'constructs';", /pure functions/],
    ['config/model.ts', "import { SecurityStack } from '../stacks/security-stack';", /resolves the model/],
    ['modules/alert-topic.ts', "import { buildApp } from '../stacks/app';", /stacks compose modules/],
    ['stacks/security-stack.ts', "import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';", /only compose modules/],
    ['runbooks/after-use.ts', "import { renderBreakGlass } from './break-glass';", /never through each other/],
    ['review/rules.ts', "import { simulate } from '@cloud-copilot/iam-simulate';", /test-only/],
    ['main.ts', "import { startEmulator } from './__tests__/support/emulator';", /test-only/],
  ];
  test.each(planted)('%s: %s', (file, line, why) => {
    const v = violationsOf(file, `${line}\nexport const x = 1;\n`);
    expect(v.length).toBeGreaterThan(0);
    expect(v[0].why).toMatch(why);
  });

  test('allowed imports pass', () => {
    expect(violationsOf('runbooks/after-use.ts', "import { fence } from './markdown';\nimport { people } from './common';")).toEqual([]);
    expect(violationsOf('stacks/app.ts', "import { App } from 'cdktf';\nimport { BreakGlassRole } from '../modules/break-glass-role';")).toEqual([]);
    expect(LAYERS.every((l) => l.why.length > 20)).toBe(true);
  });
});
