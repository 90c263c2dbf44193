/**
 * Adopt in one command, for real: a seeded organization in the emulator (nested OUs, a duplicate OU name, accounts at
 * several depths, more accounts in one OU than one page holds, one account at the root, trusted access and a tag
 * policy type already enabled) -> `npm run init -- --from-organization` -> the configuration validates except for the
 * "# DECIDE:" placeholders, each named -> filled in -> the management plan imports the organization and every account
 * and changes nothing but what rootlock adds: no account moved, no OU created or renamed.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse as parseYaml } from 'yaml';
import {
  CreateAccountCommand,
  CreateOrganizationalUnitCommand,
  CreateOrganizationCommand,
  EnableAWSServiceAccessCommand,
  EnablePolicyTypeCommand,
  ListRootsCommand,
  MoveAccountCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { ConfigError } from '../config/errors';
import { DEFAULT_CONFIG, loadConfigFile, validateConfig } from '../config/load';
import { resolveModel } from '../config/model';
import { synthesize } from '../stacks/app';
import { stackGraph } from '../stacks/graph';
import { Emulator, sdkConfig, startEmulator } from './support/emulator';
import { describeResult, plannedChanges, REPO_ROOT, runProcess, scratchDir, terraformCliConfig, terraformInit, terraformPlan, terraformShowJson } from './support/terraform';
import { describeWithTools } from './support/tools';

const PAYMENTS_ACCOUNTS = 23; // more than one page (ListAccounts and ListAccountsForParent: 20 per page)

interface Seeded {
  mgmt: string;
  org: string;
  root: string;
  ous: Record<string, string>;
  security: string;
  web: string;
  stray: string;
  payments: string[];
}

async function seed(emu: Emulator): Promise<Seeded> {
  const org = new OrganizationsClient(sdkConfig(emu));
  const created = (await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }))).Organization!;
  const root = (await org.send(new ListRootsCommand({}))).Roots![0].Id!;
  const ou = async (name: string, parent: string) => (await org.send(new CreateOrganizationalUnitCommand({ ParentId: parent, Name: name }))).OrganizationalUnit!.Id!;
  const ous: Record<string, string> = {};
  ous.Security = await ou('Security', root);
  ous.Workloads = await ou('Workloads', root);
  ous.Prod = await ou('Prod', ous.Workloads);
  ous.Payments = await ou('Payments (EU)', ous.Prod);
  ous.Sandbox = await ou('Sandbox', root);
  ous.SandboxProd = await ou('Prod', ous.Sandbox); // same name as Workloads/Prod
  const account = async (name: string, email: string, parent?: string) => {
    const id = (await org.send(new CreateAccountCommand({ AccountName: name, Email: email }))).CreateAccountStatus!.AccountId!;
    if (parent) await org.send(new MoveAccountCommand({ AccountId: id, SourceParentId: root, DestinationParentId: parent }));
    return id;
  };
  const security = await account('Security Tooling', 'security@example.com', ous.Security);
  const web = await account('web-prod', 'web@example.com', ous.Prod);
  const stray = await account('stray-sandbox', 'stray@example.com');
  const payments: string[] = [];
  for (let i = 0; i < PAYMENTS_ACCOUNTS; i++) payments.push(await account(`payments-${String(i).padStart(2, '0')}`, `payments-${i}@example.com`, ous.Payments));
  await org.send(new EnableAWSServiceAccessCommand({ ServicePrincipal: 'sso.amazonaws.com' }));
  await org.send(new EnablePolicyTypeCommand({ RootId: root, PolicyType: 'TAG_POLICY' }));
  org.destroy();
  return { mgmt: created.MasterAccountId!, org: created.Id!, root, ous, security, web, stray, payments };
}

function problemsOf(raw: unknown): string[] {
  try {
    validateConfig(raw);
    return [];
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return e.problems.map((p) => p.path);
  }
}

describeWithTools(['terraform', 'moto_server'], 'the init --from-organization test')('npm run init -- --from-organization adopts a live organization', () => {
  jest.setTimeout(600_000);
  let emu: Emulator;
  let ids: Seeded;
  let yamlText: string;
  let work: string;

  beforeAll(async () => {
    emu = (await startEmulator())!;
    ids = await seed(emu);
    work = scratchDir('init');
    terraformCliConfig();
  });
  afterAll(async () => emu?.stop());

  const init = (args: string[]) =>
    runProcess(path.join(REPO_ROOT, 'node_modules', '.bin', 'ts-node'), ['--transpile-only', 'init/cli.ts', ...args], REPO_ROOT, { ...emu.env, AWS_REGION: 'eu-west-1' }, 120_000, ['(init)']);

  it('--help exits 0; a usage error exits 1 with one line naming the problem', async () => {
    const help = await init(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--from-organization/);
    const bad = await init(['--from-organisation']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^rootlock init: unknown option --from-organisation\n/);
    const none = await init([]);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/--from-organization/);
  });

  it('writes every OU (nesting and ids) and every ACTIVE account (ids, emails, parents), following every page', async () => {
    const r = await init(['--from-organization']);
    if (r.code !== 0) throw new Error(describeResult(r));
    yamlText = r.stdout;
    fs.writeFileSync(path.join(work, 'org.yaml'), yamlText);
    const raw = parseYaml(yamlText);
    expect(raw.organization).toMatchObject({ managementAccountId: ids.mgmt, existingOrganizationId: ids.org, rootId: ids.root, homeRegion: 'eu-west-1', keepPolicyTypes: ['TAG_POLICY'] });
    expect(raw.organization.enabledServicePrincipals).toContain('sso.amazonaws.com');
    const ouIds = raw.organizationalUnits.map((o: { id: string }) => o.id).sort();
    expect(ouIds).toEqual(Object.values(ids.ous).sort());
    // Unique rootlock names (the two "Prod" OUs), valid names ("Payments (EU)").
    const names = raw.organizationalUnits.map((o: { name: string }) => o.name);
    expect(new Set(names).size).toBe(names.length);
    const byId = new Map<string, { id: string; email: string; name: string; ou: string }>(raw.accounts.map((a: { id: string }) => [a.id, a]));
    expect(byId.size).toBe(2 + PAYMENTS_ACCOUNTS);
    const ouNameOf = (id: string) => raw.organizationalUnits.find((o: { id: string }) => o.id === id).name;
    expect(byId.get(ids.security)).toMatchObject({ email: 'security@example.com', ou: ouNameOf(ids.ous.Security) });
    expect(byId.get(ids.web)!.ou).toBe(ouNameOf(ids.ous.Prod));
    for (const p of ids.payments) expect(byId.get(p)!.ou).toBe(ouNameOf(ids.ous.Payments));
    expect(byId.has(ids.mgmt)).toBe(false);
    // The account at the root is not placed (that would move it): a person decides, with a reason.
    expect(raw.unmanagedAccounts).toEqual([{ id: ids.stray, reason: '' }]);
    expect(yamlText).toMatch(/# DECIDE: stray-sandbox <stray@example.com> sits at the root/);
  });

  it('fails validation exactly on what only a person can decide, each field named (the schema first, then the cross-checks)', () => {
    const raw = parseYaml(yamlText);
    const named = () => [...new Set(problemsOf(raw).map((p) => p.replace(/\[\d+\]/g, '[]')))].sort();
    expect(named()).toEqual(['breakGlass.principals', 'custody.mfaDevice', 'custody.rootPassword']);
    raw.breakGlass.principals = [{ arn: `arn:aws:iam::${ids.mgmt}:user/breakglass-alice`, mfaDeviceArn: `arn:aws:iam::${ids.mgmt}:mfa/breakglass-alice`, custody: 'vault' }];
    raw.custody = { rootPassword: 'vault entry Root', mfaDevice: 'office safe' };
    expect(named()).toEqual(['alerts', 'organization.deploymentRoleTrustedBy', 'responders', 'securityAccount', 'unmanagedAccounts[].reason']);
  });

  it("filled in, the first management plan imports everything and only adds rootlock's own (no account moved, no OU renamed)", async () => {
    const raw = parseYaml(yamlText);
    const example = loadConfigFile(DEFAULT_CONFIG);
    raw.securityAccount = raw.accounts.find((a: { id: string }) => a.id === ids.security).name;
    raw.breakGlass.principals = [{ arn: `arn:aws:iam::${ids.mgmt}:user/breakglass-alice`, mfaDeviceArn: `arn:aws:iam::${ids.mgmt}:mfa/breakglass-alice`, custody: 'vault entry Break-glass alice' }];
    raw.responders = example.responders;
    raw.custody = { rootPassword: 'vault entry Root', mfaDevice: 'office safe' };
    raw.alerts.emails = ['security-oncall@example.com'];
    raw.organization.deploymentRoleTrustedBy = [`arn:aws:iam::${ids.mgmt}:role/rootlock-deployer-ci`];
    raw.unmanagedAccounts[0].reason = 'sandbox of a contractor, closed next month';
    expect(problemsOf(raw)).toEqual([]);
    const model = resolveModel(validateConfig(raw));
    const outDir = path.join(work, 'cdktf.out');
    synthesize(model, outDir, stackGraph(model).filter((n) => n.name === 'management'));
    const dir = path.join(outDir, 'stacks', 'management');
    const env = emu.env;
    const initR = await terraformInit(dir, env);
    if (initR.code !== 0) throw new Error(describeResult(initR));
    const plan = await terraformPlan(dir, env, { out: 'plan.out' });
    if (plan.code !== 0) throw new Error(describeResult(plan));
    const shown = await terraformShowJson(dir, 'plan.out', env);
    const imported = (shown.json.resource_changes ?? []).filter((rc: any) => rc.change.importing).map((rc: any) => rc.type);
    expect(imported.filter((t: string) => t === 'aws_organizations_account')).toHaveLength(2 + PAYMENTS_ACCOUNTS);
    expect(imported).toContain('aws_organizations_organization');
    const changes = plannedChanges(shown.json);
    // OUs: nothing at all (adopted by id, never resources). Accounts: no move, no rename; the only difference is
    // close_on_deletion, a provider-side setting that import cannot read and no API call changes.
    expect(changes.filter((c) => c.address.includes('aws_organizations_organizational_unit.'))).toEqual([]);
    const accountChanges = changes.filter((c) => c.address.includes('aws_organizations_account.'));
    for (const c of accountChanges) expect({ address: c.address, actions: c.actions, changed: c.changed }).toEqual({ address: c.address, actions: ['update'], changed: ['close_on_deletion'] });
    // The organization: only the trusted access rootlock adds (the policy types already enabled are kept).
    for (const c of changes.filter((c) => c.address.includes('aws_organizations_organization.'))) {
      expect(c.actions).toEqual(['update']);
      expect(c.changed.filter((k) => !['aws_service_access_principals', 'enabled_policy_types'].includes(k))).toEqual([]);
    }
    // Everything else is an addition.
    for (const c of changes.filter((c) => !c.address.includes('aws_organizations_organization.') && !accountChanges.includes(c))) expect({ address: c.address, actions: c.actions }).toEqual({ address: c.address, actions: ['create'] });
  });
});
