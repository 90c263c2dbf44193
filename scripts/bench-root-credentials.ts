/**
 * `npm run root-credentials` benchmark: 1,000 member accounts in the emulator with centralized root access on, a root
 * password recovered (IAMCreateRootUserPassword task session) in 10 of them; then the CLI's real entry point, as
 * `npm run root-credentials` runs it: a read (exit 2) and `--delete --yes` (read, delete, read again: exit 0), at the
 * default concurrency. `npm run bench -- root-credentials`, or `ts-node scripts/bench-root-credentials.ts [N]`.
 */
import { Writable } from 'stream';
import { CreateLoginProfileCommand, EnableOrganizationsRootCredentialsManagementCommand, EnableOrganizationsRootSessionsCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateAccountCommand, CreateOrganizationCommand, EnableAWSServiceAccessCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { mapLimit } from '../audit/aws';
import { DEFAULT_CONCURRENCY, main } from '../credentials/cli';
import { taskSession } from '../credentials/session';
import { emulatorProcess } from './bench-audit';

export async function benchRootCredentials(accountCount = 1000, withPasswords = 10): Promise<void> {
  const emu = await emulatorProcess();
  if (!emu) return;
  const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
  const sdk = { endpoint: emu.endpoint, region: 'eu-west-1', credentials, maxAttempts: 5 };
  try {
    const setupStarted = Date.now();
    const org = new OrganizationsClient(sdk);
    await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    const ids = await mapLimit(Array.from({ length: accountCount }, (_, i) => `member-${String(i).padStart(4, '0')}`), 8, async (name) =>
      (await org.send(new CreateAccountCommand({ AccountName: name, Email: `${name}@example.com` }))).CreateAccountStatus!.AccountId!,
    );
    await org.send(new EnableAWSServiceAccessCommand({ ServicePrincipal: 'iam.amazonaws.com' }));
    await new IAMClient(sdk).send(new EnableOrganizationsRootCredentialsManagementCommand({}));
    await new IAMClient(sdk).send(new EnableOrganizationsRootSessionsCommand({}));
    const access = { base: { endpoint: emu.endpoint, credentials }, concurrency: DEFAULT_CONCURRENCY };
    for (const id of ids.slice(0, withPasswords)) {
      await new IAMClient({ ...sdk, credentials: await taskSession(access, 'eu-west-1', id, 'IAMCreateRootUserPassword') }).send(new CreateLoginProfileCommand({}));
    }
    const setupMs = Date.now() - setupStarted;
    const quiet = Object.assign(new Writable({ write: (_c, _e, cb) => cb() }), { isTTY: false }) as unknown as NodeJS.WriteStream;
    const timed = async (argv: string[]) => {
      const started = Date.now();
      const code = await main(argv, { base: access.base }, { stdout: quiet, stderr: quiet });
      return { code, s: (Date.now() - started) / 1000 };
    };
    const read = await timed([]);
    const deleted = await timed(['--delete', '--yes']);
    process.stdout.write(
      `root-credentials, ${accountCount} member accounts (emulator), concurrency ${DEFAULT_CONCURRENCY}: read ${read.s.toFixed(1)} s (exit ${read.code}, ${withPasswords} with a password; ${((read.s * 1000) / accountCount).toFixed(1)} ms/account); --delete --yes ${deleted.s.toFixed(1)} s (read, ${withPasswords} deletions, read again; exit ${deleted.code}); emulator setup ${(setupMs / 1000).toFixed(1)} s\n`,
    );
  } finally {
    emu.stop();
  }
}

if (require.main === module) {
  benchRootCredentials(Number(process.argv[2] ?? 1000)).catch((e) => {
    process.stderr.write(`bench-root-credentials: ${(e as Error).message}\n`);
    process.exitCode = 1;
  });
}
