/** The one command-line convention (cli/args.ts): --help exits 0 on stdout, usage errors exit 1 on stderr. */
import { helpOutcome, parseCli, UsageError, usageOutcome, wholeNumber } from '../cli/args';
import { run as review } from '../review/cli';

const OPTIONS = { json: { type: 'boolean' }, out: { type: 'string' }, stack: { type: 'string', multiple: true } } as const;

test('options, repeated options and positionals; a leading -- (from npm run X -- ...) is skipped', () => {
  const a = parseCli(['--', '--json', '--out', 'f', '--stack', 'a', '--stack=b', 'p1'], OPTIONS, { positionals: true });
  expect(a).toEqual({ help: false, values: { json: true, out: 'f', stack: ['a', 'b'] }, positionals: ['p1'] });
});

test('--help and -h win over everything else', () => {
  expect(parseCli(['--json', '--help'], OPTIONS)).toEqual({ help: true });
  expect(parseCli(['-h'], OPTIONS)).toEqual({ help: true });
  expect(helpOutcome('usage: x\n\n')).toEqual({ code: 0, stdout: 'usage: x\n', stderr: '' });
});

test.each([
  [['--nope'], 'unknown option --nope'],
  [['--out'], '--out needs a value'],
  [['stray'], 'unexpected argument stray'],
])('%j is a usage error: %s', (argv, message) => {
  expect(() => parseCli(argv, OPTIONS)).toThrow(new UsageError(message));
  const out = usageOutcome('tool', new UsageError(message), 'usage: tool [--json]');
  expect(out).toEqual({ code: 1, stdout: '', stderr: `tool: ${message}\n\nusage: tool [--json]\n` });
});

test('whole numbers: a bound and the option named in the error', () => {
  expect(wholeNumber('parallel', '4', 1)).toBe(4);
  expect(wholeNumber('parallel', undefined, 1)).toBeUndefined();
  for (const bad of ['0', '-1', '1.5', 'x', '']) expect(() => wholeNumber('parallel', bad, 1)).toThrow(/--parallel needs a whole number of at least 1/);
});

test('the review CLI follows it: --help 0 on stdout, an unknown option 1 with the usage on stderr', () => {
  const help = review(['--help'], {});
  expect(help.code).toBe(0);
  expect(help.stdout).toMatch(/^usage: npm run review/);
  const bad = review(['--nope'], {});
  expect(bad).toMatchObject({ code: 1, stdout: '' });
  expect(bad.stderr).toMatch(/^review: unknown option --nope\n\nusage: npm run review/);
});
