/**
 * End to end, for real: an organization in the emulator, a rootlock configuration for it, `cdktf synth`, then every
 * stack deployed in dependency order with the real `cdktf deploy STACK --auto-approve`, what was built checked with the
 * AWS SDK, a second `terraform plan -detailed-exitcode` on every stack (no changes), and everything destroyed with
 * `terraform destroy` in each synthesized stack directory (see the destroy test for why not `cdktf destroy`).
 * Per-stage times are printed at the end.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CloudTrailClient, GetTrailCommand, GetTrailStatusCommand } from '@aws-sdk/client-cloudtrail';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, DescribeMetricFiltersCommand, TestMetricFilterCommand } from '@aws-sdk/client-cloudwatch-logs';
import { ConfigServiceClient, DescribeConfigRulesCommand, DescribeConfigurationRecorderStatusCommand } from '@aws-sdk/client-config-service';
import { EventBridgeClient, ListTargetsByRuleCommand } from '@aws-sdk/client-eventbridge';
import { GetRoleCommand, IAMClient, ListOrganizationsFeaturesCommand } from '@aws-sdk/client-iam';
import {
  DescribeOrganizationalUnitCommand,
  ListAWSServiceAccessForOrganizationCommand,
  ListDelegatedAdministratorsCommand,
  ListParentsCommand,
  ListPoliciesForTargetCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { DeleteObjectsCommand, GetBucketEncryptionCommand, GetBucketLoggingCommand, ListObjectVersionsCommand, GetBucketVersioningCommand, GetObjectLockConfigurationCommand, GetPublicAccessBlockCommand, PutBucketLoggingCommand, S3Client } from '@aws-sdk/client-s3';
import { CIS_ROOT_USAGE_PATTERN } from '../detections/compliance';
import { ListSubscriptionsByTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { loadConfigFile } from '../config/load';
import { GLOBAL_EVENTS_REGION, Model, resolveModel } from '../config/model';
import { deployOrder } from '../stacks/app';
import { scpSpecs } from '../policies/scp';
import { assumeAccount, AwsCredentials, Emulator, sdkConfig, startEmulator } from './support/emulator';
import { describeResult, expectExit, REPO_ROOT, runProcess, runTerraform, scratchDir, terraformCliConfig, terraformDestroy, terraformPlan, TfResult } from './support/terraform';
import { kmsCall } from './support/kms';
import { describeWithTools } from './support/tools';
import { mapLimit } from './fixtures/runbooks/support';
import { createEmulatorOrg, EMULATOR_ORG_REGION, EmulatorOrg, writeEmulatorOrgConfig } from './support/emulator-org';

const stages: Array<[string, number]> = [];
async function stage<T>(label: string, fn: () => Promise<T>): Promise<T> {
  const started = Date.now();
  try {
    return await fn();
  } finally {
    stages.push([label, Date.now() - started]);
  }
}

/** Runs the real cdktf CLI from the repository root (it reads cdktf.json there), non-interactively. */
function cdktf(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 600_000): Promise<TfResult> {
  const nonInteractive = { ...env, CI: 'true', FORCE_COLOR: '0', DISABLE_VERSION_CHECK: 'true', CDKTF_DISABLE_PLUGIN_CACHE_ENV: 'true' };
  return runProcess(path.join(REPO_ROOT, 'node_modules', '.bin', 'cdktf'), args, REPO_ROOT, nonInteractive, timeoutMs, ['(cdktf)']);
}

describeWithTools(['terraform', 'moto_server'], 'the end-to-end deploy test')('deploy every stack to the emulator with cdktf', () => {
  jest.setTimeout(1_800_000);
  let emu: Emulator;
  let model: Model;
  let outDir: string;
  let env: NodeJS.ProcessEnv;
  const region = EMULATOR_ORG_REGION;
  let ids: EmulatorOrg;
  const creds: Record<string, AwsCredentials> = {};

  beforeAll(async () => {
    emu = (await startEmulator())!;
    await stage('organization adopted via the SDK', async () => {
      ids = await createEmulatorOrg(emu);
      // As CreateAccount leaves them: at the root, where no rootlock SCP reaches. The management deploy places them.
      const org = new OrganizationsClient(sdkConfig(emu));
      for (const id of [ids.security, ids.payments]) expect((await org.send(new ListParentsCommand({ ChildId: id }))).Parents![0].Id).toBe(ids.root);
      creds.security = await assumeAccount(emu, ids.security);
      creds.payments = await assumeAccount(emu, ids.payments);
    });

    const work = scratchDir('deploy');
    outDir = path.join(work, 'cdktf.out');
    const configFile = writeEmulatorOrgConfig(ids, work);
    model = resolveModel(loadConfigFile(configFile));
    env = { ...emu.env, ROOTLOCK_CONFIG: configFile };
    const cli = terraformCliConfig();
    process.stdout.write(`terraform CLI config ${cli.file}: ${cli.mirror ? `mirror ${cli.mirror}` : 'registry'}, cache ${cli.pluginCacheDir}\n`);
  });

  afterAll(async () => {
    await emu?.stop();
    process.stdout.write(`\nDeploy stage timings:\n${stages.map(([l, ms]) => `  ${l.padEnd(48)} ${(ms / 1000).toFixed(1)} s`).join('\n')}\n`);
  });

  const stackDir = (name: string) => path.join(outDir, 'stacks', name);

  it('synthesizes with cdktf synth', async () => {
    const r = await stage('cdktf synth', () => cdktf(['synth', '--output', outDir], env));
    expectExit(r);
    expect(fs.readdirSync(path.join(outDir, 'stacks')).sort()).toEqual([...deployOrder(model)].sort());
  });

  /** Deploy waves: management, security, every baseline at once (they are independent of each other), then the rest. */
  const waves = () => {
    const order = deployOrder(model);
    const baselines = order.filter((n) => n.startsWith('baseline-'));
    const waves: string[][] = [];
    for (const name of order) {
      if (name.startsWith('baseline-')) {
        if (name === baselines[0]) waves.push(baselines);
      } else waves.push([name]);
    }
    return waves;
  };

  it('deploys every stack in dependency order with cdktf deploy', async () => {
    for (const wave of waves()) {
      const r = await stage(`cdktf deploy ${wave.join(' ')}`, () =>
        cdktf(['deploy', ...wave, '--auto-approve', '--skip-synth', '--ignore-missing-stack-dependencies', '--skip-provider-lock', '--disable-plugin-cache-env', '--output', outDir], env),
      );
      if (r.code !== 0) throw new Error(`cdktf deploy ${wave.join(' ')} failed:\n${describeResult(r, 30000)}`);
    }
  });

  it('built what the configuration asks for (checked with the AWS SDK)', async () => {
    await stage('SDK checks', async () => {
      const org = new OrganizationsClient(sdkConfig(emu));
      const principals = (await org.send(new ListAWSServiceAccessForOrganizationCommand({}))).EnabledServicePrincipals!.map((p) => p.ServicePrincipal).sort();
      expect(principals).toEqual(model.organization.servicePrincipals);
      expect((await new IAMClient(sdkConfig(emu)).send(new ListOrganizationsFeaturesCommand({}))).EnabledFeatures).toEqual(['RootCredentialsManagement', 'RootSessions']);
      for (const service of ['config-multiaccountsetup.amazonaws.com', 'cloudtrail.amazonaws.com', 'guardduty.amazonaws.com']) {
        const admins = await org.send(new ListDelegatedAdministratorsCommand({ ServicePrincipal: service }));
        expect({ service, admins: admins.DelegatedAdministrators!.map((a) => a.Id) }).toEqual({ service, admins: [ids.security] });
      }
      // Root-deny on the Security OU (not exempt), not on Suspended (exempt); monitoring protection on both.
      const scpNames = async (target: string) =>
        (await org.send(new ListPoliciesForTargetCommand({ TargetId: target, Filter: 'SERVICE_CONTROL_POLICY' }))).Policies!.map((p) => p.Name).sort();
      const protectionNames = scpSpecs(model).filter((p) => p.key.startsWith('monitoring_protection')).map((p) => p.name);
      expect(protectionNames.length).toBeGreaterThanOrEqual(1);
      expect(await scpNames(ids.securityOu)).toEqual(expect.arrayContaining([model.scps.rootDeny.name, ...protectionNames]));
      // Within the Organizations limit of 5 SCPs per target, as synthesized and as deployed.
      expect((await scpNames(ids.securityOu)).length).toBeLessThanOrEqual(5);

      const sec = creds.security;
      const trail = (await new CloudTrailClient(sdkConfig(emu, { region, credentials: sec })).send(new GetTrailCommand({ Name: model.pipeline.trailName }))).Trail!;
      expect(trail).toMatchObject({ TrailARN: model.pipeline.trailArn, IsOrganizationTrail: true, IsMultiRegionTrail: true, LogFileValidationEnabled: true });
      expect((await new CloudTrailClient(sdkConfig(emu, { region, credentials: sec })).send(new GetTrailStatusCommand({ Name: model.pipeline.trailArn }))).IsLogging).toBe(true);

      const s3 = new S3Client({ ...sdkConfig(emu, { region, credentials: sec }), forcePathStyle: true });
      expect((await s3.send(new GetBucketVersioningCommand({ Bucket: model.pipeline.trailBucketName }))).Status).toBe('Enabled');
      expect((await s3.send(new GetBucketEncryptionCommand({ Bucket: model.pipeline.trailBucketName }))).ServerSideEncryptionConfiguration!.Rules![0].ApplyServerSideEncryptionByDefault!.SSEAlgorithm).toBe('aws:kms');
      expect((await s3.send(new GetPublicAccessBlockCommand({ Bucket: model.pipeline.trailBucketName }))).PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        IgnorePublicAcls: true,
        BlockPublicPolicy: true,
        RestrictPublicBuckets: true,
      });

      const logs = new CloudWatchLogsClient(sdkConfig(emu, { region, credentials: sec }));
      const filters = (await logs.send(new DescribeMetricFiltersCommand({ logGroupName: model.pipeline.logGroupName }))).metricFilters!;
      const metricDetections = model.detections.filter((d) => d.metric);
      expect(filters.map((f) => f.filterName).sort()).toEqual(metricDetections.map((d) => d.metric!.filterName).sort());
      // The deployed patterns are the catalog's, and they work.
      for (const f of filters) {
        const d = metricDetections.find((x) => x.metric!.filterName === f.filterName)!;
        expect(f.filterPattern).toBe(d.metric!.pattern);
        await logs.send(new TestMetricFilterCommand({ filterPattern: f.filterPattern!, logEventMessages: ['{"eventSource":"x"}'] }));
      }
      // The pipeline's own watch alarms are checked in their own test below.
      const alarms = (await new CloudWatchClient(sdkConfig(emu, { region, credentials: sec })).send(new DescribeAlarmsCommand({ AlarmNamePrefix: 'rootlock-' }))).MetricAlarms!.filter(
        (a) => a.Namespace === model.pipeline.metricNamespace && ![model.health.heartbeat.metricName, model.health.drillAlarm.metricName].includes(a.MetricName!),
      );
      expect(alarms.map((a) => a.AlarmName).sort()).toEqual(metricDetections.map((d) => d.metric!.alarmName).sort());
      const topicOf = (name: string) => (metricDetections.find((d) => d.metric!.alarmName === name)!.metric!.route === 'compliance' ? model.compliance.topicArn : model.pipeline.topicArn);
      for (const a of alarms) expect(a.AlarmActions).toEqual([topicOf(a.AlarmName!)]);

      const subs = (await new SNSClient(sdkConfig(emu, { region, credentials: sec })).send(new ListSubscriptionsByTopicCommand({ TopicArn: model.pipeline.topicArn }))).Subscriptions!;
      expect(subs.map((s) => `${s.Protocol}:${s.Endpoint}`).sort()).toEqual(model.pipeline.subscriptions.map((s) => `${s.protocol}:${s.endpoint}`).sort());

      // Every account: the break-glass role; forwarding rules to the central bus in every event region.
      for (const account of model.allAccounts) {
        const c = account.isManagement ? undefined : account.id === ids.security ? creds.security : creds.payments;
        const role = await new IAMClient(sdkConfig(emu, { credentials: c })).send(new GetRoleCommand({ RoleName: model.breakGlass.roleName }));
        expect(role.Role!.Arn).toBe(account.breakGlassRoleArn);
        const forwarded = model.detections.filter((d) => d.event?.scope === 'forwarded');
        for (const d of forwarded) {
          const regions = d.event!.regions === 'home' ? [region] : d.event!.regions === 'global' ? [GLOBAL_EVENTS_REGION] : model.eventRegions;
          for (const r of regions) {
            const eb = new EventBridgeClient(sdkConfig(emu, { region: r, credentials: c }));
            const targets = (await eb.send(new ListTargetsByRuleCommand({ Rule: d.event!.ruleName }))).Targets!;
            // Forwarded to the central bus with a role; undeliverable events go to a dead-letter queue in the same account and region.
            const forward = targets.find((t) => t.Arn === model.pipeline.busArn);
            expect({ account: account.name, region: r, rule: d.event!.ruleName, forward }).toEqual({
              account: account.name,
              region: r,
              rule: d.event!.ruleName,
              forward: expect.objectContaining({
                RoleArn: expect.stringMatching(new RegExp(`^arn:aws:iam::${account.id}:role/`)),
                DeadLetterConfig: { Arn: expect.stringMatching(new RegExp(`^arn:aws:sqs:${r}:${account.id}:`)) },
              }),
            });
          }
        }
        if (model.monitoring.config) {
          const status = (await new ConfigServiceClient(sdkConfig(emu, { region, credentials: c })).send(new DescribeConfigurationRecorderStatusCommand({}))).ConfigurationRecordersStatus!;
          expect(status.map((s) => s.recording)).toEqual([true]);
          const rules = (await new ConfigServiceClient(sdkConfig(emu, { region, credentials: c })).send(new DescribeConfigRulesCommand({}))).ConfigRules!;
          expect(rules.map((x) => x.ConfigRuleName!.replace(/-[a-z0-9]{8}$/, '')).sort()).toEqual(
            ['rootlock-iam-root-access-key-check', 'rootlock-root-account-hardware-mfa-enabled', 'rootlock-root-account-mfa-enabled'].map((n) => `OrgConfigRule-${n}`),
          );
        }
      }
    });
  });

  it('watches the pipeline itself and formats every page (checked with the AWS SDK)', async () => {
    await stage('SDK checks: watch alarms and page format', async () => {
      const sec = creds.security;
      const watch = model.delivery.watch;
      const alarms = (await new CloudWatchClient(sdkConfig(emu, { region, credentials: sec })).send(new DescribeAlarmsCommand({ AlarmNamePrefix: 'rootlock-pipeline-' }))).MetricAlarms!;
      const central = model.delivery.deadLetterQueues.filter((q) => q.purpose === 'alert-delivery').map((q) => q.alarmName);
      const h = model.health;
      expect(alarms.map((a) => a.AlarmName).sort()).toEqual(
        [watch.trailDelivery.alarmName, ...central, ...model.delivery.centralRules.map((r) => r.failureAlarmName), ...h.notificationFailures.map((f) => f.alarmName), h.subscriptionDeadLetterQueue.alarmName].sort(),
      );
      // Watch alarms page the health topic (its own key); the health topic's own failures page the alert topic.
      const pagesThrough = (name: string) => (h.notificationFailures.find((f) => f.alarmName === name)?.pagesThrough === 'alerts' ? model.pipeline.topicArn : h.topicArn);
      for (const a of alarms) expect({ alarm: a.AlarmName, actions: a.AlarmActions }).toEqual({ alarm: a.AlarmName, actions: [pagesThrough(a.AlarmName!)] });
      expect(alarms.find((a) => a.AlarmName === watch.trailDelivery.alarmName)).toMatchObject({
        Namespace: 'AWS/Logs',
        MetricName: 'IncomingLogEvents',
        Dimensions: [{ Name: 'LogGroupName', Value: model.pipeline.logGroupName }],
        TreatMissingData: 'breaching',
      });
      // Every central rule's target on the topic formats the page; its template names the playbook.
      const eb = new EventBridgeClient(sdkConfig(emu, { region, credentials: sec }));
      for (const r of model.delivery.centralRules) {
        const targets = (await eb.send(new ListTargetsByRuleCommand({ Rule: r.ruleName, EventBusName: r.eventBusName }))).Targets!;
        const page = targets.find((t) => t.Arn === model.pipeline.topicArn);
        expect({ rule: r.ruleName, paths: Object.keys(page?.InputTransformer?.InputPathsMap ?? {}).sort() }).toEqual({ rule: r.ruleName, paths: ['account', 'actor', 'region', 'time'] });
        expect(JSON.parse(page!.InputTransformer!.InputTemplate!)).toContain(`Playbook: ${model.playbooks.url(r.detectionId)}`);
      }
      // A member account: no alarm of its own; the security account watches its forwarding queue in every event region
      // across accounts (the query names the member), and the member still forwards alarm state changes.
      const member = model.allAccounts.find((a) => a.id === ids.payments)!;
      for (const r of model.eventRegions) {
        const own = (await new CloudWatchClient(sdkConfig(emu, { region: r, credentials: creds.payments })).send(new DescribeAlarmsCommand({ AlarmNamePrefix: 'rootlock-' }))).MetricAlarms!;
        expect({ region: r, alarms: own.map((a) => a.AlarmName) }).toEqual({ region: r, alarms: [] });
        const watched = model.health.forwardingWatch.alarms.find((a) => a.accountId === member.id && a.region === r)!;
        const [alarm] = (await new CloudWatchClient(sdkConfig(emu, { region: r, credentials: sec })).send(new DescribeAlarmsCommand({ AlarmNames: [watched.alarmName] }))).MetricAlarms!;
        expect({ region: r, account: alarm?.Metrics?.[0]?.AccountId, queue: alarm?.Metrics?.[0]?.MetricStat?.Metric?.Dimensions }).toEqual({ region: r, account: member.id, queue: [{ Name: 'QueueName', Value: model.delivery.forwardingDeadLetterQueueName }] });
        const targets = (await new EventBridgeClient(sdkConfig(emu, { region: r, credentials: creds.payments })).send(new ListTargetsByRuleCommand({ Rule: model.detections.find((d) => d.id === watch.forwarding.id)!.event!.ruleName }))).Targets!;
        expect(targets.map((t) => t.Arn)).toEqual([model.pipeline.busArn]);
      }
    });
  });

  it('keeps the trail and Config buckets as auditors check them, and has the exact CIS 4.3 alarm (issue #18)', async () => {
    await stage('SDK checks: compliance', async () => {
      const sec = creds.security;
      const p = model.pipeline;
      const c = model.compliance;
      const s3 = new S3Client({ ...sdkConfig(emu, { region, credentials: sec }), forcePathStyle: true });
      // Server access logging of both buckets into the separate access-log bucket, each under its own prefix.
      for (const bucket of [p.trailBucketName, p.configBucketName]) {
        const logging = (await s3.send(new GetBucketLoggingCommand({ Bucket: bucket }))).LoggingEnabled;
        expect({ bucket, logging }).toEqual({ bucket, logging: expect.objectContaining({ TargetBucket: c.accessLogBucketName, TargetPrefix: `${bucket}/` }) });
      }
      expect((await s3.send(new GetBucketLoggingCommand({ Bucket: c.accessLogBucketName }))).LoggingEnabled).toBeUndefined();
      // Object Lock on the trail bucket: governance mode, default retention = the log retention.
      const lock = (await s3.send(new GetObjectLockConfigurationCommand({ Bucket: p.trailBucketName }))).ObjectLockConfiguration;
      expect(lock).toMatchObject({ ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: p.logRetentionDays } } });
      // The log delivery S3 does on its own (the emulator writes access logs too) reached the access-log bucket.
      const delivered = await s3.send(new ListObjectVersionsCommand({ Bucket: c.accessLogBucketName }));
      process.stdout.write(`access-log bucket after the SDK checks: ${(delivered.Versions ?? []).length} object(s)\n`);
      // The Config bucket on its own KMS key.
      const sse = (await s3.send(new GetBucketEncryptionCommand({ Bucket: p.configBucketName }))).ServerSideEncryptionConfiguration!.Rules![0].ApplyServerSideEncryptionByDefault!;
      expect(sse.SSEAlgorithm).toBe('aws:kms');
      expect(sse.KMSMasterKeyID).toMatch(new RegExp(`^arn:aws:kms:${region}:${ids.security}:key/`));
      // The exact CIS filter, byte for byte, and its alarm notifying the compliance topic, which has a subscriber.
      const logs = new CloudWatchLogsClient(sdkConfig(emu, { region, credentials: sec }));
      const cis = (await logs.send(new DescribeMetricFiltersCommand({ logGroupName: p.logGroupName, filterNamePrefix: 'rootlock-cis-root-usage' }))).metricFilters!;
      expect(cis.map((f) => Buffer.from(f.filterPattern!, 'utf8').equals(Buffer.from(CIS_ROOT_USAGE_PATTERN, 'utf8')))).toEqual([true]);
      const subs = (await new SNSClient(sdkConfig(emu, { region, credentials: sec })).send(new ListSubscriptionsByTopicCommand({ TopicArn: c.topicArn }))).Subscriptions!;
      expect(subs.map((x) => `${x.Protocol}:${x.Endpoint}`)).toEqual(c.subscriptions.map((x) => `${x.protocol}:${x.endpoint}`));
    });
  });

  it('placed every declared account in its OU, with the root-deny SCP on its path (unless its OU is exempt)', async () => {
    const org = new OrganizationsClient(sdkConfig(emu));
    const parentOf = async (id: string) => (await org.send(new ListParentsCommand({ ChildId: id }))).Parents![0].Id!;
    for (const a of model.placement.accounts) {
      const parent = await parentOf(a.id);
      const ouName = parent.startsWith('ou-') ? (await org.send(new DescribeOrganizationalUnitCommand({ OrganizationalUnitId: parent }))).OrganizationalUnit!.Name : parent;
      const onPath: string[] = [];
      for (let node = parent; ; node = await parentOf(node)) {
        onPath.push(...(await org.send(new ListPoliciesForTargetCommand({ TargetId: node, Filter: 'SERVICE_CONTROL_POLICY' }))).Policies!.map((p) => p.Name!));
        if (node.startsWith('r-')) break;
      }
      expect({ account: a.name, ou: ouName, rootDeny: onPath.includes(model.scps.rootDeny.name) }).toEqual({
        account: a.name,
        ou: a.ou,
        rootDeny: a.scps.some((s) => s.name === model.scps.rootDeny.name),
      });
    }
  });

  it('audits clean: npm run audit against the deployed organization finds nothing (issue #16)', async () => {
    const r = await stage('npm run audit', () =>
      runProcess(path.join(REPO_ROOT, 'node_modules', '.bin', 'ts-node'), ['--transpile-only', 'audit/cli.ts', '--json'], REPO_ROOT, env, 600_000, ['(audit)']),
    );
    const report = JSON.parse(r.stdout) as { summary: Record<string, number>; results: Array<{ check: string; status: string; resource: string; detail: string }> };
    // Every failed or unchecked result, named: a clean deploy leaves none.
    expect(report.results.filter((x) => x.status !== 'pass').map((x) => `${x.check} ${x.status} ${x.resource}: ${x.detail}`)).toEqual([]);
    expect({ code: r.code, high: report.summary.high }).toEqual({ code: 0, high: 0 });
    expect(report.summary.passed).toBeGreaterThan(20);
    // Every deployed resource held against the synthesized Terraform (issue #25), not only the organization.
    expect(report.results.filter((x) => x.check.startsWith('deployed-')).length).toBeGreaterThan(100);
  });

  /** `npm run drill --json --inject ARGS`, timed as a stage. */
  const drill = (args: string[]) =>
    stage(`npm run drill ${args.join(' ')}`, () => runProcess(path.join(REPO_ROOT, 'node_modules', '.bin', 'ts-node'), ['--transpile-only', 'drill/cli.ts', '--json', '--inject', ...args], REPO_ROOT, env, 600_000, ['(drill)']));
  const results = (r: TfResult) => (JSON.parse(r.stdout) as { results: Array<{ path: string; result: string; reason?: string }> }).results;
  const leftovers = async () => ({
    queues: (await new SQSClient(sdkConfig(emu, { region, credentials: creds.security })).send(new ListQueuesCommand({ QueueNamePrefix: 'rootlock-drill' }))).QueueUrls ?? [],
    subscriptions: ((await new SNSClient(sdkConfig(emu, { region, credentials: creds.security })).send(new ListSubscriptionsByTopicCommand({ TopicArn: model.pipeline.topicArn }))).Subscriptions ?? []).filter((x) => x.Protocol === 'sqs'),
  });

  it('drill: every path pages through the deployed pipeline, nothing is left behind', async () => {
    const ok = await drill([]);
    expect({ code: ok.code, stderr: ok.code === 0 ? '' : describeResult(ok) }).toEqual({ code: 0, stderr: '' });
    const passed = results(ok);
    expect(passed.filter((r) => r.result !== 'PASS')).toEqual(model.monitoring.config ? [expect.objectContaining({ path: 'config', result: 'NOT DRIVEN' })] : []);
    expect(passed.map((r) => r.path)).toEqual(expect.arrayContaining([`event:${model.members[1].name}:${GLOBAL_EVENTS_REGION}`, 'metric:root-usage', 'guardduty']));
    expect(await leftovers()).toEqual({ queues: [], subscriptions: [] });
    // The live checks (no --inject): every paging and forwarding rule, filter and subscription of the real deploy.
    const live = await stage('npm run drill (live checks)', () => runProcess(path.join(REPO_ROOT, 'node_modules', '.bin', 'ts-node'), ['--transpile-only', 'drill/cli.ts', '--json'], REPO_ROOT, env, 600_000, ['(drill)']));
    // The heartbeat checks read heartbeats, and this emulator runs without its clock (ext_clock.py): no scheduled rule
    // fires, so each account and region is silent and named as such. Delivered heartbeats pass in silence-emulator.test.ts.
    expect(results(live).filter((r) => r.result !== 'PASS' && !r.path.startsWith('heartbeat:'))).toEqual([]);
    const beats = results(live).filter((r) => r.path.startsWith('heartbeat:'));
    expect(beats.length).toBe(model.health.heartbeat.alarms.length);
    for (const b of beats) expect(b).toEqual({ path: b.path, result: 'FAIL', reason: expect.stringMatching(/^no heartbeat from /) });
  });

  it('plans no changes on every stack afterwards, after the drill too (terraform plan -detailed-exitcode)', async () => {
    // Read-only, separate dirs and states: 2 at a time, the next as soon as either finishes.
    const results = await mapLimit(deployOrder(model), 2, (name) => stage(`re-plan ${name}`, () => terraformPlan(stackDir(name), env, { detailedExitcode: true })));
    expect(results.filter((r) => r.code !== 0).map((r) => describeResult(r))).toEqual([]);
  });

  // After the re-plan, not straight after the first drill: the metric alarms that drill raised stay in ALARM until their
  // period holds no breaching datapoint (the emulator as AWS), and they age out while the re-plan runs instead of here.
  it('drill: a broken key policy fails exactly the paths through it', async () => {
    const sec = creds.security;
    // Break the alert key the way main had it: events.amazonaws.com only with aws:SourceAccount, which SNS never sends.
    const kmsOpts = { region, credentials: sec };
    const keyId = (await kmsCall<{ KeyMetadata: { KeyId: string } }>(emu, 'DescribeKey', { KeyId: model.pipeline.alertsKeyAlias }, kmsOpts)).KeyMetadata.KeyId;
    const original = (await kmsCall<{ Policy: string }>(emu, 'GetKeyPolicy', { KeyId: keyId, PolicyName: 'default' }, kmsOpts)).Policy;
    const broken = JSON.parse(original) as { Statement: Array<Record<string, unknown>> };
    broken.Statement = broken.Statement.flatMap((st) =>
      JSON.stringify(st.Principal).includes('events.amazonaws.com')
        ? [{ ...st, Principal: { Service: 'cloudwatch.amazonaws.com' } }, { ...st, Sid: 'EventsOnlyFromThisAccount', Principal: { Service: 'events.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceAccount': ids.security } } }]
        : [st],
    );
    await kmsCall(emu, 'PutKeyPolicy', { KeyId: keyId, PolicyName: 'default', Policy: JSON.stringify(broken) }, kmsOpts);
    try {
      // The metric paths' alarms of the first run return to OK once their period holds no breaching datapoint (only
      // those: the heartbeat and health alarms have their own life and are not what the second run drives).
      const cw = new CloudWatchClient(sdkConfig(emu, { region, credentials: sec }));
      const metricAlarms = model.detections.filter((d) => d.metric && d.metric.route !== 'compliance').map((d) => d.metric!.alarmName);
      await stage('metric alarms back to OK', async () => {
        for (let i = 0; i < 90; i++) {
          const states = (await cw.send(new DescribeAlarmsCommand({ AlarmNames: metricAlarms }))).MetricAlarms!.map((a) => a.StateValue);
          if (states.every((st) => st === 'OK')) break;
          await new Promise((r) => setTimeout(r, 2000));
        }
      });
      const bad = await drill(['--timeout', '30']);
      expect(bad.code).toBe(1);
      const failed = results(bad).filter((r) => r.result === 'FAIL');
      expect(failed.map((r) => r.path).sort()).toEqual(results(bad).filter((r) => r.path.startsWith('event:') || r.path === 'guardduty').map((r) => r.path).sort());
      for (const f of failed) expect({ path: f.path, reason: f.reason }).toEqual({ path: f.path, reason: expect.stringMatching(/EventsOnlyFromThisAccount requires aws:SourceAccount/) });
      expect(results(bad).filter((r) => r.path.startsWith('metric:')).every((r) => r.result === 'PASS')).toBe(true);
      expect(await leftovers()).toEqual({ queues: [], subscriptions: [] });
    } finally {
      await kmsCall(emu, 'PutKeyPolicy', { KeyId: keyId, PolicyName: 'default', Policy: original }, kmsOpts);
    }
  });

  /**
   * Log buckets hold data a destroy must not delete silently (no force_destroy): decommissioning stops the access logging
   * (or the destroy's own requests to the trail and Config buckets refill the log bucket) and empties it, as the README says.
   */
  async function emptyAccessLogs(bucket: string): Promise<void> {
    const s3 = new S3Client({ ...sdkConfig(emu, { region, credentials: creds.security }), forcePathStyle: true });
    for (const source of [model.pipeline.trailBucketName, model.pipeline.configBucketName]) {
      await s3.send(new PutBucketLoggingCommand({ Bucket: source, BucketLoggingStatus: {} })).catch(() => undefined); // gone on the retry
    }
    const listed = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket }));
    const objects = [...(listed.Versions ?? []), ...(listed.DeleteMarkers ?? [])].map((v) => ({ Key: v.Key!, VersionId: v.VersionId }));
    if (objects.length) await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects } }));
  }

  it('destroys every stack in reverse order', async () => {
    // `terraform destroy` in each synthesized stack directory, not `cdktf destroy`: cdktf 0.21 was seen re-spawning
    // `terraform destroy` on a pseudo-terminal in a loop (dozens of processes, never finishing) on a loaded machine.
    for (const wave of waves().reverse()) await Promise.all(wave.map(async (name) => { // a wave's stacks (the baselines) together, as deployed
      if (name === model.stackNames.management && model.organization.existingOrganizationId) {
        // An adopted organization is never deleted: forget it, then destroy what rootlock added.
        expectExit(await runTerraform(['state', 'rm', '-no-color', 'aws_organizations_organization.organization_organization'], stackDir(name), env));
        // Adopted accounts are never removed or closed either (prevent_destroy): forget them, they stay in their OUs.
        const accounts = model.placement.accounts.map((a) => `aws_organizations_account.placement_${a.key}`);
        expectExit(await runTerraform(['state', 'rm', '-no-color', ...accounts], stackDir(name), env));
      }
      if (name === model.stackNames.security) await emptyAccessLogs(model.compliance.accessLogBucketName);
      let r = await stage(`terraform destroy ${name}`, () => terraformDestroy(stackDir(name), env));
      if (r.code !== 0 && name === model.stackNames.security && /BucketNotEmpty/.test(r.stderr)) {
        // The destroy's own requests to the logged buckets wrote access logs before their logging was gone: empty, retry once.
        await emptyAccessLogs(model.compliance.accessLogBucketName);
        r = await stage(`terraform destroy ${name} (after emptying the access logs)`, () => terraformDestroy(stackDir(name), env));
      }
      if (r.code !== 0) throw new Error(`terraform destroy ${name} failed:\n${describeResult(r, 30000)}`);
    }));
  });
});
