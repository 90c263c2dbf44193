/**
 * Start from nothing, for real: an emulator with no organization, the bundled greenfield example (no organization or
 * OU ids, every account by email) pointed at the emulator's management account, and ONE `cdktf deploy '*'
 * --auto-approve`. It must create the organization, the OUs and the accounts, and deploy every stack in dependency
 * order, the baselines finding their account ids at plan time. Then: every account sits in its OU under the
 * root-deny SCP; the emulator saw each account created and moved straight into its OU (no other call placed it
 * anywhere else); and a second plan of every stack is empty. GuardDuty and Config are off to keep this under its time
 * budget (the full pipeline is the deploy test's job).
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse as parseYaml } from 'yaml';
import { ListAccountsCommand, ListParentsCommand, ListPoliciesForTargetCommand, ListOrganizationalUnitsForParentCommand, ListRootsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { validateConfig } from '../config/load';
import { Model, resolveModel } from '../config/model';
import { deployOrder, synthesize } from '../stacks/app';
import { stackGraph } from '../stacks/graph';
import { renderRunbooks } from '../runbooks/index';
import { assumeAccount, Emulator, sdkConfig, startEmulator } from './support/emulator';
import { describeResult, REPO_ROOT, runProcess, scratchDir, terraformCliConfig, terraformPlan, TfResult } from './support/terraform';
import { describeWithTools } from './support/tools';
import { mapLimit } from './fixtures/runbooks/support';

const EXAMPLE = path.join(REPO_ROOT, 'examples', 'greenfield-org.yaml');
const EMULATOR_MANAGEMENT = '123456789012';

function cdktf(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 900_000): Promise<TfResult> {
  const nonInteractive = { ...env, CI: 'true', FORCE_COLOR: '0', DISABLE_VERSION_CHECK: 'true', CDKTF_DISABLE_PLUGIN_CACHE_ENV: 'true' };
  return runProcess(path.join(REPO_ROOT, 'node_modules', '.bin', 'cdktf'), args, REPO_ROOT, nonInteractive, timeoutMs, ['(cdktf)']);
}

/** The greenfield example for the emulator's management account, GuardDuty and Config off (time budget). */
function greenfieldConfig(dir: string): string {
  const text = fs.readFileSync(EXAMPLE, 'utf8').replace(/111111111111/g, EMULATOR_MANAGEMENT);
  const raw = parseYaml(text);
  raw.monitoring = { guardDuty: false, config: false };
  const file = path.join(dir, 'greenfield.yaml');
  fs.writeFileSync(file, JSON.stringify(raw, null, 2));
  return file;
}

describeWithTools(['terraform', 'moto_server'], 'the greenfield bootstrap test')('start from nothing: one cdktf deploy creates the organization, OUs and accounts', () => {
  jest.setTimeout(900_000);
  let emu: Emulator;
  let model: Model;
  let outDir: string;
  let env: NodeJS.ProcessEnv;
  const timings: string[] = [];

  beforeAll(async () => {
    emu = (await startEmulator())!;
    const work = scratchDir('greenfield');
    outDir = path.join(work, 'cdktf.out');
    const configFile = greenfieldConfig(work);
    model = resolveModel(validateConfig(parseYaml(fs.readFileSync(configFile, 'utf8'))));
    env = { ...emu.env, ROOTLOCK_CONFIG: configFile };
    terraformCliConfig();
  });

  afterAll(async () => {
    await emu?.stop();
    process.stdout.write(`\nGreenfield timings:\n${timings.join('\n')}\n`);
  });

  it('the emulator starts with no organization and the configuration names no organization, OU or account id', async () => {
    const org = new OrganizationsClient(sdkConfig(emu));
    await expect(org.send(new ListRootsCommand({}))).rejects.toThrow(/AWSOrganizationsNotInUse|not a member of an organization/i);
    org.destroy();
    expect(model.organization.existingOrganizationId).toBeUndefined();
    expect(model.ous.every((o) => !o.existingId)).toBe(true);
    expect(model.createdAccounts.map((c) => c.name)).toEqual(['security-tooling', 'payments-prod']);
  });

  it("deploys every stack with one `cdktf deploy '*' --auto-approve`", async () => {
    const started = Date.now();
    const synth = await cdktf(['synth', '--output', outDir], env);
    if (synth.code !== 0) throw new Error(`cdktf synth failed:\n${describeResult(synth)}`);
    const r = await cdktf(['deploy', '*', '--auto-approve', '--skip-synth', '--skip-provider-lock', '--disable-plugin-cache-env', '--output', outDir], env);
    timings.push(`  synth + cdktf deploy '*'  ${((Date.now() - started) / 1000).toFixed(1)} s`);
    if (r.code !== 0) throw new Error(`cdktf deploy '*' failed:\n${describeResult(r, 40000)}\n--- emulator ---\n${emu.log().slice(-4000)}`);
  });

  it('created every account directly into its OU (CreateAccount then MoveAccount to its OU, nothing else) under the root-deny SCP', async () => {
    const org = new OrganizationsClient(sdkConfig(emu));
    const root = (await org.send(new ListRootsCommand({}))).Roots![0].Id!;
    const accounts = (await org.send(new ListAccountsCommand({}))).Accounts!;
    const ouIdByName = new Map<string, string>();
    const walk = async (parent: string) => {
      for (const ou of (await org.send(new ListOrganizationalUnitsForParentCommand({ ParentId: parent }))).OrganizationalUnits ?? []) {
        ouIdByName.set(ou.Name!, ou.Id!);
        await walk(ou.Id!);
      }
    };
    await walk(root);
    const calls = emu.log().split('\n').filter((l) => l.startsWith('rootlock-emulator organizations '));
    for (const created of model.createdAccounts) {
      const account = accounts.find((a) => a.Email === created.email)!;
      expect(account).toBeDefined();
      expect(account.Status).toBe('ACTIVE');
      const ouId = ouIdByName.get(created.ou)!;
      expect((await org.send(new ListParentsCommand({ ChildId: account.Id! }))).Parents![0].Id).toBe(ouId);
      // What the emulator saw for this account, in order: created (AWS starts every new account at the root), then
      // one move, from the root straight into its OU, and nothing else.
      const mine = calls.filter((l) => l.includes(` ${account.Id} `)).map((l) => l.replace('rootlock-emulator organizations ', ''));
      expect(mine).toEqual([`CreateAccount ${account.Id} parent ${root}`, `MoveAccount ${account.Id} ${root} -> ${ouId}`]);
      // The root-deny SCP on the account's path (its OU or an ancestor).
      const path: string[] = [ouId];
      let cursor = ouId;
      while (cursor !== root) {
        cursor = (await org.send(new ListParentsCommand({ ChildId: cursor }))).Parents![0].Id!;
        path.push(cursor);
      }
      const onPath = (await Promise.all(path.map((t) => org.send(new ListPoliciesForTargetCommand({ TargetId: t, Filter: 'SERVICE_CONTROL_POLICY' }))))).flatMap((p) => p.Policies!.map((x) => x.Name));
      expect(onPath).toContain(model.scps.rootDeny.name);
      // The baseline reached it through the deployment role and built its break-glass role.
      const creds = await assumeAccount(emu, account.Id!, model.organization.deploymentRoleName);
      const role = await new IAMClient(sdkConfig(emu, { credentials: creds })).send(new GetRoleCommand({ RoleName: model.breakGlass.roleName }));
      expect(role.Role!.Arn).toBe(`arn:aws:iam::${account.Id}:role/${model.breakGlass.roleName}`);
    }
    org.destroy();
  });

  it('the next plan of every stack is empty', async () => {
    const started = Date.now();
    const names = deployOrder(model);
    // Two at a time, the next as soon as either finishes: plans only read, each stack has its own state.
    await mapLimit(names, 2, async (name) => {
      const plan = await terraformPlan(path.join(outDir, 'stacks', name), env, { detailedExitcode: true });
      if (plan.code !== 0) throw new Error(`second plan of ${name} is not empty (exit ${plan.code}):\n${describeResult(plan)}`);
    });
    timings.push(`  second plan of every stack  ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

  it('later runs adopt each created account by the same entry: with its id added (id + email), the management plan is still empty and the runbooks show the ids', async () => {
    const org = new OrganizationsClient(sdkConfig(emu));
    const accounts = (await org.send(new ListAccountsCommand({}))).Accounts!;
    org.destroy();
    const raw = parseYaml(fs.readFileSync(env.ROOTLOCK_CONFIG!, 'utf8'));
    for (const entry of raw.accounts) entry.id = accounts.find((a) => a.Email === entry.email)!.Id;
    const adopted = resolveModel(validateConfig(raw));
    expect(adopted.createdAccounts).toEqual([]);
    expect([...renderRunbooks(adopted).values()].join('\n')).not.toMatch(/ACCOUNT-ID-OF-|local\./);
    const again = scratchDir('greenfield-adopted');
    synthesize(adopted, again, stackGraph(adopted).filter((n) => n.name === 'management'));
    const dir = path.join(outDir, 'stacks', 'management');
    fs.copyFileSync(path.join(again, 'stacks', 'management', 'cdk.tf.json'), path.join(dir, 'cdk.tf.json'));
    const plan = await terraformPlan(dir, env, { detailedExitcode: true });
    if (plan.code !== 0) throw new Error(`management plan with the ids added is not empty (exit ${plan.code}):\n${describeResult(plan)}`);
  });
});
