/**
 * `npm run audit` against the emulator. The "clean deployed state" is built with the AWS SDK directly (organization,
 * OUs, accounts, trusted access, centralized root access, the two SCPs, break-glass roles with the synthesized trust
 * policy, the organization trail with its log group, alarms, topic, subscriptions, dead-letter queue, GuardDuty), not
 * with a full cdktf deploy, to keep the test fast; every name comes from the resolved model. Then the organization
 * drifts (an account left at the root, an undeclared account, a root password and a root access key in one member
 * account, a disabled alarm action, a pending subscription) and each drift must be found with its id and severity.
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CloudTrailClient, CreateTrailCommand, RegisterOrganizationDelegatedAdminCommand, StartLoggingCommand } from '@aws-sdk/client-cloudtrail';
import { CloudWatchClient, DisableAlarmActionsCommand, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, CreateLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import { ConfigServiceClient, PutConfigurationRecorderCommand, PutDeliveryChannelCommand, StartConfigurationRecorderCommand } from '@aws-sdk/client-config-service';
import { CreateDetectorCommand, GuardDutyClient } from '@aws-sdk/client-guardduty';
import {
  CreateAccessKeyCommand,
  CreateLoginProfileCommand,
  CreateRoleCommand,
  DisableOrganizationsRootSessionsCommand,
  EnableOrganizationsRootCredentialsManagementCommand,
  EnableOrganizationsRootSessionsCommand,
  IAMClient,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam';
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
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, ListSubscriptionsByTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { AssumeRootCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { loadConfigFile } from '../config/load';
import { Model, resolveModel } from '../config/model';
import { breakGlassTrustPolicy } from '../policies/break-glass';
import { policyJson } from '../policies/document';
import { cloudTrailToLogsPolicy, serviceRoleTrust } from '../policies/pipeline';
import { rootDenyScp, scpSpecs } from '../policies/scp';
import { taskPolicyArn } from '../config/root-tasks';
import { AwsAccess } from '../audit/aws';
import { checkDef, Result } from '../audit/checks';
import { auditJsonSchema, exitCodeFor, renderJson, renderMarkdown } from '../audit/report';
import { runAudit } from '../audit/run';
import { renderSarif } from '../audit/sarif';
import { exampleRaw } from './support/example';
import { assumeAccount, AwsCredentials, Emulator, sdkConfig, startEmulator } from './support/emulator';
import { describeWithTools } from './support/tools';
import { validateSarif } from './support/sarif';

const REPO = path.join(__dirname, '..');

/**
 * The CLI as a process, asynchronously: a synchronous spawn would stop this process from draining the emulator's
 * output pipe, and the emulator, blocked writing its request log, would never answer the CLI.
 */
function cli(args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(path.join(REPO, 'node_modules', '.bin', 'ts-node'), ['--transpile-only', 'audit/cli.ts', ...args], { cwd: REPO, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    child.stderr.on('data', (d) => (stderr += String(d)));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}
const region = 'eu-west-1';

describeWithTools(['moto_server'], 'the audit emulator tests')('npm run audit against the emulator', () => {
  jest.setTimeout(300_000);
  let emu: Emulator;
  let model: Model;
  let configFile: string;
  let access: AwsAccess;
  const ids = { org: '', mgmt: '', root: '', security: '', payments: '', legacy: '', shadow: '', securityOu: '', workloadsOu: '', prodOu: '' };
  const creds: Record<string, AwsCredentials> = {};
  const now = new Date();

  const audit = () => runAudit(model, access, { now });
  /** The baseline stack's part the audit reads: the break-glass role and a recording AWS Config recorder. */
  const baseline = async (credentials?: AwsCredentials) => {
    await new IAMClient(sdkConfig(emu, { credentials })).send(new CreateRoleCommand({ RoleName: model.breakGlass.roleName, AssumeRolePolicyDocument: policyJson(breakGlassTrustPolicy(model)) }));
    const cfg = new ConfigServiceClient(sdkConfig(emu, { region, credentials }));
    const account = credentials ? (await new STSClient(sdkConfig(emu, { region, credentials })).send(new GetCallerIdentityCommand({}))).Account! : ids.mgmt;
    await cfg.send(new PutConfigurationRecorderCommand({ ConfigurationRecorder: { name: 'rootlock', roleARN: `arn:aws:iam::${account}:role/${model.pipeline.configRoleName}`, recordingGroup: { allSupported: true } } }));
    await cfg.send(new PutDeliveryChannelCommand({ DeliveryChannel: { name: 'rootlock', s3BucketName: model.pipeline.configBucketName } }));
    await cfg.send(new StartConfigurationRecorderCommand({ ConfigurationRecorderName: 'rootlock' }));
  };
  const open = (results: Result[]) => results.filter((r) => r.status !== 'pass').map((r) => ({ check: r.check, severity: checkDef(r.check).severity, status: r.status, resource: r.resource }));

  beforeAll(async () => {
    emu = (await startEmulator())!;
    access = { base: { endpoint: emu.endpoint, credentials: sdkConfig(emu).credentials }, concurrency: 8 };
    const org = new OrganizationsClient(sdkConfig(emu));
    const created = (await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }))).Organization!;
    ids.org = created.Id!;
    ids.mgmt = created.MasterAccountId!;
    ids.root = (await org.send(new ListRootsCommand({}))).Roots![0].Id!;
    const ou = async (name: string, parent: string) => (await org.send(new CreateOrganizationalUnitCommand({ ParentId: parent, Name: name }))).OrganizationalUnit!.Id!;
    ids.securityOu = await ou('Security', ids.root);
    ids.workloadsOu = await ou('Workloads', ids.root);
    ids.prodOu = await ou('Prod', ids.workloadsOu);
    const account = async (name: string) => (await org.send(new CreateAccountCommand({ AccountName: name, Email: `${name}@example.com` }))).CreateAccountStatus!.AccountId!;
    ids.security = await account('security-tooling');
    ids.payments = await account('payments-prod');
    await org.send(new MoveAccountCommand({ AccountId: ids.security, SourceParentId: ids.root, DestinationParentId: ids.securityOu }));
    await org.send(new MoveAccountCommand({ AccountId: ids.payments, SourceParentId: ids.root, DestinationParentId: ids.prodOu }));
    creds.security = await assumeAccount(emu, ids.security);
    creds.payments = await assumeAccount(emu, ids.payments);

    const raw = exampleRaw();
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'rootlock-audit-'));
    configFile = path.join(work, 'rootlock.yaml');
    const config = {
      ...raw,
      organization: {
        managementAccountId: ids.mgmt,
        homeRegion: region,
        existingOrganizationId: ids.org,
        rootId: ids.root,
        deploymentRoleTrustedBy: [`arn:aws:iam::${ids.mgmt}:role/rootlock-deployer-ci`],
      },
      securityAccount: 'security-tooling',
      organizationalUnits: [
        { name: 'Security', id: ids.securityOu },
        { name: 'Workloads', parent: 'root' },
        { name: 'Prod', parent: 'Workloads' },
      ],
      accounts: [
        { id: ids.security, name: 'security-tooling', ou: 'Security' },
        { id: ids.payments, name: 'payments-prod', ou: 'Prod' },
      ],
      breakGlass: { principals: [{ arn: `arn:aws:iam::${ids.mgmt}:user/breakglass-alice`, mfaDeviceArn: `arn:aws:iam::${ids.mgmt}:mfa/breakglass-alice`, custody: 'vault' }] },
      alerts: { emails: ['security-oncall@example.com'], httpsEndpoints: ['https://events.pagerduty.com/integration/examplekey/enqueue'] },
      exemptions: [],
      monitoring: { guardDuty: true, config: true },
    };
    fs.writeFileSync(configFile, JSON.stringify(config, null, 2));
    model = resolveModel(loadConfigFile(configFile));

    // Management stack equivalent.
    for (const p of model.organization.servicePrincipals) await org.send(new EnableAWSServiceAccessCommand({ ServicePrincipal: p }));
    const iam = new IAMClient(sdkConfig(emu));
    await iam.send(new EnableOrganizationsRootCredentialsManagementCommand({}));
    await iam.send(new EnableOrganizationsRootSessionsCommand({}));
    await org.send(new EnablePolicyTypeCommand({ RootId: ids.root, PolicyType: 'SERVICE_CONTROL_POLICY' }));
    const scp = async (name: string, content: string, targets: string[]) => {
      const id = (await org.send(new CreatePolicyCommand({ Name: name, Description: name, Type: 'SERVICE_CONTROL_POLICY', Content: content }))).Policy!.PolicySummary!.Id!;
      for (const t of targets) await org.send(new AttachPolicyCommand({ PolicyId: id, TargetId: t }));
    };
    await scp(model.scps.rootDeny.name, policyJson(rootDenyScp()), [ids.securityOu, ids.workloadsOu]);
    for (const part of scpSpecs(model).filter((p) => p.key.startsWith('monitoring_protection'))) await scp(part.name, part.json, [ids.securityOu, ids.workloadsOu]);
    await new CloudTrailClient(sdkConfig(emu, { region })).send(new RegisterOrganizationDelegatedAdminCommand({ MemberAccountId: ids.security }));

    // Baselines: the break-glass role with the synthesized trust policy, and AWS Config recording, in every account.
    for (const c of [undefined, creds.security, creds.payments]) await baseline(c);

    // Security stack equivalent, in the security account.
    const sec = sdkConfig(emu, { region, credentials: creds.security });
    const p = model.pipeline;
    await new S3Client({ ...sec, forcePathStyle: true }).send(new CreateBucketCommand({ Bucket: p.trailBucketName, CreateBucketConfiguration: { LocationConstraint: region } }));
    await new CloudWatchLogsClient(sec).send(new CreateLogGroupCommand({ logGroupName: p.logGroupName }));
    // CloudTrail's role for the log group, as the security stack builds it: CreateTrail checks it can deliver.
    const secIam = new IAMClient(sec);
    await secIam.send(new CreateRoleCommand({ RoleName: p.cloudTrailToLogsRoleName, AssumeRolePolicyDocument: policyJson(serviceRoleTrust('cloudtrail-to-logs-role', ids.security)) }));
    await secIam.send(new PutRolePolicyCommand({ RoleName: p.cloudTrailToLogsRoleName, PolicyName: 'deliver-to-log-group', PolicyDocument: policyJson(cloudTrailToLogsPolicy(model)) }));
    const trail = new CloudTrailClient(sec);
    await trail.send(
      new CreateTrailCommand({
        Name: p.trailName,
        S3BucketName: p.trailBucketName,
        IsOrganizationTrail: true,
        IsMultiRegionTrail: true,
        CloudWatchLogsLogGroupArn: `${p.logGroupArn}:*`,
        CloudWatchLogsRoleArn: `arn:aws:iam::${ids.security}:role/${p.cloudTrailToLogsRoleName}`,
      }),
    );
    await trail.send(new StartLoggingCommand({ Name: p.trailArn }));
    const sns = new SNSClient(sec);
    await sns.send(new CreateTopicCommand({ Name: p.topicName }));
    for (const s of p.subscriptions) await sns.send(new SubscribeCommand({ TopicArn: p.topicArn, Protocol: s.protocol, Endpoint: s.endpoint }));
    // The low-noise compliance topic the CIS alarm notifies, as the security stack builds it.
    await sns.send(new CreateTopicCommand({ Name: model.compliance.topicName }));
    const cw = new CloudWatchClient(sec);
    for (const d of model.detections.filter((x) => x.metric)) {
      await cw.send(
        new PutMetricAlarmCommand({
          AlarmName: d.metric!.alarmName,
          MetricName: d.metric!.metricName,
          Namespace: p.metricNamespace,
          Statistic: 'Sum',
          Period: p.alarmPeriodSeconds,
          EvaluationPeriods: 1,
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          TreatMissingData: 'notBreaching',
          AlarmActions: [d.metric!.route === 'compliance' ? model.compliance.topicArn : p.topicArn],
          ActionsEnabled: true,
        }),
      );
    }
    await new SQSClient(sec).send(new CreateQueueCommand({ QueueName: p.deadLetterQueueName }));
    await new GuardDutyClient(sec).send(new CreateDetectorCommand({ Enable: true }));
  });

  afterAll(async () => {
    await emu?.stop();
  });

  it('a clean deployed state reports no finding, identically twice (exit 0)', async () => {
    const first = await audit();
    expect(open(first.results)).toEqual([]);
    expect(exitCodeFor(first.results)).toBe(0);
    // Every check family ran: organization, accounts, root credentials of both members, pipeline.
    const checks = new Set(first.results.map((r) => r.check));
    for (const id of ['org-root-sessions', 'account-break-glass-role', 'root-login-profile', 'root-access-keys', 'pipeline-trail-delivery', 'pipeline-subscriptions', 'pipeline-guardduty', 'pipeline-config-recorder']) {
      expect(checks).toContain(id);
    }
    expect(first.results.filter((r) => r.check === 'root-access-keys').map((r) => r.resource.slice(0, 12)).sort()).toEqual([ids.payments, ids.security].sort());
    const second = await audit();
    expect(renderMarkdown(second, 'rootlock.yaml')).toBe(renderMarkdown(first, 'rootlock.yaml'));
    expect(renderJson(second)).toBe(renderJson(first));
  });

  it('finds every drift with its id and severity (exit 2), identically twice', async () => {
    const org = new OrganizationsClient(sdkConfig(emu));
    // A declared account left under the root, and an account nobody declared.
    ids.legacy = (await org.send(new CreateAccountCommand({ AccountName: 'legacy-app', Email: 'legacy@example.com' }))).CreateAccountStatus!.AccountId!;
    ids.shadow = (await org.send(new CreateAccountCommand({ AccountName: 'shadow-it', Email: 'shadow@example.com' }))).CreateAccountStatus!.AccountId!;
    await org.send(new MoveAccountCommand({ AccountId: ids.shadow, SourceParentId: ids.root, DestinationParentId: ids.prodOu }));
    const raw = JSON.parse(fs.readFileSync(configFile, 'utf8'));
    raw.accounts.push({ id: ids.legacy, name: 'legacy-app', ou: 'Prod' });
    fs.writeFileSync(configFile, JSON.stringify(raw, null, 2));
    model = resolveModel(loadConfigFile(configFile));
    await baseline(await assumeAccount(emu, ids.legacy));

    // A root password (recovered through an IAMCreateRootUserPassword task session) and a root access key (created
    // by the root user signed in) in payments-prod.
    const sts = new STSClient(sdkConfig(emu, { region }));
    const task = (await sts.send(new AssumeRootCommand({ TargetPrincipal: ids.payments, TaskPolicyArn: { arn: taskPolicyArn('IAMCreateRootUserPassword') } }))).Credentials!;
    await new IAMClient(sdkConfig(emu, { credentials: { accessKeyId: task.AccessKeyId!, secretAccessKey: task.SecretAccessKey!, sessionToken: task.SessionToken } })).send(new CreateLoginProfileCommand({}));
    const signIn: any = await (await fetch(`${emu.endpoint}/moto-api/rootlock/root-sign-in?accountId=${ids.payments}`, { method: 'POST' })).json();
    await new IAMClient(sdkConfig(emu, { credentials: { accessKeyId: signIn.AccessKeyId, secretAccessKey: signIn.SecretAccessKey } })).send(new CreateAccessKeyCommand({}));

    // A disabled alarm action and an unconfirmed subscription.
    const sec = sdkConfig(emu, { region, credentials: creds.security });
    const rootUsage = model.detections.find((d) => d.id === 'root-usage')!.metric!.alarmName;
    await new CloudWatchClient(sec).send(new DisableAlarmActionsCommand({ AlarmNames: [rootUsage] }));
    const email = (await new SNSClient(sec).send(new ListSubscriptionsByTopicCommand({ TopicArn: model.pipeline.topicArn }))).Subscriptions!.find((s) => s.Protocol === 'email')!;
    expect((await fetch(`${emu.endpoint}/moto-api/rootlock/sns-pending?subscriptionArn=${encodeURIComponent(email.SubscriptionArn!)}`, { method: 'POST' })).status).toBe(200);

    const outcome = await audit();
    const who = (id: string, name: string) => `${id} (${name})`;
    expect(open(outcome.results)).toEqual(
      expect.arrayContaining([
        { check: 'account-undeclared', severity: 'high', status: 'fail', resource: who(ids.shadow, 'shadow-it') },
        { check: 'account-at-root', severity: 'high', status: 'fail', resource: who(ids.legacy, 'legacy-app') },
        { check: 'account-root-deny-scp', severity: 'high', status: 'fail', resource: who(ids.legacy, 'legacy-app') },
        { check: 'root-login-profile', severity: 'high', status: 'fail', resource: who(ids.payments, 'payments-prod') },
        { check: 'root-access-keys', severity: 'high', status: 'fail', resource: who(ids.payments, 'payments-prod') },
        { check: 'pipeline-alarm-actions', severity: 'high', status: 'fail', resource: rootUsage },
        { check: 'pipeline-subscriptions', severity: 'high', status: 'fail', resource: 'email:security-oncall@example.com' },
      ]),
    );
    // Nothing else: the other accounts, root users, alarms and the https subscription are still clean.
    expect(open(outcome.results)).toHaveLength(8);
    expect(open(outcome.results).map((r) => r.check)).toContain('account-monitoring-scp');
    expect(exitCodeFor(outcome.results)).toBe(2);

    const again = await audit();
    expect(renderMarkdown(again, 'rootlock.yaml')).toBe(renderMarkdown(outcome, 'rootlock.yaml'));
    expect(renderJson(again)).toBe(renderJson(outcome));
    expect(auditJsonSchema.safeParse(JSON.parse(renderJson(outcome))).success).toBe(true);
    expect(validateSarif(JSON.parse(renderSarif(outcome, 'rootlock.yaml')))).toEqual([]);
  });

  it('the CLI prints the markdown report, passes markdownlint, and exits 2 on the drifted state', async () => {
    // NODE_NO_WARNINGS: the SDK's Node.js-version notice (Node 20) is not the audit's output.
    const env = { ...process.env, ...emu.env, ROOTLOCK_CONFIG: configFile, NODE_NO_WARNINGS: '1' };
    const out = path.join(path.dirname(configFile), 'audit.md');
    // This state was built with the SDK, not deployed from a synth: an empty synth (no stacks) leaves the deployed-state
    // checks out (audit-deployed.test.ts proves those against a Terraform-applied stack).
    const noStacks = path.join(path.dirname(configFile), 'no-synth');
    fs.mkdirSync(path.join(noStacks, 'stacks'), { recursive: true });
    const r = await cli(['--out', out, '--synth-dir', noStacks], env);
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 2, stderr: '' });
    const md = fs.readFileSync(out, 'utf8');
    expect(md).toContain('`root-access-keys`');
    const lint = spawnSync(path.join(REPO, 'node_modules', '.bin', 'markdownlint-cli2'), ['--config', path.join(REPO, '.markdownlint-cli2.jsonc'), out], { cwd: REPO, encoding: 'utf8' });
    expect({ status: lint.status, output: lint.stdout + lint.stderr }).toEqual({ status: 0, output: expect.any(String) });

    const json = await cli(['--json', '--synth-dir', noStacks], env);
    expect(json.status).toBe(2);
    expect(auditJsonSchema.safeParse(JSON.parse(json.stdout)).success).toBe(true);
  });

  it('the CLI exits 1 on usage errors (the problem, then the usage) and with one line on access errors', async () => {
    const usage = await cli(['--bogus'], { ...process.env, ...emu.env, ROOTLOCK_CONFIG: configFile, NODE_NO_WARNINGS: '1' });
    expect(usage.status).toBe(1);
    expect(usage.stderr.split('\n')[0]).toBe('rootlock audit: unknown option --bogus');
    expect(usage.stderr).toContain('usage: npm run audit');
    const help = await cli(['--help'], { ...process.env, ...emu.env, ROOTLOCK_CONFIG: configFile, NODE_NO_WARNINGS: '1' });
    expect({ status: help.status, stderr: help.stderr }).toEqual({ status: 0, stderr: '' });
    expect(help.stdout).toMatch(/^usage: npm run audit/);
    // A member account's credentials cannot read the organization's features as its manager: another organization view.
    const raw = JSON.parse(fs.readFileSync(configFile, 'utf8'));
    raw.organization.managementAccountId = '999999999999';
    const other = path.join(path.dirname(configFile), 'other.yaml');
    fs.writeFileSync(other, JSON.stringify(raw));
    const access = await cli(['--synth-dir', REPO], { ...process.env, ...emu.env, ROOTLOCK_CONFIG: other, NODE_NO_WARNINGS: '1' });
    expect(access.status).toBe(1);
    expect(access.stderr.trim().split('\n')).toHaveLength(1);
    expect(access.stderr).toMatch(/the credentials belong to the organization managed by/);
    expect(access.stderr).not.toMatch(/\n\s+at /);
  });

  it('root credentials the caller may not read are "not checked", never passed', async () => {
    await new IAMClient(sdkConfig(emu)).send(new DisableOrganizationsRootSessionsCommand({}));
    const outcome = await audit();
    const root = outcome.results.filter((r) => r.check.startsWith('root-'));
    expect(root.length).toBeGreaterThan(0);
    expect(new Set(root.map((r) => r.status))).toEqual(new Set(['not-checked']));
    expect(root[0].detail).toMatch(/AssumeRoot .*refused: AccessDenied/);
    expect(outcome.results.find((r) => r.check === 'org-root-sessions')!.status).toBe('fail');
    await new IAMClient(sdkConfig(emu)).send(new EnableOrganizationsRootSessionsCommand({}));
  });
});
