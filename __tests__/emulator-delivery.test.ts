/**
 * The emulator delivers (emulator/ext_events_delivery.py, ext_logs_delivery.py, ext_cloudwatch.py,
 * ext_guardduty_findings.py, input_transformer.py, delivery_policy.py), driven through the AWS SDK v3: EventBridge
 * targets with InputTransformer as AWS documents it, cross-account forwarding that keeps the sender's account, the
 * dead-letter queue with AWS's error attributes, a key policy that requires a condition key EventBridge does not send
 * refusing the delivery, a bus policy refusing an account, log events raising an alarm that pages once per OK->ALARM
 * change, GuardDuty sample findings on the bus (none when an ARCHIVE filter suppresses them), and the drill's synthetic
 * record for every metric detection.
 */
import { CloudWatchClient, DescribeAlarmsCommand, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand, PutMetricFilterCommand, TestMetricFilterCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateEventBusCommand, EventBridgeClient, PutEventsCommand, PutPermissionCommand, PutRuleCommand, PutTargetsCommand, Target } from '@aws-sdk/client-eventbridge';
import { Condition, CreateDetectorCommand, CreateFilterCommand, CreateSampleFindingsCommand, DeleteFilterCommand, GuardDutyClient } from '@aws-sdk/client-guardduty';
import { CreateRoleCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { CreateAccountCommand, CreateOrganizationCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, Message, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DEFAULT_CONFIG, loadConfigFile } from '../config/load';
import { resolveModel } from '../config/model';
import { drillTrailRecord } from '../drill/drill-event';
import { planPaths } from '../drill/plan';
import { assumeAccount, AwsCredentials, Emulator, sdkConfig, startEmulator } from './support/emulator';
import { kmsCall } from './support/kms';
import { describeWithTools } from './support/tools';

describeWithTools(['moto_server'], 'the emulator delivery tests')('emulator delivery', () => {
  let emu: Emulator;
  let mgmt: string;
  let orgId: string;
  let memberId: string;
  let member: AwsCredentials;
  const region = 'eu-west-1';
  let n = 0;

  const cfg = (credentials?: AwsCredentials) => sdkConfig(emu, { region, credentials });
  async function queue(credentials?: AwsCredentials): Promise<{ url: string; arn: string }> {
    const name = `q${++n}`;
    const account = credentials ? memberId : mgmt;
    const arn = `arn:aws:sqs:${region}:${account}:${name}`;
    // EventBridge (targets, dead letters) and SNS may send, as a queue policy must allow in AWS.
    const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: ['events.amazonaws.com', 'sns.amazonaws.com'] }, Action: 'sqs:SendMessage', Resource: arn }] };
    const url = (await new SQSClient(cfg(credentials)).send(new CreateQueueCommand({ QueueName: name, Attributes: { Policy: JSON.stringify(policy) } }))).QueueUrl!;
    return { url, arn };
  }
  async function drain(url: string, credentials?: AwsCredentials): Promise<Message[]> {
    return (await new SQSClient(cfg(credentials)).send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'] }))).Messages ?? [];
  }
  async function rule(pattern: object, targets: Target[], credentials?: AwsCredentials, bus?: string): Promise<string> {
    const eb = new EventBridgeClient(cfg(credentials));
    const name = `r${++n}`;
    await eb.send(new PutRuleCommand({ Name: name, EventPattern: JSON.stringify(pattern), EventBusName: bus }));
    await eb.send(new PutTargetsCommand({ Rule: name, EventBusName: bus, Targets: targets }));
    return name;
  }
  async function put(source: string, detail: object, credentials?: AwsCredentials, bus?: string): Promise<void> {
    const out = await new EventBridgeClient(cfg(credentials)).send(new PutEventsCommand({ Entries: [{ Source: source, DetailType: 'test', Detail: JSON.stringify(detail), EventBusName: bus }] }));
    expect(out.FailedEntryCount).toBe(0);
  }
  const keyPolicy = (eventsCondition?: object) =>
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'Admin', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${mgmt}:root` }, Action: 'kms:*', Resource: '*' },
        { Sid: 'AlarmsAndRulesPublishEncrypted', Effect: 'Allow', Principal: { Service: ['cloudwatch.amazonaws.com', 'events.amazonaws.com'] }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'], Resource: '*', ...(eventsCondition ? { Condition: eventsCondition } : {}) },
      ],
    });
  async function encryptedTopicWithSubscriber(): Promise<{ topicArn: string; keyId: string; inbox: { url: string; arn: string } }> {
    const keyId = (await kmsCall<{ KeyMetadata: { KeyId: string } }>(emu, 'CreateKey', { Policy: keyPolicy() }, { region })).KeyMetadata.KeyId;
    const topicArn = (await new SNSClient(cfg()).send(new CreateTopicCommand({ Name: `t${++n}`, Attributes: { KmsMasterKeyId: keyId } }))).TopicArn!;
    const inbox = await queue();
    await new SNSClient(cfg()).send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: inbox.arn }));
    return { topicArn, keyId, inbox };
  }
  const messageOf = (m: Message) => JSON.parse(m.Body!).Message as string;

  beforeAll(async () => {
    emu = (await startEmulator())!;
    const org = new OrganizationsClient(sdkConfig(emu));
    const created = await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    orgId = created.Organization!.Id!;
    mgmt = created.Organization!.MasterAccountId!;
    memberId = (await org.send(new CreateAccountCommand({ AccountName: 'member', Email: 'member@example.com' }))).CreateAccountStatus!.AccountId!;
    member = await assumeAccount(emu, memberId);
  }, 60_000);

  afterAll(async () => {
    await emu?.stop();
  });

  it('applies InputTransformer as documented: string and JSON templates, quoted and bare placeholders, missing paths, predefined variables', async () => {
    const inbox = await queue();
    const transformer = (InputTemplate: string) => ({ InputPathsMap: { acct: '$.account', who: '$.detail.who', first: '$.detail.list[0]', gone: '$.detail.nothing' }, InputTemplate });
    const name = await rule({ source: ['test.transform'] }, [
      { Id: 'string', Arn: inbox.arn, InputTransformer: transformer('"<who> in <acct> said \\"<first>\\"<gone>"') },
      { Id: 'json', Arn: inbox.arn, InputTransformer: transformer('{"who": <who>, "text": "<who> (<acct>)", "missing": <gone>, "rule": <aws.events.rule-name>, "event": <aws.events.event>}') },
    ]);
    await put('test.transform', { who: 'alice', list: ['hi', 'there'] });
    const bodies = (await drain(inbox.url)).map((m) => m.Body!).sort();
    expect(bodies[0]).toBe(`"alice in ${mgmt} said \\"hi\\""`);
    expect(bodies[1]).not.toMatch(/[:,{\[]\s/); // minified
    expect(JSON.parse(bodies[1])).toEqual({ who: 'alice', text: `alice (${mgmt})`, missing: null, rule: name, event: expect.objectContaining({ account: mgmt, source: 'test.transform', detail: { who: 'alice', list: ['hi', 'there'] } }) });
  });

  it('publishes to an encrypted topic, and sends to the DLQ with the reason when the key policy requires aws:SourceAccount of EventBridge', async () => {
    const { topicArn, keyId, inbox } = await encryptedTopicWithSubscriber();
    const dlq = await queue();
    await rule({ source: ['test.kms'] }, [{ Id: 'topic', Arn: topicArn, DeadLetterConfig: { Arn: dlq.arn } }]);
    await put('test.kms', { n: 1 });
    const delivered = await drain(inbox.url);
    expect(delivered.map((m) => JSON.parse(messageOf(m)).detail)).toEqual([{ n: 1 }]);
    expect(JSON.parse(messageOf(delivered[0]))).toMatchObject({ source: 'test.kms', account: mgmt, region, time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/) });

    await kmsCall(emu, 'PutKeyPolicy', { KeyId: keyId, PolicyName: 'default', Policy: keyPolicy({ StringEquals: { 'aws:SourceAccount': mgmt } }) }, { region });
    await put('test.kms', { n: 2 });
    expect(await drain(inbox.url)).toEqual([]);
    const dead = await drain(dlq.url);
    expect(dead.map((m) => JSON.parse(m.Body!).detail)).toEqual([{ n: 2 }]);
    const attrs = Object.fromEntries(Object.entries(dead[0].MessageAttributes!).map(([k, v]) => [k, v.StringValue]));
    expect(attrs).toEqual({
      RULE_ARN: expect.stringContaining(`:rule/r`),
      TARGET_ARN: topicArn,
      ERROR_CODE: 'NO_PERMISSIONS',
      ERROR_MESSAGE: expect.stringMatching(/^SNS.KMSAccessDenied: .*AlarmsAndRulesPublishEncrypted requires aws:SourceAccount, which the request does not carry/),
      RETRY_ATTEMPTS: '0',
    });
  });

  it('forwards to a bus in another account keeping the sender account; a missing target role or a bus policy without that account sends it to the DLQ', async () => {
    const busName = `central${++n}`;
    const eb = new EventBridgeClient(cfg());
    const busArn = (await eb.send(new CreateEventBusCommand({ Name: busName }))).EventBusArn!;
    const inbox = await queue();
    await rule({ source: ['test.forward'] }, [{ Id: 'capture', Arn: inbox.arn }], undefined, busName);
    const memberDlq = await queue(member);
    const role = `arn:aws:iam::${memberId}:role/forwarder`;
    await rule({ source: ['test.forward'] }, [{ Id: 'central', Arn: busArn, RoleArn: role, DeadLetterConfig: { Arn: memberDlq.arn } }], member);

    const errorCodes = async () => (await drain(memberDlq.url, member)).map((m) => `${m.MessageAttributes!.ERROR_CODE.StringValue} ${m.MessageAttributes!.ERROR_MESSAGE.StringValue!.split(':')[0]}`);
    await put('test.forward', { n: 0 }, member);
    expect(await errorCodes()).toEqual(['FAILED_TO_ASSUME_ROLE EventBridge.RoleNotFound']); // the target's role does not exist yet
    const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
    const memberIam = new IAMClient(cfg(member));
    await memberIam.send(new CreateRoleCommand({ RoleName: 'forwarder', AssumeRolePolicyDocument: JSON.stringify(trust) }));
    await put('test.forward', { n: 1 }, member);
    expect(await errorCodes()).toEqual(['NO_PERMISSIONS EventBridge.RolePermissionDenied']); // the role may not call events:PutEvents
    const allowPut = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'events:PutEvents', Resource: busArn }] };
    await memberIam.send(new PutRolePolicyCommand({ RoleName: 'forwarder', PolicyName: 'put', PolicyDocument: JSON.stringify(allowPut) }));
    await put('test.forward', { n: 1 }, member);
    expect(await errorCodes()).toEqual(['NO_PERMISSIONS EventBridge.AccessDenied']); // no bus policy yet: refused
    expect(await drain(inbox.url)).toEqual([]);

    await eb.send(new PutPermissionCommand({ EventBusName: busName, Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'Org', Effect: 'Allow', Principal: { AWS: '*' }, Action: 'events:PutEvents', Resource: busArn, Condition: { StringEquals: { 'aws:PrincipalOrgID': orgId }, ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/forwarder' } } }] }) }));
    await put('test.forward', { n: 2 }, member);
    const got = (await drain(inbox.url)).map((m) => JSON.parse(m.Body!));
    expect(got).toEqual([expect.objectContaining({ account: memberId, region, source: 'test.forward', detail: { n: 2 } })]);
  });

  it('turns matching log events into the metric, the alarm into ALARM, and pages once per OK -> ALARM change', async () => {
    const { topicArn, inbox } = await encryptedTopicWithSubscriber();
    const logs = new CloudWatchLogsClient(cfg());
    const group = `g${++n}`;
    await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
    await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: 's' }));
    await logs.send(new PutMetricFilterCommand({ logGroupName: group, filterName: 'f', filterPattern: '{ $.userIdentity.type = "Root" }', metricTransformations: [{ metricName: `M${n}`, metricNamespace: 'Test', metricValue: '1' }] }));
    const cw = new CloudWatchClient(cfg());
    await cw.send(new PutMetricAlarmCommand({ AlarmName: `a${n}`, Namespace: 'Test', MetricName: `M${n}`, Statistic: 'Sum', Period: 60, EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'notBreaching', AlarmActions: [topicArn] }));
    const log = async (type: string) => logs.send(new PutLogEventsCommand({ logGroupName: group, logStreamName: 's', logEvents: [{ timestamp: Date.now(), message: JSON.stringify({ userIdentity: { type } }) }] }));
    await log('IAMUser');
    expect((await cw.send(new DescribeAlarmsCommand({ AlarmNames: [`a${n}`] }))).MetricAlarms![0].StateValue).toBe('OK');
    await log('Root');
    expect((await cw.send(new DescribeAlarmsCommand({ AlarmNames: [`a${n}`] }))).MetricAlarms![0].StateValue).toBe('ALARM');
    await log('Root'); // still in ALARM: no second page
    const pages = (await drain(inbox.url)).map((m) => JSON.parse(messageOf(m)));
    expect(pages).toEqual([expect.objectContaining({ AlarmName: `a${n}`, NewStateValue: 'ALARM', OldStateValue: 'OK', Trigger: expect.objectContaining({ MetricName: `M${n}`, Statistic: 'SUM', Period: 60 }) })]);
  });

  it('publishes a GuardDuty sample finding to the default bus of the detector account, unless a suppression rule archives it', async () => {
    const gd = new GuardDutyClient(cfg());
    const detectorId = (await gd.send(new CreateDetectorCommand({ Enable: true }))).DetectorId!;
    const inbox = await queue();
    await rule({ source: ['aws.guardduty'], 'detail-type': ['GuardDuty Finding'], detail: { type: ['Policy:IAMUser/RootCredentialUsage'] } }, [{ Id: 'capture', Arn: inbox.arn }]);
    await gd.send(new CreateSampleFindingsCommand({ DetectorId: detectorId, FindingTypes: ['Policy:IAMUser/RootCredentialUsage'] }));
    const got = (await drain(inbox.url)).map((m) => JSON.parse(m.Body!));
    expect(got).toEqual([expect.objectContaining({ account: mgmt, detail: expect.objectContaining({ type: 'Policy:IAMUser/RootCredentialUsage', service: expect.objectContaining({ additionalInfo: expect.objectContaining({ sample: true }) }) }) })]);

    // A suppression rule: an ARCHIVE filter matching the finding keeps it off the bus; NOOP filters (saved views) and
    // ARCHIVE filters whose criteria exclude it do not.
    const findings = async () => {
      await gd.send(new CreateSampleFindingsCommand({ DetectorId: detectorId, FindingTypes: ['Policy:IAMUser/RootCredentialUsage'] }));
      return (await drain(inbox.url)).length;
    };
    const filter = (Name: string, Action: 'ARCHIVE' | 'NOOP', Criterion: Record<string, Condition>) => gd.send(new CreateFilterCommand({ DetectorId: detectorId, Name, Action, FindingCriteria: { Criterion } }));
    await filter('saved-view', 'NOOP', { type: { Equals: ['Policy:IAMUser/RootCredentialUsage'] } });
    await filter('other-types', 'ARCHIVE', { type: { NotEquals: ['Policy:IAMUser/RootCredentialUsage'] } });
    await filter('high-only', 'ARCHIVE', { severity: { GreaterThanOrEqual: 7 } });
    expect(await findings()).toBe(1);
    await filter('low-noise', 'ARCHIVE', { severity: { LessThan: 4 }, type: { Matches: ['Policy:*'] } });
    expect(await findings()).toBe(0);
    await gd.send(new DeleteFilterCommand({ DetectorId: detectorId, FilterName: 'low-noise' }));
    expect(await findings()).toBe(1);
  });

  it("the drill's synthetic record matches every metric detection's filter (the service's TestMetricFilter)", async () => {
    const model = resolveModel(loadConfigFile(DEFAULT_CONFIG));
    const logs = new CloudWatchLogsClient(cfg());
    const metricPaths = planPaths(model).filter((p) => p.kind === 'metric');
    expect(metricPaths.length).toBeGreaterThan(0);
    for (const p of metricPaths) {
      const record = JSON.stringify(drillTrailRecord(model, p, 'run-1', new Date()));
      const out = await logs.send(new TestMetricFilterCommand({ filterPattern: p.detection.metric!.pattern, logEventMessages: [record] }));
      expect({ path: p.name, matches: out.matches?.length }).toEqual({ path: p.name, matches: 1 });
    }
  });
});
