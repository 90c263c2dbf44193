/**
 * `npm run root-credentials` (credentials/) against the emulator, through its real entry point `main()`: root
 * passwords created in two member accounts through password-recovery task sessions (`IAMCreateRootUserPassword`) are
 * found (exit 2, both named), shown but untouched by `--delete` alone, deleted by `--delete --yes` (exit 0), and the
 * audit's root-credential checks then find none. A third account holds every other kind of root credential (access
 * key, signing certificate, virtual MFA device, given by the root user signed in) and is cleaned too, its virtual MFA
 * device deactivated and deleted. Each task session can only do its task.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Writable } from 'stream';
import {
  CreateLoginProfileCommand,
  CreateVirtualMFADeviceCommand,
  DeleteLoginProfileCommand,
  EnableMFADeviceCommand,
  type EnableMFADeviceCommandInput,
  EnableOrganizationsRootCredentialsManagementCommand,
  EnableOrganizationsRootSessionsCommand,
  IAMClient,
  ListVirtualMFADevicesCommand,
  UploadSigningCertificateCommand,
  CreateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { CreateAccountCommand, CreateOrganizationCommand, EnableAWSServiceAccessCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import type { AwsAccess } from '../audit/aws';
import { evaluateRootCredentials, readRootCredentials } from '../audit/root-credentials';
import { main } from '../credentials/cli';
import { credentialsJsonSchema } from '../credentials/report';
import { taskSession } from '../credentials/session';
import { assumeAccount, AwsCredentials, Emulator, sdkConfig, startEmulator } from './support/emulator';
import { describeWithTools } from './support/tools';

const region = 'eu-west-1'; // the bundled example's home region: where the CLI asks STS for task sessions

describeWithTools(['moto_server'], 'the root-credentials emulator tests')('npm run root-credentials against the emulator', () => {
  jest.setTimeout(120_000);
  let emu: Emulator;
  let access: AwsAccess;
  const ids = { mgmt: '', payments: '', sandbox: '', clean: '', drifted: '' };

  /** The CLI as a process would run it, its stdout and stderr captured. */
  const run = async (...argv: string[]) => {
    const chunks = { stdout: '', stderr: '' };
    const sink = (key: 'stdout' | 'stderr') => Object.assign(new Writable({ write: (c, _e, cb) => ((chunks[key] += String(c)), cb()) }), { isTTY: false }) as unknown as NodeJS.WriteStream;
    const code = await main(argv, { base: access.base }, { stdout: sink('stdout'), stderr: sink('stderr') });
    return { code, ...chunks };
  };
  const iam = (credentials?: AwsCredentials) => new IAMClient(sdkConfig(emu, { region, credentials }));
  const signInAsRoot = async (account: string): Promise<AwsCredentials> => {
    const r: any = await (await fetch(`${emu.endpoint}/moto-api/rootlock/root-sign-in?accountId=${account}`, { method: 'POST' })).json();
    return { accessKeyId: r.AccessKeyId, secretAccessKey: r.SecretAccessKey };
  };

  beforeAll(async () => {
    emu = (await startEmulator())!;
    access = { base: { endpoint: emu.endpoint, credentials: sdkConfig(emu).credentials }, concurrency: 4 };
    const org = new OrganizationsClient(sdkConfig(emu));
    ids.mgmt = (await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }))).Organization!.MasterAccountId!;
    const account = async (name: string) => (await org.send(new CreateAccountCommand({ AccountName: name, Email: `${name}@example.com` }))).CreateAccountStatus!.AccountId!;
    ids.payments = await account('payments-prod');
    ids.sandbox = await account('sandbox');
    ids.clean = await account('clean');
    ids.drifted = await account('drifted');
    await org.send(new EnableAWSServiceAccessCommand({ ServicePrincipal: 'iam.amazonaws.com' }));
    await iam().send(new EnableOrganizationsRootCredentialsManagementCommand({}));
    await iam().send(new EnableOrganizationsRootSessionsCommand({}));
  });
  afterAll(async () => emu?.stop());

  it('--help exits 0; usage errors exit 1 naming the option and the fix, before any AWS call', async () => {
    const help = await run('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--delete');
    for (const [argv, names] of [
      [['--frobnicate'], 'frobnicate'],
      [['--yes'], '--yes confirms --delete'],
      [['--accounts', '12345'], '"12345"'],
      [['--concurrency', '0'], '--concurrency'],
    ] as Array<[string[], string]>) {
      const r = await run(...argv);
      expect({ argv, code: r.code, stdout: r.stdout }).toEqual({ argv, code: 1, stdout: '' });
      expect(r.stderr).toContain(names);
    }
    const notMember = await run('--accounts', ids.mgmt);
    expect(notMember.code).toBe(1);
    expect(notMember.stderr).toContain('management account');
  });

  it('finds passwords recovered in two member accounts (exit 2, both named), deletes them, and the audit then finds none', async () => {
    expect((await run()).code).toBe(0);
    for (const id of [ids.payments, ids.sandbox]) {
      const recovery = await taskSession(access, region, id, 'IAMCreateRootUserPassword');
      // The password-recovery session creates the password and nothing else: it cannot delete it again.
      await iam(recovery).send(new CreateLoginProfileCommand({}));
      await expect(iam(recovery).send(new DeleteLoginProfileCommand({}))).rejects.toMatchObject({ name: 'AccessDenied' });
    }
    // The rest of the root credentials, given by the root user of a third account signed in with its password.
    const root = await signInAsRoot(ids.drifted);
    const key = (await iam(root).send(new CreateAccessKeyCommand({}))).AccessKey!.AccessKeyId!;
    await iam(root).send(new UploadSigningCertificateCommand({ CertificateBody: '-----BEGIN CERTIFICATE-----\nMIIBdrifted\n-----END CERTIFICATE-----' }));
    const mfa = (await iam(root).send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'root-mfa' }))).VirtualMFADevice!.SerialNumber!;
    // The root user enables MFA in the console (no UserName: the SDK's type requires one, the emulator's root session refuses it).
    await iam(root).send(new EnableMFADeviceCommand({ SerialNumber: mfa, AuthenticationCode1: '123456', AuthenticationCode2: '654321' } as unknown as EnableMFADeviceCommandInput));

    const found = await run();
    expect(found.code).toBe(2);
    for (const id of [ids.payments, ids.sandbox, ids.drifted]) expect(found.stdout).toContain(id);
    expect(found.stdout).not.toContain(ids.clean);
    // The markdown report passes markdownlint with the repository's configuration.
    const repo = path.join(__dirname, '..');
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rootlock-root-credentials-')), 'report.md');
    fs.writeFileSync(file, found.stdout);
    const lint = spawnSync(path.join(repo, 'node_modules', '.bin', 'markdownlint-cli2'), ['--config', path.join(repo, '.markdownlint-cli2.jsonc'), file], { cwd: repo, encoding: 'utf8' });
    expect({ status: lint.status, output: lint.stdout + lint.stderr }).toEqual({ status: 0, output: expect.any(String) });
    const json = credentialsJsonSchema.parse(JSON.parse((await run('--json')).stdout));
    const withCreds = json.accounts.filter((a) => a.loginProfile || a.accessKeys?.length || a.certificates?.length || a.mfaDevices?.length);
    expect(withCreds.map((a) => [a.accountId, a.name, a.loginProfile])).toEqual(
      [[ids.payments, 'payments-prod', true], [ids.sandbox, 'sandbox', true], [ids.drifted, 'drifted', false]].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
    expect(withCreds.find((a) => a.accountId === ids.drifted)).toMatchObject({ accessKeys: [`${key} (Active)`], mfaDevices: [mfa] });
    expect(json.summary).toEqual({ accounts: 4, withCredentials: 3, errors: 0 });

    // --delete without --yes shows what it would delete and changes nothing.
    const dry = await run('--delete', '--accounts', `${ids.payments},${ids.sandbox}`);
    expect(dry.code).toBe(2);
    expect(dry.stdout).toContain('Would delete');
    expect((await run('--accounts', ids.payments)).code).toBe(2);

    const deleted = await run('--delete', '--yes', '--json');
    expect(deleted.code).toBe(0);
    const report = credentialsJsonSchema.parse(JSON.parse(deleted.stdout));
    expect(report.deletions!.map((d) => [d.accountId, d.error])).toEqual([ids.payments, ids.sandbox, ids.drifted].sort().map((id) => [id, undefined]));
    expect(report.deletions!.find((d) => d.accountId === ids.payments)!.deleted).toEqual(['password']);
    expect(report.deletions!.find((d) => d.accountId === ids.drifted)!.deleted).toEqual([
      `access key ${key}`,
      expect.stringMatching(/^signing certificate /),
      `MFA device ${mfa} (deactivated)`,
      `virtual MFA device ${mfa} (deleted)`,
    ]);
    expect(deleted.stderr).toContain('rootlock root-credentials: re-read 4/4');
    // The virtual device is gone from the account, not only detached from the root user.
    expect((await iam(await assumeAccount(emu, ids.drifted)).send(new ListVirtualMFADevicesCommand({}))).VirtualMFADevices ?? []).toEqual([]);

    // The audit's own root-credential checks, read through its own IAMAuditRootUserCredentials sessions: all pass.
    const states = await Promise.all([ids.payments, ids.sandbox, ids.clean, ids.drifted].map((id) => readRootCredentials(access, region, { id, name: id })));
    const results = evaluateRootCredentials(states);
    expect(results).toHaveLength(16);
    expect(results.filter((r) => r.status !== 'pass')).toEqual([]);
    expect((await run()).code).toBe(0);
  });

  it('reports an account it cannot reach as an error (exit 1), never as clean', async () => {
    // Without RootSessions no task session is granted: every account is an error, none is "no credentials".
    const { DisableOrganizationsRootSessionsCommand } = await import('@aws-sdk/client-iam');
    await iam().send(new DisableOrganizationsRootSessionsCommand({}));
    const r = await run('--json');
    expect(r.code).toBe(1);
    const json = credentialsJsonSchema.parse(JSON.parse(r.stdout));
    expect(json.summary).toEqual({ accounts: 4, withCredentials: 0, errors: 4 });
    expect(json.accounts.every((a) => /AssumeRoot/.test(a.error ?? ''))).toBe(true);
    await iam().send(new EnableOrganizationsRootSessionsCommand({}));
  });
});
