/**
 * The deployed-state audit against a real deploy: an organization in the emulator, its configuration synthesized, the
 * security stack (the whole alarm pipeline: trail, filters, alarms, topics, central bus, rules, targets, policies,
 * GuardDuty) applied with the real Terraform provider. Then quiet changes that blind the pager without deleting
 * anything, each of them something an insider with a foothold could do in one call: the audit exits 2 naming each
 * resource and attribute with the expected and actual values; `terraform apply` restores them and the audit is clean
 * again. Two runs on the same state print the same bytes.
 */
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { CloudWatchClient, DescribeAlarmsCommand, DisableAlarmActionsCommand, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, CreateLogStreamCommand, DescribeMetricFiltersCommand, PutLogEventsCommand, PutMetricFilterCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DisableRuleCommand, EventBridgeClient, ListTargetsByRuleCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { ruleStateOf } from '../detections/rule-state';
import { GetTopicAttributesCommand, ListSubscriptionsByTopicCommand, SetSubscriptionAttributesCommand, SetTopicAttributesCommand, SNSClient } from '@aws-sdk/client-sns';
import { CloudTrailClient, RegisterOrganizationDelegatedAdminCommand } from '@aws-sdk/client-cloudtrail';
import { CreateFilterCommand, DeleteFilterCommand, EnableOrganizationAdminAccountCommand, GuardDutyClient, ListDetectorsCommand } from '@aws-sdk/client-guardduty';
import { rootFindingTypes } from '../audit/guardduty-filters';
import { loadConfigFile } from '../config/load';
import { Model, resolveModel } from '../config/model';
import type { AwsAccess } from '../audit/aws';
import { Result } from '../audit/checks';
import { exitCodeFor, renderJson } from '../audit/report';
import { runAudit } from '../audit/run';
import { renderSarif } from '../audit/sarif';
import { assumeAccount, AwsCredentials, Emulator, sdkConfig, startEmulator } from './support/emulator';
import { createEmulatorOrg, EMULATOR_ORG_REGION, EmulatorOrg, writeEmulatorOrgConfig } from './support/emulator-org';
import { describeResult, REPO_ROOT, runTerraform, scratchDir, terraformApply, terraformInit } from './support/terraform';
import { describeWithTools } from './support/tools';
import { planLiveChecks, runLiveChecks, LiveResult } from '../drill/live';
import { sendDrillPage } from '../drill/pager';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { SubscribeCommand } from '@aws-sdk/client-sns';

const region = EMULATOR_ORG_REGION;

describeWithTools(['moto_server', 'terraform'], 'the deployed-state audit tests')('audit: the deployed pipeline against the synthesized Terraform', () => {
  jest.setTimeout(600_000);
  let emu: Emulator;
  let ids: EmulatorOrg;
  let model: Model;
  let env: NodeJS.ProcessEnv;
  let outDir: string;
  /** Only the security stack: the other stacks are not deployed here, so they are not expected either. */
  let expectedDir: string;
  let access: AwsAccess;
  let sec: AwsCredentials;
  const timings: Array<[string, number]> = [];
  const timed = async <T>(label: string, fn: () => Promise<T>): Promise<T> => {
    const t = Date.now();
    try {
      return await fn();
    } finally {
      timings.push([label, Date.now() - t]);
    }
  };

  const audit = () => runAudit(model, access, { synthDir: expectedDir, now: new Date('2026-01-01T00:00:00Z') });
  /** The drill's live checks on what this test deploys (the security stack: paging rules, filters, subscriptions). */
  const drill = () =>
    timed('drill live checks', () =>
      runLiveChecks(
        model,
        // No baseline is deployed here, so no account sends heartbeats: the heartbeat checks have their own test below.
        planLiveChecks(model).filter((c) => c.kind !== 'forward' && c.kind !== 'heartbeat'),
        async (_account, r) => ({ region: r, credentials: sec, endpoint: emu.endpoint }) as never,
      ),
    );
  const failedPaths = (rs: LiveResult[]) => rs.filter((r) => r.result === 'FAIL').map((r) => `${r.path}: ${r.reason}`);
  const deployed = (rs: Result[]) => rs.filter((r) => r.check.startsWith('deployed-'));
  const open = (rs: Result[]) => deployed(rs).filter((r) => r.status !== 'pass').map((r) => `${r.check} ${r.status} ${r.resource} ${r.attribute ?? ''}: ${r.detail}`);
  const apply = async () => {
    const r = await timed('terraform apply security', () => terraformApply(path.join(outDir, 'stacks', 'security'), env));
    if (r.code !== 0) throw new Error(describeResult(r));
  };

  beforeAll(async () => {
    emu = (await startEmulator())!;
    ids = await createEmulatorOrg(emu);
    sec = await assumeAccount(emu, ids.security);
    const work = scratchDir('audit-deployed');
    const configFile = writeEmulatorOrgConfig(ids, work);
    model = resolveModel(loadConfigFile(configFile));
    outDir = path.join(work, 'cdktf.out');
    env = { ...emu.env, ROOTLOCK_CONFIG: configFile };
    const synth = spawnSync(process.execPath, [path.join(REPO_ROOT, 'node_modules', 'ts-node', 'dist', 'bin.js'), '--transpile-only', 'main.ts'], {
      cwd: REPO_ROOT,
      env: { ...env, CDKTF_OUTDIR: outDir, ROOTLOCK_STACKS: 'security' },
      encoding: 'utf8',
    });
    if (synth.status !== 0) throw new Error(synth.stderr);
    expectedDir = path.join(work, 'expected');
    fs.mkdirSync(path.join(expectedDir, 'stacks'), { recursive: true });
    fs.cpSync(path.join(outDir, 'stacks', 'security'), path.join(expectedDir, 'stacks', 'security'), { recursive: true });
    // What the management stack does before the security stack: the security account administers CloudTrail and GuardDuty.
    await new CloudTrailClient(sdkConfig(emu, { region })).send(new RegisterOrganizationDelegatedAdminCommand({ MemberAccountId: ids.security }));
    await new GuardDutyClient(sdkConfig(emu, { region })).send(new EnableOrganizationAdminAccountCommand({ AdminAccountId: ids.security }));
    const init = await timed('terraform init security', () => terraformInit(path.join(outDir, 'stacks', 'security'), env));
    if (init.code !== 0) throw new Error(describeResult(init));
    await apply();
    access = { base: { endpoint: emu.endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } }, concurrency: 4 };
  });

  afterAll(async () => {
    await emu?.stop();
    process.stdout.write(`audit-deployed timings:\n${timings.map(([l, ms]) => `  ${l.padEnd(40)} ${(ms / 1000).toFixed(1)} s`).join('\n')}\n`);
  });

  it('finds the freshly applied security stack as synthesized, attribute by attribute', async () => {
    const outcome = await timed('audit (clean)', audit);
    expect(open(outcome.results)).toEqual([]);
    const passed = deployed(outcome.results).map((r) => r.check);
    // Every kind of resource that decides delivery was read and compared, not skipped.
    for (const check of ['deployed-event-rule', 'deployed-event-target', 'deployed-metric-filter', 'deployed-alarm', 'deployed-subscription', 'deployed-resource-policy', 'deployed-trail', 'deployed-guardduty', 'deployed-role-trust', 'deployed-kms-key']) {
      expect(passed).toContain(check);
    }
    // Every synthesized key was found through its alias and compared (policy, enabled, rotation), none skipped.
    const keys = deployed(outcome.results).filter((r) => r.check === 'deployed-kms-key');
    expect(keys.map((r) => `${r.status} ${r.resource.replace(/^.* \(/, '(')}`).sort()).toEqual([model.pipeline.alertsKeyAlias, model.health.keyAlias, model.pipeline.trailKeyAlias, model.compliance.configKeyAlias].map((a) => `pass (${a})`).sort());
    // The security account's detector was read for filters: none.
    expect(outcome.results.filter((r) => r.check === 'pipeline-guardduty-filters').map((r) => [r.status, r.detail])).toEqual([['pass', 'No filters.']]);
  });

  it('drill: every paging rule, metric filter and subscription passes its live check, with no side effect', async () => {
    const results = await drill();
    expect(failedPaths(results)).toEqual([]);
    // One rule path per paging rule, one filter path per metric detection, one per alert destination.
    expect(results.filter((r) => r.path.startsWith('rule:'))).toHaveLength(model.delivery.centralRules.length);
    expect(results.filter((r) => r.path.startsWith('filter:'))).toHaveLength(model.detections.filter((d) => d.metric).length);
    expect(results.filter((r) => r.path.startsWith('subscription:'))).toHaveLength(model.pipeline.subscriptions.length);
  });

  it('drill --to-pager: one page, marked as a drill, reaches the real subscriptions of the alert topic', async () => {
    // A test-only subscriber stands for the pager, to read what the subscriptions receive.
    const sqs = secClient(SQSClient);
    const url = (await sqs.send(new CreateQueueCommand({ QueueName: 'test-pager-stand-in' }))).QueueUrl!;
    const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
    // The queue lets the topic deliver, as a subscribed queue must (service-integrations.json: sns-to-sqs).
    const Policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'sns.amazonaws.com' }, Action: 'sqs:SendMessage', Resource: arn, Condition: { ArnEquals: { 'aws:SourceArn': model.pipeline.topicArn } } }] });
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { Policy } }));
    await secClient(SNSClient).send(new SubscribeCommand({ TopicArn: model.pipeline.topicArn, Protocol: 'sqs', Endpoint: arn }));
    const id = await sendDrillPage(model, { region, credentials: sec, endpoint: emu.endpoint } as never, 'rootlock-drill-test-run');
    const got = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 5 }))).Messages ?? [];
    const body = JSON.parse(got[0].Body!);
    expect(body.MessageId).toBe(id);
    expect(body.Subject).toMatch(/^DRILL \(not an incident\)/);
    expect(body.Message).toMatch(/rootlock-drill-test-run/);
  });

  /** The detections the tampering below blinds, by id: every name comes from the model. */
  const detection = (id: string) => model.detections.find((d) => d.id === id)!;
  const secClient = <T>(ctor: new (c: object) => T) => new ctor(sdkConfig(emu, { region, credentials: sec }));

  /**
   * KMS calls as the security account, in one boto3 process (the audit's KMS client is read-only and no SDK KMS client
   * is installed; one process instead of an AWS CLI start per call): a KeyId `alias/...` is resolved to its key first.
   */
  const kms = (calls: Array<[string, Record<string, unknown>]>): Array<Record<string, unknown>> => {
    const t = Date.now();
    const script = [
      'import boto3, json, sys',
      'k = boto3.client("kms", region_name=sys.argv[1])',
      'out = []',
      'for op, args in json.load(sys.stdin):',
      '    if str(args.get("KeyId", "")).startswith("alias/"):',
      '        args["KeyId"] = k.describe_key(KeyId=args["KeyId"])["KeyMetadata"]["KeyId"]',
      '    r = getattr(k, op)(**args)',
      '    r.pop("ResponseMetadata", None)',
      '    out.append(r)',
      'print(json.dumps(out, default=str))',
    ].join('\n');
    const r = spawnSync('python3', ['-c', script, region], {
      input: JSON.stringify(calls),
      env: { ...process.env, ...emu.env, AWS_ACCESS_KEY_ID: sec.accessKeyId, AWS_SECRET_ACCESS_KEY: sec.secretAccessKey, AWS_SESSION_TOKEN: sec.sessionToken ?? '' },
      encoding: 'utf8',
    });
    timings.push([`kms ${calls.map(([op]) => op).join(', ')}`.slice(0, 40), Date.now() - t]);
    if (r.status !== 0) throw new Error(`kms ${JSON.stringify(calls)}: ${r.stderr}`);
    return JSON.parse(r.stdout);
  };
  const securityDetector = async () => (await secClient(GuardDutyClient).send(new ListDetectorsCommand({}))).DetectorIds![0];
  const ARCHIVE_FILTER = 'quiet-root';

  /**
   * Nine quiet changes, none deleting anything, each one call for whoever holds a write permission in the security
   * account: a disabled rule, a metric filter that no longer matches, a filter policy on the pager subscription,
   * disabled alarm actions, a rule target without its dead-letter queue, a topic policy that no longer lets
   * EventBridge publish, the alert key's policy without EventBridge, the health key scheduled for deletion, and a
   * GuardDuty filter that archives root findings as they arrive.
   */
  async function tamper(): Promise<void> {
    const p = model.pipeline;
    const events = secClient(EventBridgeClient);
    await events.send(new DisableRuleCommand({ Name: detection('root-usage').event!.ruleName, EventBusName: p.busName }));
    const taskRule = detection('root-task-session').event!.ruleName;
    const [target] = (await events.send(new ListTargetsByRuleCommand({ Rule: taskRule, EventBusName: p.busName }))).Targets!;
    await events.send(new PutTargetsCommand({ Rule: taskRule, EventBusName: p.busName, Targets: [{ ...target, DeadLetterConfig: undefined }] }));

    const logs = secClient(CloudWatchLogsClient);
    const rootUsage = detection('root-usage').metric!;
    const [filter] = (await logs.send(new DescribeMetricFiltersCommand({ logGroupName: p.logGroupName, filterNamePrefix: rootUsage.filterName }))).metricFilters!;
    await logs.send(
      new PutMetricFilterCommand({
        logGroupName: p.logGroupName,
        filterName: filter.filterName!,
        // Still valid, still "root": now also only from one address, so it counts nothing.
        filterPattern: `{ (${filter.filterPattern!.trim().slice(1, -1).trim()}) && ($.sourceIPAddress = "203.0.113.7") }`,
        metricTransformations: filter.metricTransformations,
      }),
    );

    await secClient(CloudWatchClient).send(new DisableAlarmActionsCommand({ AlarmNames: [detection('break-glass-assumed').metric!.alarmName] }));

    const sns = secClient(SNSClient);
    const subs = (await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: p.topicArn }))).Subscriptions!;
    const pager = subs.find((x) => x.Protocol === 'https')!;
    await sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn: pager.SubscriptionArn, AttributeName: 'FilterPolicy', AttributeValue: JSON.stringify({ severity: ['never'] }) }));
    const policy = JSON.parse((await sns.send(new GetTopicAttributesCommand({ TopicArn: p.topicArn }))).Attributes!.Policy!);
    policy.Statement = policy.Statement.filter((st: { Principal?: { Service?: string } }) => st.Principal?.Service !== 'events.amazonaws.com');
    await sns.send(new SetTopicAttributesCommand({ TopicArn: p.topicArn, AttributeName: 'Policy', AttributeValue: JSON.stringify(policy) }));

    const [{ Policy }] = kms([['get_key_policy', { KeyId: p.alertsKeyAlias, PolicyName: 'default' }]]);
    const keyPolicy = JSON.parse(Policy as string);
    keyPolicy.Statement = keyPolicy.Statement.filter((st: { Principal?: { Service?: string } }) => st.Principal?.Service !== 'events.amazonaws.com');
    kms([
      ['put_key_policy', { KeyId: p.alertsKeyAlias, PolicyName: 'default', Policy: JSON.stringify(keyPolicy) }],
      ['schedule_key_deletion', { KeyId: model.health.keyAlias, PendingWindowInDays: 30 }],
    ]);
    await secClient(GuardDutyClient).send(
      new CreateFilterCommand({ DetectorId: await securityDetector(), Name: ARCHIVE_FILTER, Action: 'ARCHIVE', FindingCriteria: { Criterion: { type: { Equals: rootFindingTypes(model) } } } }),
    );
  }

  it('names each quiet change by resource and attribute, expected next to actual, exit 2; the same bytes twice; SARIF carries the pair', async () => {
    await tamper();
    const first = await timed('audit (tampered)', audit);
    const second = await audit();
    const failed = deployed(first.results).filter((r) => r.status === 'fail');
    const found = failed.map((r) => `${r.check} ${r.resource.split(' ')[0]} ${r.attribute}`);
    expect(found).toEqual(
      expect.arrayContaining([
        'deployed-event-rule security/aws_cloudwatch_event_rule.central_bus_root_usage_rule state',
        'deployed-event-target security/aws_cloudwatch_event_target.central_bus_root_task_session_target dead_letter_config',
        'deployed-metric-filter security/aws_cloudwatch_log_metric_filter.alarms_root_usage_filter pattern',
        'deployed-alarm security/aws_cloudwatch_metric_alarm.alarms_break_glass_assumed_alarm actions_enabled',
        expect.stringMatching(/^deployed-subscription security\/aws_sns_topic_subscription\.\S+ filter_policy$/),
        'deployed-resource-policy security/aws_sns_topic_policy.alerts_policy policy',
        'deployed-kms-key security/aws_kms_key.alerts_key_key policy',
        'deployed-kms-key security/aws_kms_key.health_key_key is_enabled',
      ]),
    );
    // Nothing else differs: each change is found once, where it was made.
    expect(failed).toHaveLength(8);
    const keyPolicy = failed.find((r) => r.check === 'deployed-kms-key' && r.attribute === 'policy')!;
    expect(keyPolicy.resource).toBe(`security/aws_kms_key.alerts_key_key (${model.pipeline.alertsKeyAlias})`);
    expect(keyPolicy.detail).toMatch(/- Statement\[\d+\]\.Principal\.Service ∋ "events\.amazonaws\.com"/);
    expect(JSON.parse(keyPolicy.expected!).Statement.length - JSON.parse(keyPolicy.actual!).Statement.length).toBe(1);
    const healthKey = failed.find((r) => r.check === 'deployed-kms-key' && r.attribute === 'is_enabled')!;
    expect({ expected: healthKey.expected, actual: healthKey.actual }).toEqual({ expected: 'true', actual: `false (PendingDeletion through ${model.health.keyAlias})` });
    // The archive filter: named by detector, filter and criteria, high.
    const detector = await securityDetector();
    const filters = first.results.filter((r) => r.check === 'pipeline-guardduty-filters');
    expect(filters.map((r) => [r.status, r.resource.replace(/^.* detector /, 'detector '), r.actual])).toEqual([
      ['fail', `detector ${detector} filter ${ARCHIVE_FILTER}`, `ARCHIVE {"type":{"Equals":${JSON.stringify(rootFindingTypes(model))}}}`],
    ]);
    const rule = failed.find((r) => r.check === 'deployed-event-rule')!;
    expect({ expected: rule.expected, actual: rule.actual }).toEqual({ expected: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS', actual: 'DISABLED' });
    const topicPolicy = failed.find((r) => r.check === 'deployed-resource-policy')!;
    // A readable diff: the removed statement's lines, prefixed "-", named by their path in the document.
    expect(topicPolicy.detail).toMatch(/- Statement\[\d+\]\.Principal\.Service ∋ "events\.amazonaws\.com"/);
    expect(exitCodeFor(first.results)).toBe(2);

    expect(renderJson(second)).toBe(renderJson(first));
    const sarif = JSON.parse(renderSarif(first, 'rootlock.yaml'));
    const result = sarif.runs[0].results.find((r: { ruleId: string }) => r.ruleId === 'deployed-event-rule');
    expect(result.properties).toEqual({ attribute: 'state', expected: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS', actual: 'DISABLED' });
    expect(result.level).toBe('error');

    // The drill fails the affected paths by name: the disabled rule, the changed filter, the alarm that no longer
    // pages, the filtered pager subscription; every other path still passes.
    const paths = await drill();
    expect(paths.filter((r) => r.result === 'FAIL').map((r) => r.path)).toEqual([
      'rule:root-usage',
      'filter:root-usage',
      'filter:break-glass-assumed',
      `subscription:https:${model.pipeline.subscriptions.find((x) => x.protocol === 'https')!.endpoint}`,
    ].sort((a, b) => paths.findIndex((p) => p.path === a) - paths.findIndex((p) => p.path === b)));
    const reasons = Object.fromEntries(paths.filter((r) => r.result === 'FAIL').map((r) => [r.path, r.reason]));
    expect(reasons['rule:root-usage']).toMatch(/is DISABLED/);
    expect(reasons['filter:root-usage']).toMatch(/does not match the recorded trail record/);
    expect(reasons['filter:break-glass-assumed']).toMatch(/actions disabled/);
  });

  it('is clean again once restored: terraform apply, -replace for what the provider does not read back, enable-rule', async () => {
    const first = await audit();
    // terraform apply -replace=ADDRESS on every target the audit names: the provider does not notice a removed
    // dead_letter_config (its plan stays empty), so only a replacement restores it.
    const targets = deployed(first.results)
      .filter((r) => r.status === 'fail' && r.check === 'deployed-event-target')
      .map((r) => `-replace=${r.resource.split(' ')[0].split('/')[1]}`);
    expect(targets.length).toBeGreaterThan(0);
    const r = await timed('terraform apply -replace', () => runTerraform(['apply', '-no-color', '-input=false', '-auto-approve', ...targets], path.join(outDir, 'stacks', 'security'), env, 600_000));
    if (r.code !== 0) throw new Error(describeResult(r));
    // What the deployment role does by hand, as the finding's fix says: the rule back in the state the stacks deploy
    // (EnableRule would only make it ENABLED, which skips the read-only root calls).
    const d = detection('root-usage');
    await secClient(EventBridgeClient).send(new PutRuleCommand({ Name: d.event!.ruleName, EventBusName: model.pipeline.busName, EventPattern: JSON.stringify(d.event!.pattern), State: ruleStateOf(d.event!) }));
    // What the deployment role does by hand, as those findings' fixes say: the key back from pending deletion and enabled,
    // the archive filter deleted (rootlock creates none; Terraform does not know it). The key policy was restored by the apply.
    kms([
      ['cancel_key_deletion', { KeyId: model.health.keyAlias }],
      ['enable_key', { KeyId: model.health.keyAlias }],
    ]);
    await secClient(GuardDutyClient).send(new DeleteFilterCommand({ DetectorId: await securityDetector(), FilterName: ARCHIVE_FILTER }));
    const outcome = await timed('audit (restored)', audit);
    expect(open(outcome.results)).toEqual([]);
    expect(outcome.results.filter((r) => r.check === 'pipeline-guardduty-filters').map((r) => r.status)).toEqual(['pass']);
    expect(failedPaths(await drill())).toEqual([]);
  });

  it('drill heartbeat checks: every silent account and region fails by name; a stored heartbeat passes; a heartbeat alarm that cannot page fails', async () => {
    const heartbeats = () =>
      timed('drill heartbeat checks', () =>
        runLiveChecks(model, planLiveChecks(model).filter((c) => c.kind === 'heartbeat'), async (_account, r) => ({ region: r, credentials: sec, endpoint: emu.endpoint }) as never),
      );
    const h = model.health.heartbeat;
    // Only the security stack is applied: no account's scheduled heartbeat rule exists, so every one is silent.
    const silent = await heartbeats();
    expect(silent.map((r) => r.path)).toEqual(h.alarms.map((a) => `heartbeat:${a.accountName}:${a.region}`));
    for (const r of silent) expect(r).toEqual({ path: r.path, result: 'FAIL', reason: expect.stringMatching(/^no heartbeat from \S+ \(\d{12}\) in [a-z0-9-]+ in the last 15 minutes .*: .*redeploy baseline-\S+ and the security stack$/) });
    // One heartbeat of payments-prod in the home region, stored as the central heartbeat rule's log target stores it:
    // the metric filter (as applied) counts it into the metric the alarm reads.
    const logs = secClient(CloudWatchLogsClient);
    await logs.send(new CreateLogStreamCommand({ logGroupName: h.logGroupName, logStreamName: 'heartbeats' }));
    const beat = { version: '0', id: 'hb-1', 'detail-type': 'Scheduled Event', source: 'aws.events', account: ids.payments, time: new Date().toISOString(), region, resources: [`arn:aws:events:${region}:${ids.payments}:rule/${h.ruleName}`], detail: {} };
    await logs.send(new PutLogEventsCommand({ logGroupName: h.logGroupName, logStreamName: 'heartbeats', logEvents: [{ timestamp: Date.now(), message: JSON.stringify(beat) }] }));
    const beating = `heartbeat:payments-prod:${region}`;
    const after = await heartbeats();
    expect(after.filter((r) => r.result === 'PASS').map((r) => r.path)).toEqual([beating]);
    // The quiet change that silences it for good: missing data no longer breaching. The heartbeat still arrives; the check fails.
    const spec = h.alarms.find((a) => a.accountId === ids.payments && a.region === region)!;
    const cw = secClient(CloudWatchClient);
    const [live] = (await cw.send(new DescribeAlarmsCommand({ AlarmNames: [spec.alarmName] }))).MetricAlarms!;
    const { AlarmName, AlarmDescription, Namespace, MetricName, Dimensions, Statistic, Period, EvaluationPeriods, DatapointsToAlarm, Threshold, ComparisonOperator, AlarmActions, OKActions } = live;
    await cw.send(
      new PutMetricAlarmCommand({ AlarmName, AlarmDescription, Namespace, MetricName, Dimensions, Statistic, Period, EvaluationPeriods, DatapointsToAlarm, Threshold, ComparisonOperator, AlarmActions, OKActions, TreatMissingData: 'notBreaching' }),
    );
    const tampered = (await heartbeats()).find((r) => r.path === beating)!;
    expect(tampered).toEqual({ path: beating, result: 'FAIL', reason: expect.stringMatching(/treats missing data as notBreaching, not breaching: a silent payments-prod/) });
  });
});
