/**
 * Partitions: every ARN rootlock writes starts `arn:aws:` (config/arn.ts), so a configuration in another partition
 * (GovCloud, China, ISO) is refused with a clear error before anything is synthesized, never deployed with wrong ARNs.
 */
import { validateConfig } from '../config/load';
import { resolveModel } from '../config/model';
import { exampleRaw, problemsOf } from './support/example';

const REFUSED = /is a GovCloud, China or ISO region: rootlock writes ARNs for the commercial aws partition only/;

test.each(['us-gov-west-1', 'us-gov-east-1', 'cn-north-1', 'cn-northwest-1', 'us-iso-east-1', 'us-isob-east-1', 'eu-isoe-west-1'])('home region %s is refused, naming the field', (r) => {
  const problems = problemsOf((c) => (c.organization.homeRegion = r));
  expect(problems).toHaveLength(1);
  expect(problems[0]).toMatch(/^organization\.homeRegion: /);
  expect(problems[0]).toMatch(REFUSED);
});

test('a state bucket region in another partition is refused too', () => {
  const problems = problemsOf((c) => (c.state = { backend: 's3', bucket: 'rootlock-state-example', region: 'us-gov-west-1' }));
  expect(problems.some((p) => /^state\.region: /.test(p) && REFUSED.test(p))).toBe(true);
});

test('a break-glass principal in another partition is refused, naming the field', () => {
  const problems = problemsOf((c) => (c.breakGlass.principals[0].arn = 'arn:aws-us-gov:iam::111111111111:user/breakglass-alice'));
  expect(problems.join('\n')).toMatch(/breakGlass\.principals\[0\]\.arn: .* is an ARN of another partition/);
});

test('near miss: commercial regions pass, and every ARN of the resolved model is in the aws partition', () => {
  for (const r of ['eu-west-1', 'us-east-1', 'ap-southeast-2', 'ca-central-1', 'il-central-1']) expect(problemsOf((c) => (c.organization.homeRegion = r))).toEqual([]);
  const arns = JSON.stringify(resolveModel(validateConfig(exampleRaw()))).match(/arn:[a-z-]+:/g) ?? [];
  expect(arns.length).toBeGreaterThan(50);
  expect(new Set(arns)).toEqual(new Set(['arn:aws:']));
});
