/**
 * The real page, delivered: the input transformer rootlock synthesizes for a detection (`detections/page-format.ts`)
 * applied by the emulator's EventBridge to an AWS-shaped event, published to an SNS topic and received by an SQS
 * subscriber in the SNS envelope an HTTPS subscriber (the pager) gets. The GuardDuty finding is the one a delegated
 * administrator's bus receives: its envelope `account` is the administrator, `detail.accountId` the member it is
 * about, and the page must name the member. The envelope then carries what the pager integration the README
 * recommends needs (README, "Pager integration").
 */
import * as fs from 'fs';
import * as path from 'path';
import { PutEventsCommand, EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { CreateQueueCommand, Message, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { pageTransformer } from '../detections/page-format';
import { exampleModel } from './support/example';
import { Emulator, sdkConfig, startEmulator } from './support/emulator';
import { describeWithTools } from './support/tools';

const model = exampleModel();
const guardDuty = model.detections.find((d) => d.id === 'guardduty-root-credential-usage')!;
const sample = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'detections', 'samples', 'guardduty-root-credential-usage.json'), 'utf8')).events[0];
const TEST_SOURCE = 'rootlock.test.guardduty';

describe('the page names the account a GuardDuty finding is about', () => {
  it('reads the member from detail.accountId, not the envelope (the delegated administrator)', () => {
    expect(pageTransformer(model, guardDuty).inputPaths.account).toBe('$.detail.accountId');
    const other = model.detections.find((d) => d.event && d.id !== guardDuty.id && !/guardduty/.test(d.id))!;
    expect(pageTransformer(model, other).inputPaths.account).toBe('$.account');
  });
});

describeWithTools(['moto_server'], 'the page delivery test')('the real page, through EventBridge, SNS and a subscriber', () => {
  let emu: Emulator;
  const region = model.organization.homeRegion;
  const cfg = () => sdkConfig(emu, { region });

  beforeAll(async () => {
    emu = (await startEmulator())!;
  }, 60_000);
  afterAll(async () => {
    await emu?.stop();
  });

  /**
   * The one place a service event enters the bus. The emulator refuses reserved `aws.*` sources on PutEvents (as AWS
   * does), so the AWS-shaped finding is put under a test source with its detail unchanged; the envelope `account`
   * is the caller's (here: the delegated administrator). Switch to the emulator's service-event injection when it lands.
   */
  async function emitServiceEvent(event: { 'detail-type': string; detail: object }): Promise<void> {
    const out = await new EventBridgeClient(cfg()).send(
      new PutEventsCommand({ Entries: [{ Source: TEST_SOURCE, DetailType: event['detail-type'], Detail: JSON.stringify(event.detail) }] }),
    );
    expect(out.FailedEntryCount).toBe(0);
  }

  it('the SNS notification carries the member account, severity, detection, region, time and playbook in its Message', async () => {
    const sqs = new SQSClient(cfg());
    const queueName = 'pager-capture';
    const admin = (await new STSClient(cfg()).send(new GetCallerIdentityCommand({}))).Account!;
    const queueArn = `arn:aws:sqs:${region}:${admin}:${queueName}`;
    // SNS may send, as a queue policy must allow in AWS.
    const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'sns.amazonaws.com' }, Action: 'sqs:SendMessage', Resource: queueArn }] };
    const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: queueName, Attributes: { Policy: JSON.stringify(policy) } }))).QueueUrl!;
    expect(admin).not.toBe(sample.detail.accountId);
    const topicArn = (await new SNSClient(cfg()).send(new CreateTopicCommand({ Name: model.pipeline.topicName }))).TopicArn!;
    await new SNSClient(cfg()).send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: queueArn }));
    const t = pageTransformer(model, guardDuty);
    const eb = new EventBridgeClient(cfg());
    const pattern = { ...(guardDuty.event!.pattern as object), source: [TEST_SOURCE] };
    await eb.send(new PutRuleCommand({ Name: guardDuty.event!.ruleName, EventPattern: JSON.stringify(pattern) }));
    await eb.send(new PutTargetsCommand({ Rule: guardDuty.event!.ruleName, Targets: [{ Id: 'alerts', Arn: topicArn, InputTransformer: { InputPathsMap: t.inputPaths, InputTemplate: t.inputTemplate } }] }));

    await emitServiceEvent(sample);
    const messages: Message[] = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 2 }))).Messages ?? [];
    expect(messages).toHaveLength(1);
    const envelope = JSON.parse(messages[0].Body!) as Record<string, string>;
    // What an HTTPS subscriber receives: the SNS notification JSON, the page as its Message.
    expect(envelope).toMatchObject({ Type: 'Notification', TopicArn: topicArn, MessageId: expect.any(String), Timestamp: expect.any(String) });
    // A quoted template is delivered as a JSON string literal, quotes included (as in AWS's own example).
    expect(envelope.Message).toMatch(/^".*"$/);
    const page = JSON.parse(envelope.Message) as string;
    expect(page).toContain(`Account ${sample.detail.accountId},`);
    expect(page).not.toContain(admin);
    expect(page).toMatch(new RegExp(`^${guardDuty.severity.toUpperCase()} rootlock page: .*\\(detection ${guardDuty.id}\\)\\.`));
    expect(page).toContain(`region ${region}.`);
    expect(page).toMatch(/ Time: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\. /);
    expect(page).toContain(`Playbook: ${model.playbooks.url(guardDuty.id)}`);
    expect(page).toContain(`Actor (finding): ${sample.detail.resource.accessKeyDetails.userName}.`);
  });
});
