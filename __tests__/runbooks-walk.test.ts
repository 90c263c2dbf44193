/**
 * The responder path, walked against the emulator with nothing but the responder quick card and a laptop with the AWS
 * CLI: the preflight check, the principal selection, break glass into two accounts in a row (credentials never leak
 * from one account's block into the next), and every AssumeRoot task from the management account's break-glass shell.
 * The organization is built in the emulator first, and the card is generated for its real account ids.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { resolveModel } from '../config/model';
import { validateConfig } from '../config/load';
import { renderRunbookExtras, renderRunbooks } from '../runbooks';
import { startEmulator, Emulator } from './support/emulator';
import { describeWithTools } from './support/tools';
import { exampleRaw } from './support/example';
import { CLI_REJECTION, fencedBlocks, runScript } from './fixtures/runbooks/support';
import { startAwsCliForkServer, AwsCliForkServer } from './fixtures/runbooks/cli-fork';

jest.setTimeout(600_000);

/** moto's default account: the emulator resolves assumed-role sessions to their account only with it as the caller. */
const MGMT = '123456789012';
const HUMAN: Record<string, string> = {
  'TICKET-ID': 'SEC-77',
  'YOUR-USERNAME': 'alice',
  'MFA-CODE': '123456',
  'BUCKET-NAME': 'payments-locked-bucket',
  'QUEUE-URL': 'https://sqs.eu-west-1.amazonaws.com/444444444444/payments-locked-queue',
};

describeWithTools(['aws', 'moto_server'], 'the responder walk')('a responder with only the quick card', () => {
  let emu: Emulator | undefined;
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'rootlock-walk-'));
  let env: NodeJS.ProcessEnv;
  let members: string[] = [];
  let forkServer: AwsCliForkServer | undefined;

  const cli = (args: string[], extra: NodeJS.ProcessEnv = {}) => {
    const r = spawnSync('aws', args, { env: { ...env, ...extra }, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`aws ${args.join(' ')}: ${r.stderr}`);
    return r.stdout.trim();
  };

  beforeAll(async () => {
    emu = await startEmulator();
    // The machine has AWS CLI v1 only: the preflight requires v2 and accepts v1 only with its explicit opt-out.
    env = { PATH: process.env.PATH, HOME: home, LANG: 'C.UTF-8', ...emu!.env, AWS_MAX_ATTEMPTS: '1', AWS_PAGER: '', ROOTLOCK_PREFLIGHT_ALLOW_CLI_V1: '1' };
    // Every `aws` here runs in a fork of one warm AWS CLI process (the same CLI: runbooks-cli.test.ts proves it).
    forkServer = await startAwsCliForkServer(env);
    env = forkServer.withServer(env);
    // The organization with centralized root sessions, two member accounts, and the break-glass IAM user with its
    // access key and MFA device, as an administrator would have set them up.
    cli(['organizations', 'create-organization', '--feature-set', 'ALL']);
    members = ['security', 'payments'].map((name) =>
      cli(['organizations', 'create-account', '--email', `${name}@example.com`, '--account-name', name, '--query', 'CreateAccountStatus.AccountId', '--output', 'text']),
    );
    cli(['organizations', 'enable-aws-service-access', '--service-principal', 'iam.amazonaws.com']);
    cli(['iam', 'enable-organizations-root-sessions']);
    cli(['iam', 'create-user', '--user-name', 'breakglass-alice']);
    const [keyId, secret] = cli(['iam', 'create-access-key', '--user-name', 'breakglass-alice', '--query', 'AccessKey.[AccessKeyId,SecretAccessKey]', '--output', 'text']).split(/\s+/);
    const serial = cli(['iam', 'create-virtual-mfa-device', '--virtual-mfa-device-name', 'breakglass-alice', '--outfile', path.join(home, 'mfa.png'), '--bootstrap-method', 'QRCodePNG', '--query', 'VirtualMFADevice.SerialNumber', '--output', 'text']);
    cli(['iam', 'enable-mfa-device', '--user-name', 'breakglass-alice', '--serial-number', serial, '--authentication-code1', '123456', '--authentication-code2', '654321']);
    // The fresh laptop: only what "aws configure --profile breakglass-alice" writes; no ambient credentials.
    fs.writeFileSync(path.join(home, 'config'), '[profile breakglass-alice]\nregion = eu-west-1\noutput = json\n');
    fs.writeFileSync(path.join(home, 'credentials'), `[breakglass-alice]\naws_access_key_id = ${keyId}\naws_secret_access_key = ${secret}\n`);
    env = { ...env, AWS_CONFIG_FILE: path.join(home, 'config'), AWS_SHARED_CREDENTIALS_FILE: path.join(home, 'credentials') };
    delete env.AWS_ACCESS_KEY_ID;
    delete env.AWS_SECRET_ACCESS_KEY;
  });
  afterAll(async () => {
    await forkServer?.stop();
    await emu?.stop();
    fs.rmSync(home, { recursive: true, force: true });
  });

  function cardModel() {
    const raw = exampleRaw();
    delete raw.organization.existingOrganizationId;
    delete raw.organization.rootId;
    raw.organizationalUnits = [{ name: 'Members', parent: 'root' }];
    raw.accounts = [
      { id: members[0], name: 'security-tooling', ou: 'Members' },
      { id: members[1], name: 'payments-prod', ou: 'Members' },
    ];
    raw.exemptions = [];
    raw.organization.managementAccountId = MGMT;
    raw.breakGlass.principals = [
      { ...raw.breakGlass.principals[0], arn: `arn:aws:iam::${MGMT}:user/breakglass-alice`, mfaDeviceArn: `arn:aws:iam::${MGMT}:mfa/breakglass-alice` },
    ];
    return resolveModel(validateConfig(raw));
  }

  const fill = (script: string, accountId?: string) =>
    script
      .replace(/<([A-Z][A-Z0-9-]+)>/g, (m, n: string) => (n === 'ACCOUNT-ID' ? accountId ?? m : HUMAN[n] ?? m))
      .replace(/https:\/\/sts\.[a-z0-9-]+\.amazonaws\.com/g, emu!.endpoint);

  it('runs the preflight, then breaks glass into two accounts in a row without leaking credentials', async () => {
    const model = cardModel();
    const card = renderRunbooks(model).get(model.runbooks.quickCardResponder)!;
    const blocks = fencedBlocks(card);
    const preflight = blocks.find((b) => b.body.startsWith('bash preflight.sh'))!.body;
    const select = blocks.find((b) => b.body.startsWith('BG_PROFILE='))!.body;
    const breakGlass = blocks.find((b) => b.body.includes('aws sts assume-role'))!.body;
    fs.writeFileSync(path.join(home, 'preflight.sh'), fill(renderRunbookExtras(model).get('preflight.sh')!));
    // The shell each block opens: shows who it is and which credentials it holds.
    const inner = path.join(home, 'inner.sh');
    fs.writeFileSync(inner, '#!/usr/bin/env bash\necho "INNER $(aws sts get-caller-identity --region eu-west-1 --query Arn --output text) KEY=$AWS_ACCESS_KEY_ID"\n', { mode: 0o755 });
    const script = [
      `cd ${home}`,
      preflight,
      select,
      `SHELL=${inner}`,
      fill(breakGlass, members[0]),
      fill(breakGlass, members[1]),
      'echo "AFTER KEY=${AWS_ACCESS_KEY_ID:-none} TOKEN=${AWS_SESSION_TOKEN:-none}"',
    ].join('\n');
    // About 15 CLI processes: generous on a loaded machine (the default 2 minutes kills the script mid-way).
    const run = await runScript(script, env, 540_000);
    expect(run.stdout).toContain('PREFLIGHT OK');
    expect(run.stdout).not.toContain('FAIL:');
    const assumes = run.calls.filter((c) => c.args.startsWith('sts assume-role'));
    expect(assumes.map((c) => ({ rc: c.rc, profile: c.args.includes('--profile breakglass-alice'), mfa: c.args.includes(`--serial-number arn:aws:iam::${MGMT}:mfa/breakglass-alice`) }))).toEqual([
      { rc: 0, profile: true, mfa: true },
      { rc: 0, profile: true, mfa: true },
    ]);
    const inners = run.stdout.split('\n').filter((l) => l.startsWith('INNER '));
    expect(inners).toHaveLength(2);
    expect(inners[0]).toContain(`arn:aws:sts::${members[0]}:assumed-role/${model.breakGlass.roleName}/break-glass-SEC-77`);
    expect(inners[1]).toContain(`arn:aws:sts::${members[1]}:assumed-role/${model.breakGlass.roleName}/break-glass-SEC-77`);
    // Each account's session had its own key, and none survives its block.
    expect(inners[0].split('KEY=')[1]).not.toBe(inners[1].split('KEY=')[1]);
    expect(run.stdout).toContain('AFTER KEY=none TOKEN=none');
  });

  it('runs every AssumeRoot task of the card from the management account break-glass shell', async () => {
    const model = cardModel();
    const card = renderRunbooks(model).get(model.runbooks.quickCardResponder)!;
    const blocks = fencedBlocks(card);
    const select = blocks.find((b) => b.body.startsWith('BG_PROFILE='))!.body;
    const breakGlass = blocks.find((b) => b.body.includes('aws sts assume-role'))!.body;
    const tasks = blocks.filter((b) => b.body.includes('aws sts assume-root'));
    expect(tasks).toHaveLength(5);
    // The management account's break-glass shell runs the task blocks, each for the payments account.
    const inner = path.join(home, 'tasks.sh');
    const wrapper = ['aws() {', '  echo "CALL $* " >&2', '  command aws "$@"; local rc=$?', '  echo "RC $rc $1 $2" >&2', '  return $rc', '}'].join('\n');
    fs.writeFileSync(inner, `#!/usr/bin/env bash\n${wrapper}\n${tasks.map((t) => fill(t.body, members[1])).join('\n')}\n`, { mode: 0o755 });
    const run = await runScript([select, `SHELL=${inner}`, fill(breakGlass, MGMT)].join("\n"), env, 540_000);
    expect(run.calls.filter((c) => c.args.startsWith('sts assume-role')).map((c) => c.rc)).toEqual([0]);
    const results = run.stderr.split('\n').filter((l) => l.startsWith('RC '));
    const assumeRoot = results.filter((l) => l.endsWith(' sts assume-root'));
    expect(assumeRoot).toEqual(Array(5).fill('RC 0 sts assume-root'));
    // Inside each task session the commands were accepted by the CLI (the emulator does not model root credentials,
    // so some return service errors such as NoSuchEntity; none is a CLI rejection).
    expect(run.stderr).not.toMatch(CLI_REJECTION);
    expect(results.length).toBeGreaterThan(20);
  });
});
