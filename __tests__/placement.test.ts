/**
 * Placement and the guard, proved against the emulator's Organizations with the real provider: only the management
 * stack is synthesized and deployed (terraform init/plan/apply), so each scenario takes seconds, not the minutes of
 * the full deploy test.
 *
 * The organization is adopted as a vending pipeline leaves it: every member account created with CreateAccount, so
 * it sits at the root where no rootlock SCP reaches it; TAG_POLICY enabled with a tag policy on the root; one more
 * ACTIVE account the configuration does not know yet.
 *
 * - the management plan fails, naming the undeclared account and where it is; opting it out (unmanagedAccounts) or
 *   declaring it makes the plan pass;
 * - after the deploy every declared account is in its OU (ListParents) and the root-deny SCP is on its path
 *   (ListPoliciesForTarget on each parent up to the root); TAG_POLICY is still enabled and its policy still attached;
 * - a second plan has no changes.
 */
import * as fs from 'fs';
import * as path from 'path';
import {
  AttachPolicyCommand,
  CreateAccountCommand,
  CreateOrganizationalUnitCommand,
  CreateOrganizationCommand,
  CreatePolicyCommand,
  EnablePolicyTypeCommand,
  ListParentsCommand,
  ListPoliciesForTargetCommand,
  ListRootsCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { validateConfig } from '../config/load';
import { Model, resolveModel } from '../config/model';
import { GUARD_TEXT } from '../config/model-placement';
import { synthesize } from '../stacks/app';
import { localStatePath } from '../config/contract';
import { exampleRaw } from './support/example';
import { Emulator, sdkConfig, startEmulator } from './support/emulator';
import { review } from '../review/analyze';
import { asPlan } from '../review/plan';
import { describeResult, expectExit, scratchDir, terraformApply, terraformInit, terraformPlan, terraformShowJson, TfResult } from './support/terraform';
import { describeWithTools } from './support/tools';

const timings: string[] = [];
async function timed<T extends TfResult>(label: string, run: Promise<T>): Promise<T> {
  const r = await run;
  timings.push(`${label} ${(r.ms / 1000).toFixed(1)} s`);
  return r;
}

describeWithTools(['terraform', 'moto_server'], 'the placement and guard tests')('placement and the guard on a real (emulated) organization', () => {
  jest.setTimeout(600_000);
  let emu: Emulator;
  let org: OrganizationsClient;
  let work: string;
  let sharedInit: string | undefined;
  const ids = { mgmt: '', org: '', root: '', securityOu: '', security: '', payments: '', stray: '', tagPolicy: '' };

  /** The configuration for this organization; `mutate` changes the raw configuration before validation. */
  function configFor(mutate: (c: any) => void = () => {}): Model {
    const raw = exampleRaw();
    raw.organization = { ...raw.organization, managementAccountId: ids.mgmt, existingOrganizationId: ids.org, rootId: ids.root, enabledServicePrincipals: [] };
    raw.organizationalUnits = [
      { name: 'Security', id: ids.securityOu },
      { name: 'Workloads', parent: 'root' },
      { name: 'Prod', parent: 'Workloads' },
      { name: 'Dev', parent: 'Workloads' },
      { name: 'Suspended', parent: 'root' },
    ];
    raw.accounts = [
      { id: ids.security, name: 'security-tooling', ou: 'Security' },
      { id: ids.payments, name: 'payments-prod', ou: 'Prod' },
    ];
    raw.breakGlass.principals = [{ arn: `arn:aws:iam::${ids.mgmt}:user/breakglass-alice`, mfaDeviceArn: `arn:aws:iam::${ids.mgmt}:mfa/breakglass-alice`, custody: 'vault' }];
    mutate(raw);
    return resolveModel(validateConfig(raw));
  }

  /** Synthesizes the management stack of `model` into a fresh directory, sharing one provider install. */
  async function managementDir(name: string, model: Model, stateFrom?: string): Promise<string> {
    // Each scenario its own working copy: local state lives beside the output directory (terraform-state/).
    const out = path.join(work, name, 'cdktf.out');
    fs.mkdirSync(path.dirname(out));
    synthesize(model, out);
    const dir = path.join(out, 'stacks', model.stackNames.management);
    if (!sharedInit) {
      expectExit(await timed('terraform init', terraformInit(dir, emu.env)));
      sharedInit = dir;
    } else {
      fs.copyFileSync(path.join(sharedInit, '.terraform.lock.hcl'), path.join(dir, '.terraform.lock.hcl'));
      fs.symlinkSync(path.join(sharedInit, '.terraform'), path.join(dir, '.terraform'));
    }
    const state = (stackDir: string) => path.resolve(stackDir, localStatePath(model.stackNames.management));
    if (stateFrom) {
      fs.mkdirSync(path.dirname(state(dir)), { recursive: true });
      fs.copyFileSync(state(stateFrom), state(dir));
    }
    return dir;
  }

  /** The review's findings above low on a real saved plan of `dir`, as "severity:rule:account id". */
  async function reviewed(dir: string): Promise<string[]> {
    const plan = await timed('plan -out', terraformPlan(dir, emu.env, { out: 'review.tfplan' }));
    if (plan.code !== 0) throw new Error(describeResult(plan));
    const show = await terraformShowJson(dir, 'review.tfplan', emu.env);
    const r = review([{ stack: 'management', file: 'management.json', plan: asPlan(show.json, 'management.json') }]);
    return r.findings
      .filter((f) => f.change.type === 'aws_organizations_account')
      .map((f) => `${f.severity}:${f.rule.id}:${String(f.change.before.id)}`)
      .sort();
  }

  async function parentOf(id: string): Promise<string> {
    return (await org.send(new ListParentsCommand({ ChildId: id }))).Parents![0].Id!;
  }

  /** SCP names on each node from the account's parent up to the root: what really reaches the account. */
  async function scpsOnPath(accountId: string): Promise<Array<{ node: string; scps: string[] }>> {
    const path: Array<{ node: string; scps: string[] }> = [];
    for (let node = await parentOf(accountId); ; node = await parentOf(node)) {
      const policies = (await org.send(new ListPoliciesForTargetCommand({ TargetId: node, Filter: 'SERVICE_CONTROL_POLICY' }))).Policies!;
      path.push({ node, scps: policies.map((p) => p.Name!).sort() });
      if (node.startsWith('r-')) return path;
    }
  }

  beforeAll(async () => {
    emu = (await startEmulator())!;
    org = new OrganizationsClient(sdkConfig(emu));
    work = scratchDir('placement');
    const created = await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    ids.org = created.Organization!.Id!;
    ids.mgmt = created.Organization!.MasterAccountId!;
    ids.root = (await org.send(new ListRootsCommand({}))).Roots![0].Id!;
    ids.securityOu = (await org.send(new CreateOrganizationalUnitCommand({ ParentId: ids.root, Name: 'Security' }))).OrganizationalUnit!.Id!;
    const vend = async (name: string) => (await org.send(new CreateAccountCommand({ AccountName: name, Email: `${name}@example.com` }))).CreateAccountStatus!.AccountId!;
    ids.security = await vend('security-tooling');
    ids.payments = await vend('payments-prod');
    ids.stray = await vend('stray-sandbox');
    // Tag policies in use before rootlock: the deploy must keep the type enabled and the policy attached.
    await org.send(new EnablePolicyTypeCommand({ RootId: ids.root, PolicyType: 'TAG_POLICY' }));
    const tagPolicy = await org.send(
      new CreatePolicyCommand({ Name: 'cost-center-tags', Description: 'cost centre tags', Type: 'TAG_POLICY', Content: JSON.stringify({ tags: { CostCenter: { tag_key: { '@@assign': 'CostCenter' } } } }) }),
    );
    ids.tagPolicy = tagPolicy.Policy!.PolicySummary!.Id!;
    await org.send(new AttachPolicyCommand({ PolicyId: ids.tagPolicy, TargetId: ids.root }));
    for (const id of [ids.security, ids.payments, ids.stray]) expect(await parentOf(id)).toBe(ids.root);
  });

  afterAll(async () => {
    await emu?.stop();
    process.stdout.write(`placement test timings: ${timings.join(', ')}\n`);
  });

  it('fails the management plan on an undeclared ACTIVE account, naming it, where it is and the fix', async () => {
    const dir = await managementDir('undeclared', configFor());
    const r = await timed('plan (undeclared account)', terraformPlan(dir, emu.env));
    expect({ code: r.code }).toEqual({ code: 1 });
    const text = r.stderr.replace(/\s*│\s*/g, ' ').replace(/\s+/g, ' ');
    expect(text).toContain(GUARD_TEXT.undeclared);
    expect(text).toContain(`${ids.stray} (stray-sandbox) at the root ${ids.root}`);
    expect(text).toContain('unmanagedAccounts ({ id, reason })');
    // Only the stray account: the declared ones, also at the root, are what this plan moves.
    expect(text).not.toContain(`${ids.payments} (`);
  });

  it('passes once the account is opted out with a reason', async () => {
    const model = configFor((c) => (c.unmanagedAccounts = [{ id: ids.stray, reason: 'sandbox run by the data team, ticket SEC-42' }]));
    const r = await timed('plan (opted out)', terraformPlan(await managementDir('opted-out', model), emu.env, { detailedExitcode: true }));
    if (r.code !== 2) throw new Error(describeResult(r));
  });

  let deployed: string;
  let model: Model;
  it('declaring it passes too; the deploy puts every declared account in its OU under the root-deny SCP', async () => {
    model = configFor((c) => c.accounts.push({ id: ids.stray, name: 'stray-sandbox', ou: 'Dev' }));
    deployed = await managementDir('declared', model);
    // The review of the real plan shows each account moving from the root into its OU.
    expect(await reviewed(deployed)).toEqual(model.placement.accounts.map((a) => `medium:RL-ACCOUNT-PLACED:${a.id}`).sort());
    const r = await timed('apply', terraformApply(deployed, emu.env));
    if (r.code !== 0) throw new Error(describeResult(r, 30000));

    const ouIdByName = new Map<string, string>([['Security', ids.securityOu]]);
    const outputs = JSON.parse((await import('child_process')).execFileSync('terraform', ['output', '-json'], { cwd: deployed, env: { ...process.env, ...emu.env } }).toString());
    for (const [name, id] of Object.entries(outputs.organization_ou_ids.value as Record<string, string>)) ouIdByName.set(name, id);
    for (const a of model.placement.accounts) {
      expect({ account: a.name, parent: await parentOf(a.id) }).toEqual({ account: a.name, parent: ouIdByName.get(a.ou) });
      const onPath = await scpsOnPath(a.id);
      expect({ account: a.name, rootDeny: onPath.some((n) => n.scps.includes(model.scps.rootDeny.name)) }).toEqual({ account: a.name, rootDeny: true });
      expect(onPath[onPath.length - 1].node).toBe(ids.root);
    }
  });

  it('keeps TAG_POLICY enabled and its policy attached', async () => {
    const root = (await org.send(new ListRootsCommand({}))).Roots![0];
    expect(root.PolicyTypes!.filter((t) => t.Status === 'ENABLED').map((t) => t.Type).sort()).toEqual(['RESOURCE_CONTROL_POLICY', 'SERVICE_CONTROL_POLICY', 'TAG_POLICY']);
    const tags = (await org.send(new ListPoliciesForTargetCommand({ TargetId: ids.root, Filter: 'TAG_POLICY' }))).Policies!.map((p) => p.Id);
    expect(tags).toEqual([ids.tagPolicy]);
  });

  it('plans no changes afterwards', async () => {
    const r = await timed('re-plan', terraformPlan(deployed, emu.env, { detailedExitcode: true }));
    if (r.code !== 0) throw new Error(describeResult(r));
  });

  it('reviews moving a declared account out of its covered OU as high', async () => {
    const moved = configFor((c) => {
      c.accounts.push({ id: ids.stray, name: 'stray-sandbox', ou: 'Dev' });
      c.accounts[1].ou = 'Suspended';
      c.accounts[1].rootDenyExemptionAcknowledged = true;
    });
    expect(await reviewed(await managementDir('moved-out', moved, deployed))).toEqual([`high:RL-ACCOUNT-MOVED-OUT:${ids.payments}`]);
  });
});
