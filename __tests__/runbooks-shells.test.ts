/**
 * Every generated block, pasted as a responder pastes it, into bash and into an interactive zsh with its defaults (no
 * `interactive_comments`, the macOS default shell), against a stubbed `aws` that records each argv and the access key
 * it ran with. A block passes when neither shell complains, both make exactly the same calls, every `aws` command of the
 * block is called and nothing else is, and a break-glass block opens its shell with the role's credentials only.
 * The blocks come from the runbooks directory the synthesis writes (`cdktf.out/runbooks/*.md`), written here by the
 * same function for the example organization.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { exampleModel } from './support/example';
import { writeRunbooks } from '../runbooks';
import { selectPrincipal } from '../runbooks/common';
import { describeWithTools } from './support/tools';
import { awsInvocations, fencedBlocks, mapLimit } from './fixtures/runbooks/support';
import { filledIn, pasteInto, sessionKeyOf, ShellRun } from './fixtures/runbooks/shells';

jest.setTimeout(300_000);

const model = exampleModel();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rootlock-runbooks-shells-'));
writeRunbooks(model, dir);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

interface PastedBlock {
  where: string;
  script: string;
}

const blocks: PastedBlock[] = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.md'))
  .sort()
  .flatMap((file) =>
    fencedBlocks(fs.readFileSync(path.join(dir, file), 'utf8'))
      .filter((b) => b.lang === 'bash')
      .map((b) => ({ where: `${file}:${b.line}`, script: filledIn(b.body) })),
  );

/** What "Before you start" leaves in the responder's terminal: their principal selected. */
const PREAMBLE = selectPrincipal(model.people.breakGlassPrincipals[0]);

/** The stub answers the preflight's identity and MFA questions as the first principal's own profile would. */
const FIRST = model.people.breakGlassPrincipals[0];
const PRINCIPAL_ENV = { STUB_CALLER_ARN: FIRST.arn, STUB_MFA_DEVICES: FIRST.mfaDeviceArn };
const PREFLIGHT = fs.readFileSync(path.join(dir, 'preflight.sh'), 'utf8');

const head = (argv: string[]) => argv.slice(0, 2).join(' ');
/** The `aws service operation` pairs a block calls: its own, and the preflight script's when it runs it. */
const staticHeads = (script: string) =>
  new Set(
    awsInvocations(script.includes('bash preflight.sh') ? `${script}\n${PREFLIGHT}` : script).map((c) =>
      c
        .split(/\s+/)
        .slice(1)
        .filter((t) => !/^\d*>/.test(t))
        .slice(0, 2)
        .join(' '),
    ),
  );

/** Everything wrong with one block's run in one shell, as readable lines (empty when it is right). */
function problems(block: PastedBlock, run: ShellRun): string[] {
  const found: string[] = [];
  if (run.stderr) found.push(`stderr: ${run.stderr}`);
  const expected = staticHeads(block.script);
  const called = new Set(run.calls.map((c) => head(c.argv)));
  for (const h of expected) if (!called.has(h)) found.push(`never called: aws ${h}`);
  for (const h of called) if (!expected.has(h)) found.push(`called but not in the block: aws ${h}`);
  for (const c of run.calls) if (c.argv.some((a) => a.startsWith('#'))) found.push(`a comment reached aws as an argument: ${c.argv.join(' ')}`);
  if (block.script.includes('${SHELL:-bash}')) {
    const assume = run.calls.findIndex((c) => head(c.argv) === 'sts assume-role');
    if (JSON.stringify(run.shellsOpened) !== JSON.stringify([sessionKeyOf(assume)])) found.push(`break-glass shell not opened with the role's credentials: ${JSON.stringify(run.shellsOpened)}`);
    if (assume < 0 || run.calls[assume].accessKey !== '') found.push('assume-role did not run with the responder profile');
    if (run.calls.slice(assume + 1).some((c) => c.accessKey !== sessionKeyOf(assume))) found.push('a call after assume-role ran without the role credentials');
  }
  return found;
}

describeWithTools(['bash', 'zsh'], 'the runbook shell tests')('every runbook block runs as pasted in bash and in interactive zsh', () => {
  it('finds the blocks of every runbook', () => {
    expect(blocks.length).toBeGreaterThan(100);
    expect(new Set(blocks.map((b) => b.where.split(':')[0]))).toEqual(new Set([...fs.readdirSync(dir)].filter((f) => f.endsWith('.md') && f !== 'README.md' && f !== 'audit.md')));
  });

  it('the check is live: a comment in a pasted block breaks zsh, and is caught', async () => {
    const broken: PastedBlock = {
      where: 'broken',
      script: [
        '( # this account only',
        'CREDS=$(aws sts assume-role --region eu-west-1 --role-arn arn:aws:iam::444444444444:role/x --query x --output text) || exit 1',
        'export AWS_ACCESS_KEY_ID=$(echo "$CREDS" | cut -f1)',
        'PS1="bg \\$ " "${SHELL:-bash}"  # work here',
        ')',
      ].join('\n'),
    };
    expect(problems(broken, await pasteInto('bash', broken.script, { preamble: PREAMBLE }))).toEqual([]);
    const zsh = problems(broken, await pasteInto('zsh', broken.script, { preamble: PREAMBLE }));
    expect(zsh.join('\n')).toMatch(/command not found: #/);
    expect(zsh.join('\n')).toMatch(/break-glass shell not opened/);
  });

  it('each block: no shell error, the same calls in both shells, every aws command called and no other', async () => {
    const results = await mapLimit(blocks, 2, async (b) => {
      const bash = await pasteInto('bash', b.script, { preamble: PREAMBLE, cwd: dir, env: PRINCIPAL_ENV });
      const zsh = await pasteInto('zsh', b.script, { preamble: PREAMBLE, cwd: dir, env: PRINCIPAL_ENV });
      const found = [...problems(b, bash).map((p) => `bash: ${p}`), ...problems(b, zsh).map((p) => `zsh: ${p}`)];
      if (JSON.stringify(bash.calls) !== JSON.stringify(zsh.calls)) found.push(`bash and zsh made different calls:\n${JSON.stringify(bash.calls)}\n${JSON.stringify(zsh.calls)}`);
      return { where: b.where, calls: bash.calls.length, found };
    });
    expect(results.filter((r) => r.found.length > 0)).toEqual([]);
    expect(results.reduce((n, r) => n + r.calls, 0)).toBeGreaterThan(200);
  });

  describe('preflight.sh requires AWS CLI v2 and probes assume-root without help or groff', () => {
    const run = (env: Record<string, string>) => pasteInto('bash', `bash preflight.sh ${FIRST.profile}`, { cwd: dir, env: { ...PRINCIPAL_ENV, ...env } });
    it('passes on a current v2', async () => {
      const r = await run({ STUB_CLI_VERSION: '2.27.50' });
      expect(r.stdout).toContain('PREFLIGHT OK');
      expect(r.calls.map((c) => c.argv.join(' '))).toContain('sts assume-root --generate-cli-skeleton');
      expect(r.calls.some((c) => c.argv.includes('help'))).toBe(false);
    });
    it('fails on v1, naming its end of support, unless the opt-out is set (then a note)', async () => {
      const v1 = await run({ STUB_CLI_VERSION: '1.45.11' });
      expect(v1.stdout).toMatch(/FAIL: AWS CLI v1 1\.45\.11: v1 is in maintenance mode and reaches end of support on 2027-07-15; install AWS CLI v2 2\.22\.0 or later/);
      expect(v1.stdout).toContain('PREFLIGHT FAILED');
      const optedOut = await run({ STUB_CLI_VERSION: '1.45.11', ROOTLOCK_PREFLIGHT_ALLOW_CLI_V1: '1' });
      expect(optedOut.stdout).toMatch(/note: AWS CLI v1 1\.45\.11 accepted because ROOTLOCK_PREFLIGHT_ALLOW_CLI_V1=1/);
      expect(optedOut.stdout).toContain('PREFLIGHT OK');
    });
    it('fails on a v2 too old for assume-root, and on a CLI that does not know it', async () => {
      expect((await run({ STUB_CLI_VERSION: '2.15.0' })).stdout).toMatch(/FAIL: AWS CLI 2\.15\.0 is too old for sts assume-root/);
      expect((await run({ STUB_NO_ASSUME_ROOT: '1' })).stdout).toMatch(/FAIL: this AWS CLI does not know sts assume-root/);
    });
    it('fails when the profile signs in as someone else or the MFA device is not the configured one', async () => {
      expect((await run({ STUB_CALLER_ARN: 'arn:aws:iam::111111111111:user/mallory' })).stdout).toMatch(/FAIL: profile .* signs in as 'arn:aws:iam::111111111111:user\/mallory'/);
      expect((await run({ STUB_MFA_DEVICES: 'arn:aws:iam::111111111111:mfa/other' })).stdout).toMatch(/FAIL: MFA device .* is not on/);
    });
  });
});
