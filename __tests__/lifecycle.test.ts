/**
 * Day 2 in the emulator, as a working copy lives it: deploy every stack, `npm run synth`, every plan empty; vend a new
 * account with the README's commands verbatim over that full synth, `npm run synth`, every plan empty; add an OU and
 * move the account into it; rotate a break-glass principal. Each change is planned first (nothing deleted or replaced
 * but what the change is about), applied, and every stack plans empty again: the state survived every synth.
 * A small organization (management, a security account, GuardDuty and Config off) keeps it to a few minutes.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CreateAccountCommand, CreateOrganizationalUnitCommand, CreateOrganizationCommand, ListParentsCommand, ListRootsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { DEFAULT_CONFIG, loadConfigFile } from '../config/load';
import { resolveModel } from '../config/model';
import { deployOrder } from '../stacks/app';
import { localStateDir } from '../output';
import { assumeAccount, Emulator, sdkConfig, startEmulator } from './support/emulator';
import { describeResult, plannedChanges, REPO_ROOT, runProcess, runTerraform, scratchDir, terraformPlan, terraformShowJson, TfResult } from './support/terraform';
import { describeWithTools } from './support/tools';
import { mapLimit } from './fixtures/runbooks/support';

const REGION = 'eu-west-1';
const timings: string[] = [];
async function timed<T extends { ms: number }>(label: string, p: Promise<T>): Promise<T> {
  const r = await p;
  timings.push(`${label} ${(r.ms / 1000).toFixed(1)} s`);
  return r;
}

function cdktf(args: string[], env: NodeJS.ProcessEnv): Promise<TfResult> {
  const nonInteractive = { ...env, CI: 'true', FORCE_COLOR: '0', DISABLE_VERSION_CHECK: 'true', CDKTF_DISABLE_PLUGIN_CACHE_ENV: 'true' };
  return runProcess(path.join(REPO_ROOT, 'node_modules', '.bin', 'cdktf'), args, REPO_ROOT, nonInteractive, 600_000, ['(cdktf)']);
}
/** Offline additions to the README's commands: no provider lock for other platforms (needs the registry). */
const OFFLINE = ['--skip-provider-lock', '--disable-plugin-cache-env'];

describeWithTools(['terraform', 'moto_server'], 'the lifecycle test')('day 2: re-synth, vend, move, rotate, against the emulator', () => {
  jest.setTimeout(1_800_000);
  let emu: Emulator;
  let work: string;
  let out: string;
  let configFile: string;
  let env: NodeJS.ProcessEnv;
  let config: any;
  const ids: Record<string, string> = {};

  const writeConfig = () => fs.writeFileSync(configFile, JSON.stringify(config, null, 2));
  const stacks = () => deployOrder(resolveModel(loadConfigFile(configFile)));
  const stackDir = (name: string) => path.join(out, 'stacks', name);
  const npmSynth = async () => {
    const r = await timed('npm run synth', runProcess('npm', ['run', 'synth'], REPO_ROOT, env, 300_000));
    if (r.code !== 0) throw new Error(describeResult(r));
    return r;
  };

  /**
   * Plans every stack (saved plans), two at a time: the next plan starts as soon as either finishes (not in pairs that
   * wait for their slower half); returns each stack's changes, in deploy order.
   */
  async function planEvery(label: string): Promise<Record<string, ReturnType<typeof plannedChanges>>> {
    const names = stacks();
    const started = Date.now();
    const changes = await mapLimit(names, 2, async (name) => {
      // A stack dropped by a selective deploy's clean-up needs its providers again; the state never left.
      if (!fs.existsSync(path.join(stackDir(name), '.terraform'))) {
        const init = await runTerraform(['init', '-input=false', '-no-color'], stackDir(name), emu.env);
        if (init.code !== 0) throw new Error(describeResult(init));
      }
      const plan = await timed(`${label}: plan ${name}`, terraformPlan(stackDir(name), emu.env, { out: 'lifecycle.tfplan', detailedExitcode: true }));
      if (plan.code !== 0 && plan.code !== 2) throw new Error(`${label}: plan ${name} failed:\n${describeResult(plan)}`);
      // Exit 0 is Terraform's own "diff is empty" (-detailed-exitcode, https://developer.hashicorp.com/terraform/cli/commands/plan):
      // no resource to change, so no `show -json` (a provider-schema load, seconds each) is needed to know it.
      // Any diff (exit 2, outputs and reads included) is read from the saved plan as before.
      return plan.code === 0 ? [] : plannedChanges((await terraformShowJson(stackDir(name), 'lifecycle.tfplan', emu.env)).json);
    });
    timings.push(`${label}: every plan ${((Date.now() - started) / 1000).toFixed(1)} s (wall)`);
    return Object.fromEntries(names.map((name, i) => [name, changes[i]]));
  }
  const nonEmpty = (plans: Record<string, ReturnType<typeof plannedChanges>>) =>
    Object.fromEntries(Object.entries(plans).filter(([, changes]) => changes.length > 0).map(([s, c]) => [s, c.map((x) => `${x.actions.join('+')} ${x.address}`)]));
  const deletions = (plans: Record<string, ReturnType<typeof plannedChanges>>) =>
    Object.entries(plans).flatMap(([s, changes]) => changes.filter((c) => c.actions.includes('delete')).map((c) => `${s}: ${c.actions.join('+')} ${c.address}`));

  /** Applies each stack's saved plan, two at a time in deploy order: each plan is fixed and each stack has its own state. */
  async function applySaved(plans: Record<string, ReturnType<typeof plannedChanges>>, label: string): Promise<void> {
    await mapLimit(stacks().filter((n) => plans[n]?.length), 2, async (name) => {
      const r = await timed(`${label}: apply ${name}`, runTerraform(['apply', '-input=false', '-no-color', 'lifecycle.tfplan'], stackDir(name), emu.env, 600_000));
      if (r.code !== 0) throw new Error(`${label}: apply ${name} failed:\n${describeResult(r)}`);
    });
  }

  beforeAll(async () => {
    emu = (await startEmulator())!;
    const org = new OrganizationsClient(sdkConfig(emu));
    const created = await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    ids.org = created.Organization!.Id!;
    ids.mgmt = created.Organization!.MasterAccountId!;
    ids.root = (await org.send(new ListRootsCommand({}))).Roots![0].Id!;
    ids.securityOu = (await org.send(new CreateOrganizationalUnitCommand({ ParentId: ids.root, Name: 'Security' }))).OrganizationalUnit!.Id!;
    ids.security = (await org.send(new CreateAccountCommand({ AccountName: 'security-tooling', Email: 'security@example.com' }))).CreateAccountStatus!.AccountId!;
    org.destroy();

    work = scratchDir('lifecycle');
    out = path.join(work, 'cdktf.out');
    configFile = path.join(work, 'rootlock.yaml');
    const example = loadConfigFile(DEFAULT_CONFIG);
    config = {
      organization: {
        managementAccountId: ids.mgmt,
        homeRegion: REGION,
        existingOrganizationId: ids.org,
        rootId: ids.root,
        // The trust model's required fields (the pipeline's roles), as support/emulator-org.ts writes them.
        deploymentRoleTrustedBy: [`arn:aws:iam::${ids.mgmt}:role/rootlock-deployer-ci`],
        jobRoleTrustedBy: { plan: [`arn:aws:iam::${ids.mgmt}:role/rootlock-plan-ci`], audit: [`arn:aws:iam::${ids.mgmt}:role/rootlock-audit-ci`], drill: [`arn:aws:iam::${ids.mgmt}:role/rootlock-drill-ci`] },
      },
      securityAccount: 'security-tooling',
      organizationalUnits: [
        { name: 'Security', id: ids.securityOu },
        { name: 'Workloads', parent: 'root' },
        { name: 'Prod', parent: 'Workloads' },
      ],
      accounts: [{ id: ids.security, name: 'security-tooling', ou: 'Security' }],
      breakGlass: { principals: [{ arn: `arn:aws:iam::${ids.mgmt}:user/breakglass-alice`, mfaDeviceArn: `arn:aws:iam::${ids.mgmt}:mfa/breakglass-alice`, custody: 'vault' }] },
      responders: example.responders,
      custody: example.custody,
      alerts: { emails: ['security-oncall@example.com'] },
      monitoring: { guardDuty: false, config: false },
      state: { backend: 'local' },
    };
    writeConfig();
    env = { ...emu.env, ROOTLOCK_CONFIG: configFile, CDKTF_OUTDIR: out };
  });

  afterAll(async () => {
    await emu?.stop();
    process.stdout.write(`\nlifecycle timings:\n  ${timings.join('\n  ')}\n`);
  });

  it('deploys every stack, then npm run synth leaves every plan empty and the state where it was', async () => {
    await npmSynth();
    const r = await timed('cdktf deploy (every stack)', cdktf(['deploy', ...stacks(), '--auto-approve', '--skip-synth', ...OFFLINE, '--output', out], env));
    if (r.code !== 0) throw new Error(describeResult(r, 30000));
    const state = localStateDir(out);
    expect(fs.readdirSync(state).filter((f) => f.endsWith('.tfstate')).sort()).toEqual(stacks().map((s) => `${s}.tfstate`).sort());
    await npmSynth();
    expect(nonEmpty(await planEvery('after re-synth'))).toEqual({});
  });

  it('vends an account with the README\'s commands over a full synth; every plan is empty afterwards', async () => {
    const org = new OrganizationsClient(sdkConfig(emu));
    ids.payments = (await org.send(new CreateAccountCommand({ AccountName: 'payments-prod', Email: 'payments@example.com' }))).CreateAccountStatus!.AccountId!;
    // 1. add it to accounts
    config.accounts.push({ id: ids.payments, name: 'payments-prod', ou: 'Prod' });
    writeConfig();
    // 2. cdktf deploy management --auto-approve
    const management = await timed('vend: cdktf deploy management', cdktf(['deploy', 'management', '--auto-approve', ...OFFLINE, '--output', out], env));
    if (management.code !== 0) throw new Error(describeResult(management, 30000));
    const parent = (await org.send(new ListParentsCommand({ ChildId: ids.payments }))).Parents![0];
    expect(parent.Id).not.toBe(ids.root);
    // 3. ROOTLOCK_STACKS=baseline-<new-account> cdktf deploy security baseline-<new-account> --auto-approve --ignore-missing-stack-dependencies
    //    (security holds the new account's heartbeat alarms)
    const baseline = await timed(
      'vend: cdktf deploy security baseline-payments-prod',
      cdktf(['deploy', 'security', 'baseline-payments-prod', '--auto-approve', '--ignore-missing-stack-dependencies', ...OFFLINE, '--output', out], { ...env, ROOTLOCK_STACKS: 'baseline-payments-prod' }),
    );
    if (baseline.code !== 0) throw new Error(describeResult(baseline, 30000));
    const creds = await assumeAccount(emu, ids.payments);
    expect((await new IAMClient(sdkConfig(emu, { credentials: creds })).send(new GetRoleCommand({ RoleName: 'rootlock-break-glass' }))).Role).toBeDefined();
    org.destroy();

    await npmSynth();
    expect(nonEmpty(await planEvery('after vending'))).toEqual({});
  });

  it('adds an OU and moves the account into it: only the move and the new OU change, then every plan is empty', async () => {
    config.organizationalUnits.push({ name: 'Payments', parent: 'Workloads' });
    config.accounts.find((a: any) => a.name === 'payments-prod').ou = 'Payments';
    writeConfig();
    await npmSynth();
    const plans = await planEvery('move');
    expect(deletions(plans)).toEqual([]);
    expect(Object.keys(nonEmpty(plans))).toEqual(['management']);
    await applySaved(plans, 'move');
    expect(nonEmpty(await planEvery('after move'))).toEqual({});
    const org = new OrganizationsClient(sdkConfig(emu));
    const parent = (await org.send(new ListParentsCommand({ ChildId: ids.payments }))).Parents![0];
    org.destroy();
    expect(parent.Type).toBe('ORGANIZATIONAL_UNIT');
  });

  it('rotates a break-glass principal: each baseline updates its role in place, nothing is replaced, then every plan is empty', async () => {
    config.breakGlass.principals = [{ arn: `arn:aws:iam::${ids.mgmt}:user/breakglass-bob`, mfaDeviceArn: `arn:aws:iam::${ids.mgmt}:mfa/breakglass-bob`, custody: 'vault' }];
    writeConfig();
    await npmSynth();
    const plans = await planEvery('rotate');
    expect(deletions(plans)).toEqual([]);
    const changed = nonEmpty(plans);
    for (const name of stacks().filter((n) => n.startsWith('baseline-'))) expect(changed[name]).toEqual(expect.arrayContaining([expect.stringMatching(/^update aws_iam_role\./)]));
    await applySaved(plans, 'rotate');
    expect(nonEmpty(await planEvery('after rotation'))).toEqual({});
  });
});
