/**
 * Audit benchmark: an organization of 1,000 member accounts in 100 OUs in the emulator (centralized root access on,
 * both SCPs attached to the top-level OUs), then one full `runAudit` (organization, placement, SCPs, break-glass role
 * and root credentials of every account through AssumeRoot, pipeline) with the CLI's default concurrency.
 * Called from scripts/bench.ts; skips (with a notice) where the emulator cannot start.
 */
import { EnableOrganizationsRootCredentialsManagementCommand, EnableOrganizationsRootSessionsCommand, IAMClient } from '@aws-sdk/client-iam';
import {
  AttachPolicyCommand,
  CreateAccountCommand,
  CreateOrganizationalUnitCommand,
  CreateOrganizationCommand,
  CreatePolicyCommand,
  EnableAWSServiceAccessCommand,
  EnablePolicyTypeCommand,
  ListRootsCommand,
  MoveAccountCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { validateConfig } from '../config/load';
import { resolveModel } from '../config/model';
import { largeOrgConfig } from '../examples/large-org';
import { policyJson } from '../policies/document';
import { rootDenyScp, scpSpecs } from '../policies/scp';
import { mapLimit } from '../audit/aws';
import { DEFAULT_CONCURRENCY } from '../audit/cli';
import { runAudit } from '../audit/run';
import { synthesizeFor } from '../audit/synth';
import * as fs from 'fs';
import * as os from 'os';
import { spawn } from 'child_process';
import * as net from 'net';
import * as path from 'path';

/**
 * The emulator as a separate process (python3 emulator/server.py), never imported: test-only code stays out of the
 * product. Without AWS managed policies: moto loads them into every new account's IAM backend (seconds per account).
 */
export async function emulatorProcess(): Promise<{ endpoint: string; stop: () => void } | undefined> {
  const port = await new Promise<number>((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(p));
    });
  });
  const child = spawn('python3', [path.join(__dirname, '..', 'emulator', 'server.py'), '-H', '127.0.0.1', '-p', String(port)], {
    env: { ...process.env, MOTO_IAM_LOAD_MANAGED_POLICIES: 'false' },
    stdio: 'ignore',
  });
  const endpoint = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) break;
    if (await fetch(`${endpoint}/moto-api/data.json`).then((r) => r.ok, () => false)) return { endpoint, stop: () => child.kill('SIGTERM') };
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  process.stdout.write('audit benchmark skipped: the emulator (python3 emulator/server.py, moto) did not start\n');
  return undefined;
}

export async function benchAudit(accountCount = 1000, ouCount = 100): Promise<void> {
  const emu = await emulatorProcess();
  if (!emu) return;
  const sdk = { endpoint: emu.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } };
  try {
    const setupStarted = Date.now();
    const org = new OrganizationsClient({ ...sdk, maxAttempts: 5 });
    const mgmt = (await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }))).Organization!.MasterAccountId!;
    const rootId = (await org.send(new ListRootsCommand({}))).Roots![0].Id!;
    const shape = largeOrgConfig(accountCount, ouCount);
    const ouIds = new Map<string, string>();
    for (const ou of shape.organizationalUnits) {
      const parent = ou.parent === 'root' || !ou.parent ? rootId : ouIds.get(ou.parent)!;
      ouIds.set(ou.name, (await org.send(new CreateOrganizationalUnitCommand({ ParentId: parent, Name: ou.name }))).OrganizationalUnit!.Id!);
    }
    const accounts = await mapLimit(shape.accounts, 8, async (a) => {
      const id = (await org.send(new CreateAccountCommand({ AccountName: a.name, Email: `${a.name}@example.com` }))).CreateAccountStatus!.AccountId!;
      await org.send(new MoveAccountCommand({ AccountId: id, SourceParentId: rootId, DestinationParentId: ouIds.get(a.ou)! }));
      return { ...a, id };
    });
    const config = validateConfig({ ...shape, organization: { ...shape.organization, managementAccountId: mgmt }, accounts });
    const model = resolveModel(config);
    for (const p of model.organization.servicePrincipals) await org.send(new EnableAWSServiceAccessCommand({ ServicePrincipal: p }));
    const iam = new IAMClient(sdk);
    await iam.send(new EnableOrganizationsRootCredentialsManagementCommand({}));
    await iam.send(new EnableOrganizationsRootSessionsCommand({}));
    await org.send(new EnablePolicyTypeCommand({ RootId: rootId, PolicyType: 'SERVICE_CONTROL_POLICY' }));
    const topLevel = shape.organizationalUnits.filter((o) => o.parent === 'root').map((o) => ouIds.get(o.name)!);
    for (const [name, content] of [
      [model.scps.rootDeny.name, policyJson(rootDenyScp())],
      ...scpSpecs(model)
        .filter((p) => p.key.startsWith('monitoring_protection'))
        .map((p) => [p.name, p.json]),
    ]) {
      const id = (await org.send(new CreatePolicyCommand({ Name: name, Description: name, Type: 'SERVICE_CONTROL_POLICY', Content: content }))).Policy!.PolicySummary!.Id!;
      for (const t of topLevel) await org.send(new AttachPolicyCommand({ PolicyId: id, TargetId: t }));
    }
    const setupMs = Date.now() - setupStarted;

    // The expected state, as the CLI gets it without --synth-dir: the same configuration synthesized first (timed).
    const configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rootlock-bench-audit-'));
    const configFile = path.join(configDir, 'rootlock.yaml');
    fs.writeFileSync(configFile, JSON.stringify(config));
    const started = Date.now();
    const synthDir = synthesizeFor(configFile);
    const synthMs = Date.now() - started;
    const outcome = await runAudit(model, { base: { endpoint: emu.endpoint, credentials: sdk.credentials }, concurrency: DEFAULT_CONCURRENCY }, { synthDir });
    const auditMs = Date.now() - started;
    const deployedResults = outcome.results.filter((r) => r.check.startsWith('deployed-')).length;
    fs.rmSync(synthDir, { recursive: true, force: true });
    fs.rmSync(configDir, { recursive: true, force: true });
    const rootReads = outcome.results.filter((r) => r.check === 'root-access-keys' && r.status !== 'not-checked').length;
    process.stdout.write(
      `audit, ${outcome.accounts} accounts / ${ouCount} OUs (emulator): ${(auditMs / 1000).toFixed(1)} s at concurrency ${DEFAULT_CONCURRENCY}, synth of the expected state included (${(synthMs / 1000).toFixed(1)} s) (${(auditMs / outcome.accounts).toFixed(1)} ms/account; ${rootReads} root users read through AssumeRoot; ${deployedResults} deployed-state results; emulator setup ${(setupMs / 1000).toFixed(1)} s)\n`,
    );
  } finally {
    emu.stop();
  }
}

if (require.main === module) {
  const n = Number(process.argv[2] ?? 1000);
  benchAudit(n, Math.max(1, Math.round(n / 10))).catch((e) => {
    process.stderr.write(`bench-audit: ${(e as Error).message}\n`);
    process.exitCode = 1;
  });
}
