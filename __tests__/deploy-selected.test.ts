/**
 * The vending flow for real: `ROOTLOCK_STACKS=<stack> cdktf deploy <stack>` against the emulator. cdktf runs the synth
 * itself (so the selection goes through cdktf.json's app command), deploys only the named stack, and the state is
 * checked with the AWS SDK: the management stack alone puts the SCPs on the OUs; a baseline alone, with its
 * dependencies synthesized but not deployed, builds the account's break-glass role, forwarding and recorder, and
 * nothing in the security account.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ConfigServiceClient, DescribeConfigurationRecorderStatusCommand } from '@aws-sdk/client-config-service';
import { EventBridgeClient, ListTargetsByRuleCommand } from '@aws-sdk/client-eventbridge';
import { GetRoleCommand, IAMClient, ListOrganizationsFeaturesCommand } from '@aws-sdk/client-iam';
import { ListAWSServiceAccessForOrganizationCommand, ListOrganizationalUnitsForParentCommand, ListPoliciesForTargetCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { CloudTrailClient, DescribeTrailsCommand } from '@aws-sdk/client-cloudtrail';
import { loadConfigFile } from '../config/load';
import { Model, resolveModel } from '../config/model';
import { assumeAccount, Emulator, sdkConfig, startEmulator } from './support/emulator';
import { createEmulatorOrg, EMULATOR_ORG_REGION, EmulatorOrg, writeEmulatorOrgConfig } from './support/emulator-org';
import { describeResult, REPO_ROOT, runProcess, scratchDir, TfResult } from './support/terraform';
import { describeWithTools } from './support/tools';
import { scpSpecs } from '../policies/scp';

function cdktf(args: string[], env: NodeJS.ProcessEnv): Promise<TfResult> {
  const nonInteractive = { ...env, CI: 'true', FORCE_COLOR: '0', DISABLE_VERSION_CHECK: 'true', CDKTF_DISABLE_PLUGIN_CACHE_ENV: 'true' };
  return runProcess(path.join(REPO_ROOT, 'node_modules', '.bin', 'cdktf'), args, REPO_ROOT, nonInteractive, 600_000, ['(cdktf)']);
}
const DEPLOY = ['--auto-approve', '--skip-provider-lock', '--disable-plugin-cache-env'];

describeWithTools(['terraform', 'moto_server'], 'the selected-stack deploy test')('ROOTLOCK_STACKS with cdktf deploy, against the emulator', () => {
  jest.setTimeout(900_000);
  let emu: Emulator;
  let ids: EmulatorOrg;
  let model: Model;
  let env: NodeJS.ProcessEnv;
  let work: string;
  const stacksIn = (out: string) => fs.readdirSync(path.join(out, 'stacks')).sort();

  beforeAll(async () => {
    emu = (await startEmulator())!;
    ids = await createEmulatorOrg(emu);
    work = scratchDir('deploy-selected');
    const config = writeEmulatorOrgConfig(ids, work);
    model = resolveModel(loadConfigFile(config));
    env = { ...emu.env, ROOTLOCK_CONFIG: config };
  });

  afterAll(async () => {
    await emu?.stop();
  });

  it('ROOTLOCK_STACKS=management cdktf deploy management: only that stack is synthesized and deployed, and the SCPs reach the OUs', async () => {
    const out = path.join(work, 'management.out');
    const r = await cdktf(['deploy', 'management', ...DEPLOY, '--output', out], { ...env, ROOTLOCK_STACKS: 'management' });
    if (r.code !== 0) throw new Error(`cdktf deploy management failed:\n${describeResult(r, 30000)}`);
    expect(stacksIn(out)).toEqual(['management']);

    const org = new OrganizationsClient(sdkConfig(emu));
    const principals = (await org.send(new ListAWSServiceAccessForOrganizationCommand({}))).EnabledServicePrincipals!.map((p) => p.ServicePrincipal).sort();
    expect(principals).toEqual(model.organization.servicePrincipals);
    expect((await new IAMClient(sdkConfig(emu)).send(new ListOrganizationsFeaturesCommand({}))).EnabledFeatures).toEqual(['RootCredentialsManagement', 'RootSessions']);
    const scps = async (target: string) => (await org.send(new ListPoliciesForTargetCommand({ TargetId: target, Filter: 'SERVICE_CONTROL_POLICY' }))).Policies!.map((p) => p.Name).sort();
    // Every part of the monitoring protection (split to fit the SCP size limit) and the root-deny SCP.
    const protection = scpSpecs(model).filter((p) => p.key.startsWith('monitoring_protection')).map((p) => p.name);
    expect(protection.length).toBeGreaterThan(0);
    expect(await scps(ids.securityOu)).toEqual(expect.arrayContaining([...protection, model.scps.rootDeny.name]));
    const underRoot = (await org.send(new ListOrganizationalUnitsForParentCommand({ ParentId: ids.root }))).OrganizationalUnits!;
    const suspended = underRoot.find((o) => o.Name === 'Suspended')!;
    // The exempt OU gets monitoring protection but not root-deny.
    expect(await scps(suspended.Id!)).toEqual(expect.arrayContaining(protection));
    expect(await scps(suspended.Id!)).not.toContain(model.scps.rootDeny.name);
    org.destroy();
  });

  it('without --ignore-missing-stack-dependencies cdktf 0.21 refuses a stack whose dependencies are not deployed in the same run', async () => {
    const out = path.join(work, 'refused.out');
    const r = await cdktf(['deploy', 'baseline-payments-prod', ...DEPLOY, '--output', out], { ...env, ROOTLOCK_STACKS: 'baseline-payments-prod' });
    expect(r.code).not.toBe(0);
    expect(`${r.stdout}${r.stderr}`).toContain('The following dependencies are not included in the stacks to run: security');
  });

  it('the vending flow: ROOTLOCK_STACKS=baseline-payments-prod cdktf deploy baseline-payments-prod deploys that account only', async () => {
    const out = path.join(work, 'baseline.out');
    const r = await cdktf(['deploy', 'baseline-payments-prod', ...DEPLOY, '--ignore-missing-stack-dependencies', '--output', out], { ...env, ROOTLOCK_STACKS: 'baseline-payments-prod' });
    if (r.code !== 0) throw new Error(`cdktf deploy baseline-payments-prod failed:\n${describeResult(r, 30000)}`);
    // Its dependencies are synthesized (the manifest is complete) but were not deployed.
    expect(stacksIn(out)).toEqual(['baseline-payments-prod', 'management', 'security']);
    expect(fs.existsSync(path.join(work, 'terraform-state', 'baseline-payments-prod.tfstate'))).toBe(true);
    expect(fs.existsSync(path.join(work, 'terraform-state', 'security.tfstate'))).toBe(false);

    const account = model.allAccounts.find((a) => a.stackName === 'baseline-payments-prod')!;
    const creds = await assumeAccount(emu, account.id);
    const role = await new IAMClient(sdkConfig(emu, { credentials: creds })).send(new GetRoleCommand({ RoleName: model.breakGlass.roleName }));
    expect(role.Role!.Arn).toBe(account.breakGlassRoleArn);
    const forwarded = model.detections.filter((d) => d.event?.scope === 'forwarded' && d.event.regions !== 'global');
    expect(forwarded.length).toBeGreaterThan(0);
    for (const d of forwarded) {
      const targets = (await new EventBridgeClient(sdkConfig(emu, { region: EMULATOR_ORG_REGION, credentials: creds })).send(new ListTargetsByRuleCommand({ Rule: d.event!.ruleName }))).Targets!;
      expect(targets.map((t) => t.Arn)).toContain(model.pipeline.busArn);
    }
    const recorders = (await new ConfigServiceClient(sdkConfig(emu, { region: EMULATOR_ORG_REGION, credentials: creds })).send(new DescribeConfigurationRecorderStatusCommand({}))).ConfigurationRecordersStatus!;
    expect(recorders.map((s) => s.recording)).toEqual([true]);
    // Nothing reached the security account: its stack was only synthesized.
    const securityCreds = await assumeAccount(emu, ids.security);
    const trails = (await new CloudTrailClient(sdkConfig(emu, { region: EMULATOR_ORG_REGION, credentials: securityCreds })).send(new DescribeTrailsCommand({}))).trailList!;
    expect(trails).toEqual([]);
  });
});
