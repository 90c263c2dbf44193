/**
 * The stock hashicorp/aws provider against the emulator, configured only through the environment: every resource type
 * the stacks use is created, re-planned (no changes: no perpetual diff), and destroyed. Fixtures: __tests__/fixtures/terraform.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CreateAccountCommand, CreateOrganizationCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { IAMClient, GetRoleCommand, ListAttachedRolePoliciesCommand } from '@aws-sdk/client-iam';
import { CloudTrailClient, GetTrailCommand } from '@aws-sdk/client-cloudtrail';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { CreateQueueCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { assumeAccount, Emulator, resetEmulator, sdkConfig, startEmulator } from './support/emulator';
import {
  describeResult,
  expectExit,
  runTerraform,
  scratchDir,
  terraformApply,
  terraformDestroy,
  terraformInit,
  terraformPlan,
  terraformValidate,
  TfResult,
} from './support/terraform';
import { describeWithTools } from './support/tools';

const FIXTURES = path.join(__dirname, 'fixtures', 'terraform');
const timings: Array<[string, number]> = [];

function copyFixture(name: string): string {
  const dir = scratchDir(`fixture-${name}`);
  fs.copyFileSync(path.join(FIXTURES, name, 'main.tf.json'), path.join(dir, 'main.tf.json'));
  return dir;
}

async function timed<T extends TfResult>(label: string, p: Promise<T>): Promise<T> {
  const r = await p;
  timings.push([label, r.ms]);
  return r;
}

/** init + apply + plan -detailed-exitcode (must be 0: no changes). */
async function applyAndReplan(name: string, env: NodeJS.ProcessEnv): Promise<string> {
  const dir = copyFixture(name);
  expectExit(await timed(`${name}: init`, terraformInit(dir, env)));
  expectExit(await timed(`${name}: apply`, terraformApply(dir, env)));
  const plan = await timed(`${name}: re-plan`, terraformPlan(dir, env, { detailedExitcode: true }));
  if (plan.code !== 0) throw new Error(`second plan of ${name} is not empty (perpetual diff or error):\n${describeResult(plan)}`);
  return dir;
}

describeWithTools(['terraform', 'moto_server'], 'the Terraform-against-emulator tests')('Terraform fixtures against the emulator', () => {
  let emu: Emulator;
  jest.setTimeout(600_000);

  beforeAll(async () => {
    emu = (await startEmulator())!;
  });

  afterAll(async () => {
    await emu?.stop();
    process.stdout.write(`\nTerraform fixture timings:\n${timings.map(([l, ms]) => `  ${l.padEnd(40)} ${(ms / 1000).toFixed(1)} s`).join('\n')}\n`);
  });

  it('a deliberately broken configuration fails validation with the provider\'s own errors', async () => {
    const dir = copyFixture('broken');
    expectExit(await terraformInit(dir, emu.env));
    const v = await timed('broken: validate', terraformValidate(dir, emu.env));
    expect(v.valid).toBe(false);
    const text = v.errors.map((e) => `${e.summary} ${e.detail ?? ''}`).join('\n');
    expect(text).toMatch(/retention_in_days/);
    expect(text).toMatch(/comparison_operator/);
    expect(v.errors.every((e) => e.range?.filename === 'main.tf.json')).toBe(true);
  });

  it('creates an organization with trusted access for iam.amazonaws.com, re-plans clean, destroys', async () => {
    await resetEmulator(emu);
    const dir = await applyAndReplan('organization-create', emu.env);
    expectExit(await timed('organization-create: destroy', terraformDestroy(dir, emu.env)));
  });

  it('adopts an organization, builds the security account and a member baseline across accounts, re-plans clean, destroys', async () => {
    await resetEmulator(emu);
    const org = new OrganizationsClient(sdkConfig(emu));
    const created = await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    const securityId = (await org.send(new CreateAccountCommand({ AccountName: 'security', Email: 's@example.com' }))).CreateAccountStatus!.AccountId!;
    const memberId = (await org.send(new CreateAccountCommand({ AccountName: 'member', Email: 'm@example.com' }))).CreateAccountStatus!.AccountId!;
    const env = {
      ...emu.env,
      TF_VAR_organization_id: created.Organization!.Id!,
      TF_VAR_management_account_id: created.Organization!.MasterAccountId!,
      TF_VAR_security_account_id: securityId,
      TF_VAR_member_account_id: memberId,
    };

    const mgmtDir = await applyAndReplan('organization-adopt', env);
    const securityDir = await applyAndReplan('security-account', env);
    // The security account's cross-account alarm on the member's forwarding DLQ (metric_query.account_id re-planned
    // clean above) sees the member's data only once the member's CloudWatch-CrossAccountSharingRole trusts it.
    const security = await assumeAccount(emu, securityId);
    const member = await assumeAccount(emu, memberId);
    const sqs = new SQSClient(sdkConfig(emu, { region: 'eu-west-1', credentials: member }));
    const dlq = await sqs.send(new CreateQueueCommand({ QueueName: 'rootlock-forwarding-dlq' }));
    await sqs.send(new SendMessageCommand({ QueueUrl: dlq.QueueUrl!, MessageBody: 'an event the forwarder could not deliver' }));
    const alarms = new CloudWatchClient(sdkConfig(emu, { region: 'eu-west-1', credentials: security }));
    const watch = async () => (await alarms.send(new DescribeAlarmsCommand({ AlarmNames: ['rootlock-member-forwarding-dlq'] }))).MetricAlarms![0];
    expect(await watch()).toMatchObject({ StateValue: 'OK', Metrics: [{ Id: 'm1', AccountId: memberId, ReturnData: true }] });
    const memberDir = await applyAndReplan('member-baseline', env);
    expect((await watch()).StateValue).toBe('ALARM');

    // Resources landed in the accounts the providers assumed into.
    const role = await new IAMClient(sdkConfig(emu, { credentials: member })).send(new GetRoleCommand({ RoleName: 'rootlock-break-glass' }));
    expect(role.Role!.Arn).toBe(`arn:aws:iam::${memberId}:role/rootlock-break-glass`);
    const attached = await new IAMClient(sdkConfig(emu, { credentials: member })).send(new ListAttachedRolePoliciesCommand({ RoleName: 'rootlock-break-glass' }));
    expect(attached.AttachedPolicies!.map((p) => p.PolicyArn)).toEqual(['arn:aws:iam::aws:policy/AdministratorAccess']);
    const trail = await new CloudTrailClient(sdkConfig(emu, { region: 'eu-west-1', credentials: security })).send(new GetTrailCommand({ Name: 'rootlock-organization-trail' }));
    expect(trail.Trail).toMatchObject({ IsOrganizationTrail: true, IsMultiRegionTrail: true, LogFileValidationEnabled: true });
    expect(trail.Trail!.TrailARN).toContain(`:${created.Organization!.MasterAccountId}:trail/`);

    // Two states that share no resource, destroyed together: most of each is the provider's own waiters (SQS, Config).
    const started = Date.now();
    const [memberDestroy, securityDestroy] = await Promise.all([timed('member-baseline: destroy', terraformDestroy(memberDir, env)), timed('security-account: destroy', terraformDestroy(securityDir, env))]);
    timings.push(['member-baseline + security-account: destroy (wall)', Date.now() - started]);
    expectExit(memberDestroy);
    expectExit(securityDestroy);
    // An adopted organization is never deleted (AWS refuses while it has members): forget it, destroy the rest.
    expectExit(await runTerraform(['state', 'rm', '-no-color', 'aws_organizations_organization.this'], mgmtDir, env));
    expectExit(await timed('organization-adopt: destroy', terraformDestroy(mgmtDir, env)));
  });
});
