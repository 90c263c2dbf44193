/**
 * Upgrades converge: the previous release (commit e28add3; there is no release tag) is exported from git, synthesizes
 * the management stack of a small emulated organization into a working copy and applies it, leaving its state where
 * that release kept it (inside cdktf.out). Then this version's `npm run synth` over the same working copy moves the
 * state out, and its plan deletes nothing (no account, OU, policy or attachment in use); applied, a second plan is
 * empty and the accounts and SCPs are still where they were. The management stack is the one whose upgrade could
 * destroy what matters (accounts, OUs, SCPs); each baseline's upgrade is covered by the same state move.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ListParentsCommand, ListPoliciesForTargetCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { Emulator, sdkConfig, startEmulator } from './support/emulator';
import { createEmulatorOrg, EmulatorOrg, writeEmulatorOrgConfig } from './support/emulator-org';
import { describeResult, plannedChanges, REPO_ROOT, runProcess, runTerraform, scratchDir, terraformPlan, terraformShowJson } from './support/terraform';
import { describeWithTools } from './support/tools';
import { LOCAL_STATE_DIR } from '../config/contract';

/** The previous release. */
const PREVIOUS = 'e28add3';
const STACK = 'management';

describeWithTools(['terraform', 'moto_server'], 'the upgrade test')(`upgrading from ${PREVIOUS} over its state`, () => {
  jest.setTimeout(1_200_000);
  let emu: Emulator;
  let ids: EmulatorOrg;
  let work: string;
  let env: NodeJS.ProcessEnv;
  const timings: string[] = [];
  const out = () => path.join(work, 'cdktf.out');
  const dir = () => path.join(out(), 'stacks', STACK);

  async function step(label: string, command: string, args: string[], cwd: string, extra: NodeJS.ProcessEnv = {}) {
    const r = await runProcess(command, args, cwd, { ...env, ...extra }, 600_000);
    timings.push(`${label} ${(r.ms / 1000).toFixed(1)} s`);
    if (r.code !== 0) throw new Error(`${label} failed:\n${describeResult(r)}`);
    return r;
  }
  async function scps(target: string): Promise<string[]> {
    const org = new OrganizationsClient(sdkConfig(emu));
    const names = (await org.send(new ListPoliciesForTargetCommand({ TargetId: target, Filter: 'SERVICE_CONTROL_POLICY' }))).Policies!.map((p) => p.Name!).sort();
    org.destroy();
    return names;
  }

  beforeAll(async () => {
    emu = (await startEmulator())!;
    ids = await createEmulatorOrg(emu);
    work = scratchDir('upgrade');
    const config = writeEmulatorOrgConfig(ids, work);
    env = { ...emu.env, ROOTLOCK_CONFIG: config, CDKTF_OUTDIR: out() };
  });
  afterAll(async () => {
    await emu?.stop();
    process.stdout.write(`upgrade timings: ${timings.join(', ')}\n`);
  });

  it(`the previous release deploys the management stack, keeping its state inside ${path.join('cdktf.out', 'stacks', STACK)}`, async () => {
    const previous = path.join(work, 'previous-release');
    fs.mkdirSync(previous);
    execFileSync('sh', ['-c', `git -C "${REPO_ROOT}" archive ${PREVIOUS} | tar -x -C "${previous}"`]);
    fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(previous, 'node_modules'));
    // The same organization in the previous release's configuration format: without the fields this release added
    // (the job roles' principals, the root mailbox owner), which it refuses as unknown.
    const previousConfig = path.join(work, 'previous-rootlock.yaml');
    const current = JSON.parse(fs.readFileSync(env.ROOTLOCK_CONFIG!, 'utf8'));
    delete current.organization.jobRoleTrustedBy;
    for (const r of current.responders ?? []) r.custody = (r.custody ?? []).filter((c: string) => c !== 'root-mailbox');
    fs.writeFileSync(previousConfig, JSON.stringify(current, null, 2));
    await step('previous synth', process.execPath, [path.join(REPO_ROOT, 'node_modules', 'ts-node', 'dist', 'bin.js'), '--transpile-only', 'main.ts'], previous, { ROOTLOCK_STACKS: STACK, ROOTLOCK_CONFIG: previousConfig });
    await step('previous init', 'terraform', ['init', '-input=false', '-no-color'], dir());
    await step('previous apply', 'terraform', ['apply', '-input=false', '-no-color', '-auto-approve'], dir());
    expect(fs.existsSync(path.join(dir(), 'terraform.tfstate'))).toBe(true);
  });

  it('this version re-synthesizes over it, moves the state out, and its plan deletes nothing', async () => {
    const before = await scps(ids.securityOu);
    const synth = await step('npm run synth', 'npm', ['run', 'synth'], REPO_ROOT);
    expect(synth.stderr).toContain(`moved the local state of ${STACK}`);
    expect(fs.existsSync(path.join(dir(), 'terraform.tfstate'))).toBe(false);
    expect(fs.existsSync(path.join(work, LOCAL_STATE_DIR, `${STACK}.tfstate`))).toBe(true);
    await step('init', 'terraform', ['init', '-input=false', '-no-color'], dir());
    const plan = await terraformPlan(dir(), emu.env, { out: 'upgrade.tfplan' });
    timings.push(`plan ${(plan.ms / 1000).toFixed(1)} s`);
    if (plan.code !== 0) throw new Error(describeResult(plan));
    const changes = plannedChanges((await terraformShowJson(dir(), 'upgrade.tfplan', emu.env)).json);
    expect(changes.filter((c) => c.actions.includes('delete')).map((c) => `${c.actions.join('+')} ${c.address}`)).toEqual([]);
    // Something is added (the upgrade is not a no-op by accident: the state was found, not re-created).
    expect(changes.filter((c) => c.actions.includes('create')).length).toBeLessThan(10);
    const apply = await runTerraform(['apply', '-input=false', '-no-color', 'upgrade.tfplan'], dir(), emu.env, 600_000);
    timings.push(`apply ${(apply.ms / 1000).toFixed(1)} s`);
    if (apply.code !== 0) throw new Error(describeResult(apply));
    const again = await terraformPlan(dir(), emu.env, { detailedExitcode: true });
    timings.push(`re-plan ${(again.ms / 1000).toFixed(1)} s`);
    expect({ code: again.code, out: again.code === 0 ? '' : describeResult(again) }).toEqual({ code: 0, out: '' });
    // The SCPs in use are still attached; the accounts are still in their OUs.
    expect(await scps(ids.securityOu)).toEqual(expect.arrayContaining(before));
    const org = new OrganizationsClient(sdkConfig(emu));
    expect((await org.send(new ListParentsCommand({ ChildId: ids.security }))).Parents![0].Id).toBe(ids.securityOu);
    org.destroy();
  });
});
