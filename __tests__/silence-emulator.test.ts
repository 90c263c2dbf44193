/**
 * "Nobody silences it without a page" (issue 24), against the delivering emulator. Everything installed is generated
 * by the product from a model whose account ids are the emulator's: the detections' patterns and rule states
 * (detections/), the central bus, topic, key and queue policies (policies/pipeline.ts, policies/health.ts), the page
 * format (detections/page-format.ts), the heartbeat alarm (modules/heartbeat-watch.ts heartbeatAlarmProps). The SDK
 * creates them as the stacks would, so each scenario runs in seconds instead of a full deploy.
 *
 * - each tamper write (one per generated tamper rule) pages per event; the same write by the deploy does not;
 * - a refused break-glass attempt raises no critical page (its own low-urgency page only);
 * - a burst of benign events holding a metric alarm in ALARM does not hide a later real event (the rule pages per event);
 * - the drill's health path: its alarm set to ALARM pages the health topic's subscribers (not the alert topic); with
 *   the health key disabled the path fails with the failed action's reason;
 * - a member whose forwarding drops events (its dead-letter queue fills) pages from the security account: the
 *   cross-account alarm on that queue (modules/forwarding-watch.ts) pages the health topic in the home region, only
 *   once the member's sharing role lets CloudWatch read it; in another region its state change rides the security
 *   account's own forwarding to the central bus;
 * - with the alert key disabled and the central bus policy removed, the heartbeat alarm of the silent account still
 *   pages, through the health topic and its own key, within the heartbeat window, and the drill's heartbeat check
 *   names the silent account (setup as the deploy's session, so no tamper page; only the alarm's ALARM page counts).
 *
 * Emulator: ext_clock.py fires the scheduled heartbeat rule (300 times faster) and evaluates missing-data-breaching
 * alarms on a timer, and refuses a publish with a disabled key; rule states are ext_events_delivery.py's. The heartbeat
 * alarm's period is shortened to 10 seconds here (one period); its shape is the product's.
 */
import { ruleStateOf } from '../detections/rule-state';
import { CloudWatchClient, DescribeAlarmsCommand, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { putAlarm } from './support/alarm-props';
import { CloudWatchLogsClient, CreateLogGroupCommand, FilterLogEventsCommand, PutLogEventsCommand, CreateLogStreamCommand, PutMetricFilterCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateEventBusCommand, EventBridgeClient, PutEventsCommand, PutPermissionCommand, PutRuleCommand, PutTargetsCommand, RemovePermissionCommand } from '@aws-sdk/client-eventbridge';
import { CreateRoleCommand, CreateServiceLinkedRoleCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { CreateAccountCommand, CreateOrganizationCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { CreateTopicCommand, SetTopicAttributesCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, Message, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import * as fs from 'fs';
import { DEFAULT_CONFIG, validateConfig } from '../config/load';
import { resolveModel, Model } from '../config/model';
import { heartbeatPattern } from '../config/model-health';
import { DEPLOY_SOURCE_IDENTITY } from '../config/contract';
import type { Detection } from '../detections/catalog';
import { pageTransformer } from '../detections/page-format';
import { rulesForRegion } from '../detections/regions';
import { heartbeatAlarmProps } from '../modules/heartbeat-watch';
import { runHeartbeatChecks } from '../drill/heartbeat';
import { planPaths } from '../drill/plan';
import { runDrill } from '../drill/run';
import { drillAlarmProps } from '../modules/health-topic';
import { policyJson } from '../policies/document';
import { alertsKeyPolicy, busPolicy, deadLetterQueuePolicy, forwarderRolePolicy, forwarderRoleTrust, topicPolicy } from '../policies/pipeline';
import { healthKeyPolicy, healthTopicPolicy, metricSharingRolePolicy, metricSharingRoleTrust } from '../policies/health';
import { forwardingWatchAlarmProps } from '../modules/forwarding-watch';
import { queueNotEmptyAlarmProps } from '../modules/watch-alarms';
import { parse } from 'yaml';
import { assumeAccount, AwsCredentials, Emulator, sdkConfig, startEmulator } from './support/emulator';
import { kmsCall } from './support/kms';
import { describeWithTools } from './support/tools';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describeWithTools(['moto_server'], 'the silence emulator tests')('a pipeline nobody can silence (emulator)', () => {
  let emu: Emulator;
  let model: Model;
  let mgmt: string;
  let secId: string;
  let memberId: string;
  let sec: AwsCredentials;
  let member: AwsCredentials;
  let pager: { url: string; arn: string };
  let alertKeyId: string;
  let healthKeyId: string;
  let orgId: string;
  const home = 'eu-west-1';
  const cfg = (credentials: AwsCredentials | undefined, region = home) => sdkConfig(emu, { region, credentials });

  /**
   * The one place an AWS service event is injected (the emulator refuses reserved sources once it emits CloudTrail
   * events itself: then this posts the CloudTrail record to its control endpoint instead).
   */
  async function emitServiceEvent(credentials: AwsCredentials, region: string, e: { source: string; detailType: string; detail: object; resources?: string[] }): Promise<void> {
    if (e.source.startsWith('aws.')) {
      // The emulator refuses aws.* sources on PutEvents, as AWS does: the record goes through its control endpoint.
      const account = credentials === member ? memberId : credentials === sec ? secId : mgmt;
      const cloudTrail = e.detailType.endsWith('via CloudTrail');
      const body = cloudTrail ? { account, region, record: e.detail } : { account, region, event: { source: e.source, 'detail-type': e.detailType, detail: e.detail, resources: e.resources ?? [] } };
      const res = await fetch(`${emu.endpoint}/_rootlock/${cloudTrail ? 'cloudtrail' : 'service-event'}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      expect({ status: res.status, body: res.ok ? '' : await res.text() }).toEqual({ status: 200, body: '' });
      return;
    }
    const out = await new EventBridgeClient(cfg(credentials, region)).send(
      new PutEventsCommand({ Entries: [{ Source: e.source, DetailType: e.detailType, Detail: JSON.stringify(e.detail), Resources: e.resources ?? [] }] }),
    );
    expect(out.FailedEntryCount).toBe(0);
  }

  /** Every page the pager received since the last call (SNS envelopes unwrapped); only those of `topicArn` when given. */
  async function pages(waitMs = 1500, topicArn?: string): Promise<string[]> {
    const out: string[] = [];
    const deadline = Date.now() + waitMs;
    do {
      const got: Message[] = (await new SQSClient(cfg(sec)).send(new ReceiveMessageCommand({ QueueUrl: pager.url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }))).Messages ?? [];
      // EventBridge delivers a quoted template as a JSON string; an alarm publishes its notification JSON.
      const envelopes = got.map((m) => JSON.parse(m.Body!) as { TopicArn: string; Message: string }).filter((e) => !topicArn || e.TopicArn === topicArn);
      out.push(...envelopes.map((e) => e.Message).map((t) => (t.startsWith('"') ? (JSON.parse(t) as string) : t)));
      if (got.length === 0) await sleep(200);
    } while (Date.now() < deadline);
    return out;
  }

  function modelFor(ids: { mgmt: string; sec: string; member: string }): Model {
    const text = fs
      .readFileSync(DEFAULT_CONFIG, 'utf8')
      .replace(/111111111111/g, ids.mgmt)
      .replace(/222222222222/g, ids.sec)
      .replace(/444444444444/g, ids.member);
    const raw = parse(text);
    raw.accounts = raw.accounts.filter((a: { id: string }) => [ids.sec, ids.member].includes(a.id));
    raw.exemptions = [];
    raw.unmanagedAccounts = [];
    return resolveModel(validateConfig(raw));
  }

  async function encryptedTopic(name: string, keyPolicy: object, topicPolicyOf: (arn: string) => object): Promise<{ arn: string; keyId: string }> {
    const keyId = (await kmsCall<{ KeyMetadata: { KeyId: string } }>(emu, 'CreateKey', { Policy: JSON.stringify(keyPolicy) }, { region: home, credentials: sec })).KeyMetadata.KeyId;
    const sns = new SNSClient(cfg(sec));
    const arn = (await sns.send(new CreateTopicCommand({ Name: name, Attributes: { KmsMasterKeyId: keyId } }))).TopicArn!;
    await sns.send(new SetTopicAttributesCommand({ TopicArn: arn, AttributeName: 'Policy', AttributeValue: JSON.stringify(topicPolicyOf(arn)) }));
    await sns.send(new SubscribeCommand({ TopicArn: arn, Protocol: 'sqs', Endpoint: pager.arn }));
    return { arn, keyId };
  }

  /** The central rule of a detection, as modules/central-event-bus.ts makes it. */
  async function centralRule(d: Detection): Promise<void> {
    const eb = new EventBridgeClient(cfg(sec));
    await eb.send(new PutRuleCommand({ Name: d.event!.ruleName, EventBusName: model.pipeline.busName, EventPattern: JSON.stringify(d.event!.pattern), State: ruleStateOf(d.event!) }));
    const t = pageTransformer(model, d);
    await eb.send(
      new PutTargetsCommand({
        Rule: d.event!.ruleName,
        EventBusName: model.pipeline.busName,
        Targets: [{ Id: 'alert-topic', Arn: model.pipeline.topicArn, InputTransformer: { InputPathsMap: t.inputPaths, InputTemplate: t.inputTemplate } }],
      }),
    );
  }

  /** The member's forwarding rule of a detection in a region, as modules/root-activity-forwarding.ts makes it. */
  async function forwardingRule(d: Detection, region: string, account = { id: '', creds: undefined as AwsCredentials | undefined }): Promise<void> {
    const accountId = account.id || memberId;
    const eb = new EventBridgeClient(cfg(account.creds ?? member, region));
    await eb.send(new PutRuleCommand({ Name: d.event!.ruleName, EventPattern: JSON.stringify(d.event!.pattern), State: ruleStateOf(d.event!) }));
    await eb.send(
      new PutTargetsCommand({
        Rule: d.event!.ruleName,
        Targets: [{ Id: 'central-bus', Arn: model.pipeline.busArn, RoleArn: `arn:aws:iam::${accountId}:role/${model.pipeline.forwarderRoleName}` }],
      }),
    );
  }

  beforeAll(async () => {
    process.env.ROOTLOCK_EMULATOR_CLOCK = '1';
    process.env.ROOTLOCK_EMULATOR_SCHEDULE_SCALE = '300'; // rate(5 minutes): every second
    emu = (await startEmulator())!;
    delete process.env.ROOTLOCK_EMULATOR_CLOCK;
    delete process.env.ROOTLOCK_EMULATOR_SCHEDULE_SCALE;
    const org = new OrganizationsClient(sdkConfig(emu));
    const created = await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    orgId = created.Organization!.Id!;
    mgmt = created.Organization!.MasterAccountId!;
    secId = (await org.send(new CreateAccountCommand({ AccountName: 'security-tooling', Email: 'sec@example.com' }))).CreateAccountStatus!.AccountId!;
    memberId = (await org.send(new CreateAccountCommand({ AccountName: 'payments-prod', Email: 'pay@example.com' }))).CreateAccountStatus!.AccountId!;
    sec = await assumeAccount(emu, secId);
    member = await assumeAccount(emu, memberId);
    model = modelFor({ mgmt, sec: secId, member: memberId });

    // The pager: a queue subscribed to the alert topic and to the health topic.
    const pagerArn = `arn:aws:sqs:${home}:${secId}:pager`;
    const pagerPolicy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'sns.amazonaws.com' }, Action: 'sqs:SendMessage', Resource: pagerArn }] };
    pager = { url: (await new SQSClient(cfg(sec)).send(new CreateQueueCommand({ QueueName: 'pager', Attributes: { Policy: JSON.stringify(pagerPolicy) } }))).QueueUrl!, arn: pagerArn };

    // Security account: central bus and its policy, alert topic (alert key), health topic (health key).
    const eb = new EventBridgeClient(cfg(sec));
    await eb.send(new CreateEventBusCommand({ Name: model.pipeline.busName }));
    await eb.send(new PutPermissionCommand({ EventBusName: model.pipeline.busName, Policy: policyJson(busPolicy(model, orgId)) }));
    alertKeyId = (await encryptedTopic(model.pipeline.topicName, alertsKeyPolicy(model), (arn) => topicPolicy(model, arn, orgId))).keyId;
    healthKeyId = (await encryptedTopic(model.health.topicName, healthKeyPolicy(model), () => healthTopicPolicy(model))).keyId;

    // Member: the forwarder role.
    const iam = new IAMClient(cfg(member, 'us-east-1'));
    await iam.send(new CreateRoleCommand({ RoleName: model.pipeline.forwarderRoleName, AssumeRolePolicyDocument: policyJson(forwarderRoleTrust(memberId)) }));
    await iam.send(new PutRolePolicyCommand({ RoleName: model.pipeline.forwarderRoleName, PolicyName: 'put-events-on-central-bus', PolicyDocument: policyJson(forwarderRolePolicy(model)) }));

    // Every forwarded detection: its forwarding rules in the member (each event region it runs in) and its central rule.
    // The detections these scenarios exercise, each in the region AWS records its events (as the stacks place them).
    const used = model.detections.filter((x) => x.id.startsWith('tamper-') || ['refused-break-glass', 'break-glass-assumed', 'trail-tampering', 'drill'].includes(x.id));
    for (const d of used) await centralRule(d);
    for (const region of model.eventRegions) for (const d of rulesForRegion(model, region, 'forwarded').filter((x) => used.includes(x) && (x.id === 'break-glass-assumed' || regionOf(x) === region))) await forwardingRule(d, region);
    await pages(300); // nothing yet
  }, 120_000);

  afterAll(async () => {
    await emu?.stop();
  });

  /** An alarm notification (the JSON CloudWatch publishes) of this alarm. */
  const alarmNamed = (text: string, name: string) => {
    try {
      return (JSON.parse(text) as { AlarmName?: string }).AlarmName === name;
    } catch {
      return false;
    }
  };
  const tamper = () => model.detections.filter((d) => d.id.startsWith('tamper-'));
  const regionOf = (d: Detection) => (d.event!.regions === 'global' ? 'us-east-1' : home);

  /** A concrete value each EventBridge matcher of a generated pattern accepts (strings, prefix, suffix, wildcard, nested fields). */
  function sampleOf(matcher: unknown): unknown {
    if (Array.isArray(matcher)) return sampleOf(matcher[0]);
    if (typeof matcher === 'string') return matcher;
    const m = matcher as Record<string, unknown>;
    if (typeof m.prefix === 'string') return `${m.prefix}sample`;
    if (typeof m.suffix === 'string') return `arn:aws:sample${m.suffix}`;
    if (typeof m.wildcard === 'string') return m.wildcard.replace(/\*/g, 'sample');
    return Object.fromEntries(Object.entries(m).map(([k, v]) => [k, sampleOf(v)]));
  }

  function tamperEvent(d: Detection, identity: object): { source: string; detailType: string; detail: object } {
    const p = d.event!.pattern as { source: string[]; detail: { eventSource: string[]; eventName: string[]; requestParameters?: Record<string, unknown>; $or?: Array<{ requestParameters: Record<string, unknown> }> } };
    const scope = p.detail.$or?.[0].requestParameters ?? p.detail.requestParameters;
    const requestParameters = scope ? sampleOf(scope) : { detectorId: 'sample' };
    return {
      source: p.source[0],
      detailType: 'AWS API Call via CloudTrail',
      detail: { eventSource: p.detail.eventSource[0], eventName: p.detail.eventName[0], userIdentity: identity, requestParameters, readOnly: false, eventType: 'AwsApiCall' },
    };
  }
  const admin = (account: string) => ({
    type: 'AssumedRole',
    arn: `arn:aws:sts::${account}:assumed-role/Admin/mallory`,
    sessionContext: { sessionIssuer: { type: 'Role', arn: `arn:aws:iam::${account}:role/Admin`, userName: 'Admin' }, attributes: { mfaAuthenticated: 'false' } },
  });
  const deploy = (account: string, sourceIdentity = DEPLOY_SOURCE_IDENTITY, role = model.organization.deploymentRoleName) => ({
    type: 'AssumedRole',
    arn: `arn:aws:sts::${account}:assumed-role/${role}/deploy`,
    sessionContext: { sourceIdentity, sessionIssuer: { type: 'Role', arn: `arn:aws:iam::${account}:role/${role}`, userName: role }, attributes: { mfaAuthenticated: 'false' } },
  });

  it('pages once per tamper write outside a deploy, for every generated tamper rule, in the region AWS records it', async () => {
    expect(tamper().length).toBeGreaterThanOrEqual(10);
    for (const d of tamper()) await emitServiceEvent(member, regionOf(d), tamperEvent(d, admin(memberId)));
    const got = await pages();
    // Each write pages its own rule; a write that reaches two protected types (an alias write is also a key write) pages both.
    for (const d of tamper()) {
      expect({ detection: d.id, paged: got.some((t) => t.includes(`(detection ${d.id})`)) }).toEqual({ detection: d.id, paged: true });
    }
    expect(got.filter((t) => !t.startsWith('CRITICAL rootlock page'))).toEqual([]);
  });

  it('does not page the deploy (its role with its source identity), but pages the source identity on another role', async () => {
    for (const d of tamper()) await emitServiceEvent(member, regionOf(d), tamperEvent(d, deploy(memberId)));
    expect(await pages()).toEqual([]);
    const d = tamper()[0];
    await emitServiceEvent(member, regionOf(d), tamperEvent(d, deploy(memberId, DEPLOY_SOURCE_IDENTITY, 'Admin')));
    await emitServiceEvent(member, regionOf(d), tamperEvent(d, deploy(memberId, 'alice@example.com')));
    expect((await pages()).filter((t) => t.includes(`(detection ${d.id})`))).toHaveLength(2);
  });

  it('a refused break-glass attempt raises no critical page: only its low-urgency page', async () => {
    const role = `arn:aws:iam::${memberId}:role/${model.breakGlass.roleName}`;
    const attempt = (errorCode?: string) => ({
      source: 'aws.sts',
      detailType: 'AWS API Call via CloudTrail',
      detail: {
        eventSource: 'sts.amazonaws.com',
        eventName: 'AssumeRole',
        readOnly: true,
        userIdentity: { type: 'IAMUser', arn: `arn:aws:iam::${mgmt}:user/mallory` },
        requestParameters: { roleArn: role, roleSessionName: 'probe' },
        ...(errorCode ? { errorCode } : {}),
      },
    });
    for (let i = 0; i < 5; i++) await emitServiceEvent(member, home, attempt('AccessDenied'));
    const refused = await pages();
    expect(refused.filter((t) => t.startsWith('LOW rootlock page') && t.includes('(detection refused-break-glass)'))).toHaveLength(5);
    expect(refused.filter((t) => t.startsWith('CRITICAL'))).toEqual([]);
    // The control: a successful assumption (read-only in CloudTrail, seen through the rule state) is the critical page.
    await emitServiceEvent(member, 'us-east-1', attempt());
    const ok = await pages();
    expect(ok.filter((t) => /^CRITICAL rootlock page: .*\(detection break-glass-assumed\)/.test(t))).toHaveLength(1);
  });

  it('a burst of benign events holding the alarm in ALARM does not hide a later real event: the rule pages each one', async () => {
    const d = model.detections.find((x) => x.id === 'trail-tampering')!;
    // The security account's own baseline: its forwarder role and the trail-tampering forwarding rule.
    const iam = new IAMClient(cfg(sec, 'us-east-1'));
    await iam.send(new CreateRoleCommand({ RoleName: model.pipeline.forwarderRoleName, AssumeRolePolicyDocument: policyJson(forwarderRoleTrust(secId)) }));
    await iam.send(new PutRolePolicyCommand({ RoleName: model.pipeline.forwarderRoleName, PolicyName: 'put-events-on-central-bus', PolicyDocument: policyJson(forwarderRolePolicy(model)) }));
    await forwardingRule(d, home, { id: secId, creds: sec });
    const logs = new CloudWatchLogsClient(cfg(sec));
    const group = model.pipeline.logGroupName;
    await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
    await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: 'trail' }));
    await logs.send(
      new PutMetricFilterCommand({
        logGroupName: group,
        filterName: d.metric!.filterName,
        filterPattern: d.metric!.pattern,
        metricTransformations: [{ metricName: d.metric!.metricName, metricNamespace: model.pipeline.metricNamespace, metricValue: '1', defaultValue: 0 }],
      }),
    );
    await new CloudWatchClient(cfg(sec)).send(
      new PutMetricAlarmCommand({
        AlarmName: d.metric!.alarmName,
        Namespace: model.pipeline.metricNamespace,
        MetricName: d.metric!.metricName,
        Statistic: 'Sum',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [model.pipeline.topicArn],
      }),
    );
    const call = (eventName: string, who: object) => ({ eventSource: 'cloudtrail.amazonaws.com', eventName, userIdentity: who, requestParameters: { name: model.pipeline.trailArn }, readOnly: false });
    const record = async (detail: object) => {
      await logs.send(new PutLogEventsCommand({ logGroupName: group, logStreamName: 'trail', logEvents: [{ timestamp: Date.now(), message: JSON.stringify(detail) }] }));
      await emitServiceEvent(sec, home, { source: 'aws.cloudtrail', detailType: 'AWS API Call via CloudTrail', detail });
    };
    // The benign burst: the deploy updating the trail three times. The alarm goes to ALARM once and stays there.
    for (let i = 0; i < 3; i++) await record(call('UpdateTrail', deploy(secId)));
    const first = await pages();
    expect(first.filter((t) => alarmNamed(t, d.metric!.alarmName))).toHaveLength(1);
    // The real event while the alarm is still in ALARM: no new alarm notification, but the rule pages it, naming the actor.
    await record(call('StopLogging', admin(secId)));
    const later = await pages();
    expect(later.filter((t) => alarmNamed(t, d.metric!.alarmName))).toHaveLength(0);
    expect(later.filter((t) => t.includes('(detection trail-tampering)') && t.includes(`assumed-role/Admin/mallory`))).toHaveLength(1);
  });

  it("drill --inject, path health: the drill alarm's page reaches the health topic's subscribers by the watch alarms' path (never the alert topic); with the health key disabled it fails with the reason", async () => {
    const secDeploy = await deploySession(secId);
    const a = drillAlarmProps(model, model.health.topicArn);
    await putAlarm(new CloudWatchClient(cfg(secDeploy)), a);
    await pages(300); // drain
    const [health] = planPaths(model).filter((p) => p.kind === 'health');
    // The drill's calls as the drill makes them, in the security account (its job role there is the test's session).
    const access = { client: async () => ({ region: home, credentials: sec, endpoint: emu.endpoint }) } as never;
    const drill = (runId: string) => runDrill(model, [health], { runId, timeoutSeconds: 20, progress: () => undefined, access });
    const alarmState = async () => (await new CloudWatchClient(cfg(sec)).send(new DescribeAlarmsCommand({ AlarmNames: [a.alarmName] }))).MetricAlarms![0].StateValue;

    const ok = await drill('rootlock-drill-20261207T000000Z-hlth');
    expect(ok).toMatchObject({ results: [{ path: 'health', result: 'PASS' }], leftBehind: [] });
    // The real subscriber of the health topic (the pager here) got the same page: the alarm going to ALARM, marked as a drill.
    const got = (await pages(1000, model.health.topicArn)).filter((t) => alarmNamed(t, a.alarmName)).map((t) => JSON.parse(t) as { NewStateValue: string; NewStateReason: string; AlarmDescription: string });
    expect(got).toEqual([expect.objectContaining({ NewStateValue: 'ALARM', NewStateReason: expect.stringContaining('rootlock-drill-20261207T000000Z-hlth'), AlarmDescription: expect.stringMatching(/^DRILL, NOT AN INCIDENT/) })]);
    expect(await alarmState()).toBe('OK'); // set back, and no OK action: nothing more was sent

    await kmsCall(emu, 'DisableKey', { KeyId: healthKeyId }, { region: home, credentials: sec });
    try {
      const broken = await drill('rootlock-drill-20261207T000100Z-hlth');
      expect(broken.results).toEqual([{ path: 'health', result: 'FAIL', reason: expect.stringMatching(/^the alarm's action failed: .*KMS.*Disabled.*\(health topic .*rootlock-health, key alias\/rootlock-health\)$/) }]);
      expect(broken.leftBehind).toEqual([]);
      expect((await pages(500)).filter((t) => alarmNamed(t, a.alarmName))).toEqual([]);
    } finally {
      await kmsCall(emu, 'EnableKey', { KeyId: healthKeyId }, { region: home, credentials: sec });
    }
  }, 90_000);

  /** The deploy's own session (so the emulator's CloudTrail records of setup writes are the deploy's, which no tamper rule pages). */
  const deploySession = (accountId: string) => assumeAccount(emu, accountId, model.organization.deploymentRoleName, DEPLOY_SOURCE_IDENTITY);

  it("a member whose forwarding drops events pages from the security account: its dead-letter queue is read across accounts through the sharing role, and the page takes the health topic", async () => {
    const w = model.health.forwardingWatch;
    const secDeploy = await deploySession(secId);
    const memberDeploy = await deploySession(memberId);
    // Security account: CloudWatch's cross-account service-linked role and the product's alarm on the member's queue.
    await new IAMClient(cfg(secDeploy, 'us-east-1')).send(new CreateServiceLinkedRoleCommand({ AWSServiceName: w.serviceLinkedRole.service }));
    const spec = w.alarms.find((a) => a.accountId === memberId && a.region === home)!;
    const props = queueNotEmptyAlarmProps(forwardingWatchAlarmProps(model, spec, model.health.topicArn));
    expect(props).toMatchObject({ alarmActions: [model.health.topicArn], metricQuery: [{ accountId: memberId }] });
    await putAlarm(new CloudWatchClient(cfg(secDeploy)), props);
    // Member: the forwarding queue (the product's policy) as the drill rule's dead-letter queue.
    const queueArn = `arn:aws:sqs:${home}:${memberId}:${w.queueName}`;
    const queueUrl = (await new SQSClient(cfg(memberDeploy)).send(new CreateQueueCommand({ QueueName: w.queueName, Attributes: { Policy: policyJson(deadLetterQueuePolicy(queueArn, memberId)) } }))).QueueUrl!;
    const drill = model.detections.find((d) => d.id === 'drill')!;
    await new EventBridgeClient(cfg(memberDeploy)).send(
      new PutTargetsCommand({ Rule: drill.event!.ruleName, Targets: [{ Id: 'central-bus', Arn: model.pipeline.busArn, RoleArn: `arn:aws:iam::${memberId}:role/${model.pipeline.forwarderRoleName}`, DeadLetterConfig: { Arn: queueArn } }] }),
    );
    // Forwarding breaks (the central bus policy removed): the member's events land in its queue, its own path is dead.
    const eb = new EventBridgeClient(cfg(secDeploy));
    await eb.send(new RemovePermissionCommand({ EventBusName: model.pipeline.busName, RemoveAllPermissions: true }));
    const isAlarmPage = (t: string) => alarmNamed(t, spec.alarmName) && (JSON.parse(t) as { NewStateValue?: string }).NewStateValue === 'ALARM';
    const queued = async () => Number((await new SQSClient(cfg(memberDeploy)).send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }))).Attributes!.ApproximateNumberOfMessages);
    try {
      // Without the member's sharing role the security account reads nothing: the control, no page.
      await emitServiceEvent(member, home, { source: 'rootlock.drill', detailType: 'rootlock drill', detail: { runId: 'dropped-1' } });
      expect(await queued()).toBe(1);
      expect((await pages(1500, model.health.topicArn)).filter(isAlarmPage)).toEqual([]);
      // With it (the product's trust and policy), the next dropped event pages the health topic.
      const iam = new IAMClient(cfg(memberDeploy, 'us-east-1'));
      await iam.send(new CreateRoleCommand({ RoleName: w.sharingRoleName, AssumeRolePolicyDocument: policyJson(metricSharingRoleTrust(model)) }));
      await iam.send(new PutRolePolicyCommand({ RoleName: w.sharingRoleName, PolicyName: 'read-metrics', PolicyDocument: policyJson(metricSharingRolePolicy()) }));
      await emitServiceEvent(member, home, { source: 'rootlock.drill', detailType: 'rootlock drill', detail: { runId: 'dropped-2' } });
      expect(await queued()).toBe(2);
      const page = (await pages(3000, model.health.topicArn)).find(isAlarmPage);
      expect(page).toBeDefined();
      expect(JSON.parse(page!).AlarmDescription).toContain(`payments-prod (${memberId}) in ${home}`);
    } finally {
      await eb.send(new PutPermissionCommand({ EventBusName: model.pipeline.busName, Policy: policyJson(busPolicy(model, orgId)) }));
    }
  }, 60_000);

  it("outside the home region the security account's queue alarm has no topic: its state change rides the security account's own forwarding to the central bus, and pages", async () => {
    const w = model.health.forwardingWatch;
    const region = 'us-east-1';
    const secDeploy = await deploySession(secId);
    const memberDeploy = await deploySession(memberId);
    const once = async (p: Promise<unknown>) => p.catch((e: Error) => expect(e.name).toMatch(/EntityAlreadyExists|InvalidInput/));
    const secIam = new IAMClient(cfg(secDeploy, 'us-east-1'));
    await once(secIam.send(new CreateServiceLinkedRoleCommand({ AWSServiceName: w.serviceLinkedRole.service })));
    const memberIam = new IAMClient(cfg(memberDeploy, 'us-east-1'));
    await once(memberIam.send(new CreateRoleCommand({ RoleName: w.sharingRoleName, AssumeRolePolicyDocument: policyJson(metricSharingRoleTrust(model)) })));
    await memberIam.send(new PutRolePolicyCommand({ RoleName: w.sharingRoleName, PolicyName: 'read-metrics', PolicyDocument: policyJson(metricSharingRolePolicy()) }));
    // The security account's own baseline: its forwarder role and the forwarding-failed rule of this region; the central rule.
    await once(secIam.send(new CreateRoleCommand({ RoleName: model.pipeline.forwarderRoleName, AssumeRolePolicyDocument: policyJson(forwarderRoleTrust(secId)) })));
    await secIam.send(new PutRolePolicyCommand({ RoleName: model.pipeline.forwarderRoleName, PolicyName: 'put-events-on-central-bus', PolicyDocument: policyJson(forwarderRolePolicy(model)) }));
    const forwardingFailed = model.detections.find((d) => d.id === model.delivery.watch.forwarding.id)!;
    await centralRule(forwardingFailed);
    await forwardingRule(forwardingFailed, region, { id: secId, creds: secDeploy });
    // The product's alarm of the member's queue in this region: no action, a name the forwarding-failed rule matches.
    const spec = w.alarms.find((a) => a.accountId === memberId && a.region === region)!;
    const props = queueNotEmptyAlarmProps(forwardingWatchAlarmProps(model, spec, model.health.topicArn));
    expect(props).toMatchObject({ alarmActions: [], metricQuery: [{ accountId: memberId }] });
    await putAlarm(new CloudWatchClient(cfg(secDeploy, region)), props);
    // The member's queue and a forwarding rule of this region with it as dead-letter queue.
    const queueArn = `arn:aws:sqs:${region}:${memberId}:${w.queueName}`;
    await new SQSClient(cfg(memberDeploy, region)).send(new CreateQueueCommand({ QueueName: w.queueName, Attributes: { Policy: policyJson(deadLetterQueuePolicy(queueArn, memberId)) } }));
    const drill = model.detections.find((d) => d.id === 'drill')!;
    const mb = new EventBridgeClient(cfg(memberDeploy, region));
    await mb.send(new PutRuleCommand({ Name: drill.event!.ruleName, EventPattern: JSON.stringify(drill.event!.pattern), State: ruleStateOf(drill.event!) }));
    await mb.send(new PutTargetsCommand({ Rule: drill.event!.ruleName, Targets: [{ Id: 'central-bus', Arn: model.pipeline.busArn, RoleArn: `arn:aws:iam::${memberId}:role/${model.pipeline.forwarderRoleName}`, DeadLetterConfig: { Arn: queueArn } }] }));
    await pages(500); // earlier scenarios
    const eb = new EventBridgeClient(cfg(secDeploy));
    await eb.send(new RemovePermissionCommand({ EventBusName: model.pipeline.busName, RemoveAllPermissions: true }));
    try {
      await emitServiceEvent(member, region, { source: 'rootlock.drill', detailType: 'rootlock drill', detail: { runId: 'dropped-us-east-1' } });
      const page = (await pages(3000, model.pipeline.topicArn)).find((t) => t.includes(spec.alarmName));
      expect(page).toBeDefined();
      expect(page).toContain(`Playbook: ${model.playbooks.url(forwardingFailed.id)}`);
    } finally {
      await eb.send(new PutPermissionCommand({ EventBusName: model.pipeline.busName, Policy: policyJson(busPolicy(model, orgId)) }));
    }
  }, 60_000);

  it('with the alert key disabled and the central bus policy removed, the silent account still pages through the health path within the heartbeat window', async () => {
    const h = model.health.heartbeat;
    // Installed as the deploy installs it: the setup writes are no tamper page (and, if they were, no heartbeat page).
    const secDeploy = await deploySession(secId);
    const memberDeploy = await deploySession(memberId);
    // Security account: the heartbeat log group, the central heartbeat rule, the metric filter (dimensions: account, region).
    const logs = new CloudWatchLogsClient(cfg(secDeploy));
    await logs.send(new CreateLogGroupCommand({ logGroupName: h.logGroupName }));
    const eb = new EventBridgeClient(cfg(secDeploy));
    await eb.send(new PutRuleCommand({ Name: h.centralRuleName, EventBusName: model.pipeline.busName, EventPattern: JSON.stringify(heartbeatPattern(h)) }));
    await eb.send(new PutTargetsCommand({ Rule: h.centralRuleName, EventBusName: model.pipeline.busName, Targets: [{ Id: 'heartbeat-log-group', Arn: `arn:aws:logs:${home}:${secId}:log-group:${h.logGroupName}` }] }));
    await logs.send(
      new PutMetricFilterCommand({
        logGroupName: h.logGroupName,
        filterName: h.ruleName,
        filterPattern: '{ $.source = "aws.events" }',
        metricTransformations: [{ metricName: h.metricName, metricNamespace: h.metricNamespace, metricValue: '1', dimensions: h.dimensions }],
      }),
    );
    // Member: the scheduled heartbeat rule of the home region, through the forwarder role to the central bus.
    const mb = new EventBridgeClient(cfg(memberDeploy));
    await mb.send(new PutRuleCommand({ Name: h.ruleName, ScheduleExpression: h.scheduleExpression }));
    await mb.send(new PutTargetsCommand({ Rule: h.ruleName, Targets: [{ Id: 'central-bus', Arn: model.pipeline.busArn, RoleArn: `arn:aws:iam::${memberId}:role/${model.pipeline.forwarderRoleName}` }] }));
    // Heartbeats arrive, stored per account and region.
    const deadline = Date.now() + 15_000;
    let stored = 0;
    while (Date.now() < deadline && stored < 2) {
      stored = ((await logs.send(new FilterLogEventsCommand({ logGroupName: h.logGroupName }))).events ?? []).filter((e) => JSON.parse(e.message!).account === memberId).length;
      await sleep(250);
    }
    expect(stored).toBeGreaterThanOrEqual(2);
    // The product's alarm for this account and region, its period shortened to 10 s (one period) for the test.
    const spec = h.alarms.find((a) => a.accountId === memberId && a.region === home)!;
    const props = heartbeatAlarmProps(model, spec, model.health.topicArn);
    expect(props).toMatchObject({ treatMissingData: 'breaching', comparisonOperator: 'LessThanThreshold', alarmActions: [model.health.topicArn] });
    await putAlarm(new CloudWatchClient(cfg(secDeploy)), props, { Period: 10, EvaluationPeriods: 1, DatapointsToAlarm: 1 });
    // The drill's heartbeat check, on the window of this shortened alarm (the model's window, shortened alike).
    const short: Model = { ...model, health: { ...model.health, heartbeat: { ...h, periodSeconds: 10, missedPeriods: 1 } } };
    const beatCheck = async () => (await runHeartbeatChecks(short, [spec], async () => ({ region: home, credentials: sec, endpoint: emu.endpoint }) as never))[0];
    await sleep(12_000);
    // Heartbeats flowing: no health page but the alarm's own first evaluation to OK (its OK action), and the drill sees them.
    const isAlarmPage = (t: string, state: string) => alarmNamed(t, props.alarmName) && (JSON.parse(t) as { NewStateValue?: string }).NewStateValue === state;
    expect((await pages(500, model.health.topicArn)).filter((t) => !isAlarmPage(t, 'OK'))).toEqual([]);
    expect(await beatCheck()).toEqual({ path: `heartbeat:${spec.accountName}:${home}`, result: 'PASS' });

    // The attack: the alert key disabled (the alert topic can page nobody), then the central bus policy removed.
    await pages(500); // what earlier scenarios paged on the alert topic
    await kmsCall(emu, 'DisableKey', { KeyId: alertKeyId }, { region: home, credentials: sec });
    await emitServiceEvent(member, home, { source: 'rootlock.drill', detailType: 'rootlock drill', detail: { runId: 'control' } });
    expect((await pages(1000)).filter((t) => t.includes('(detection drill)'))).toEqual([]); // the control: the alert path is really down
    await eb.send(new RemovePermissionCommand({ EventBusName: model.pipeline.busName, RemoveAllPermissions: true }));

    const started = Date.now();
    let page: string | undefined;
    // Only the heartbeat alarm's ALARM notification counts: a tamper page of the attack (on the dead alert topic) cannot.
    while (!page && Date.now() - started < 25_000) page = (await pages(500, model.health.topicArn)).find((t) => isAlarmPage(t, 'ALARM'));
    expect(page).toBeDefined();
    expect(JSON.parse(page!)).toMatchObject({ NewStateValue: 'ALARM', AlarmName: props.alarmName });
    expect(JSON.parse(page!).AlarmDescription).toContain(memberId);
    expect(Date.now() - started).toBeLessThan(25_000);
    // And the drill names the silent account and region, with the fix, once its window holds no heartbeat.
    let verdict = await beatCheck();
    while (verdict.result === 'PASS' && Date.now() - started < 45_000) verdict = (await sleep(1000), await beatCheck());
    expect(verdict).toEqual({ path: `heartbeat:${spec.accountName}:${home}`, result: 'FAIL', reason: expect.stringMatching(new RegExp(`^no heartbeat from ${spec.accountName} \\(${memberId}\\) in ${home} in the last 10 s .*redeploy ${model.members.find((a) => a.id === memberId)!.stackName} and the security stack$`)) });
  }, 90_000);
});
