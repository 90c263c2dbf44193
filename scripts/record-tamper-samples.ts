/**
 * Records the tamper detections' samples (`detections/samples/tamper-*.json`) from the emulator: every management call
 * made to it becomes a CloudTrail record on the default bus of its account and region (emulator/README.md, "CloudTrail
 * events"). A "deploy" session creates the rootlock-named resource, then an administrator session (role Admin, no
 * source identity) performs the tampering write; a rule on the default bus (state ENABLED: writes only, as the tamper
 * rules) sends every CloudTrail event to a queue, and the write's event is saved, moved into the example's accounts.
 *
 * Not recorded by the emulator (S3 calls bypass its recorder; S3 object writes are data events anyway): tamper-buckets
 * and tamper-trail-objects are hand-written from the CloudTrail record of the S3 API (`requestParameters.bucketName`)
 * and kept as they are (`HAND_WRITTEN`). Run: `npx ts-node --transpile-only scripts/record-tamper-samples.ts`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CloudTrailClient, CreateTrailCommand, PutInsightSelectorsCommand } from '@aws-sdk/client-cloudtrail';
import { CloudWatchClient, PutMetricAlarmCommand, DisableAlarmActionsCommand } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, CreateLogGroupCommand, DeleteRetentionPolicyCommand, PutRetentionPolicyCommand } from '@aws-sdk/client-cloudwatch-logs';
import { ConfigServiceClient, PutConfigurationRecorderCommand, PutOrganizationConfigRuleCommand, StopConfigurationRecorderCommand } from '@aws-sdk/client-config-service';
import { CreateEventBusCommand, DeleteEventBusCommand, DisableRuleCommand, EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateDetectorCommand, GuardDutyClient, UpdateDetectorCommand } from '@aws-sdk/client-guardduty';
import { CreateRoleCommand, DetachRolePolicyCommand, AttachRolePolicyCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateAccountCommand, CreateOrganizationCommand, OrganizationsClient, RegisterDelegatedAdministratorCommand } from '@aws-sdk/client-organizations';
import { BucketLocationConstraint, CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SetTopicAttributesCommand, SNSClient } from '@aws-sdk/client-sns';
import { CreateQueueCommand, PurgeQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { exampleModel } from '../__tests__/support/example';
import { assumeAccount, AwsCredentials, Emulator, sdkConfig, startEmulator } from '../__tests__/support/emulator';
import { kmsCall } from '../__tests__/support/kms';
import { SAMPLES_DIR } from '../drill/samples';

/** Hand-written samples (the emulator cannot record these calls): kept as they are. */
export const HAND_WRITTEN = ['tamper-buckets', 'tamper-trail-objects', 'tamper-metric-namespace'];

const model = exampleModel();
const p = model.pipeline;
const home = model.organization.homeRegion;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const emu: Emulator = (await startEmulator())!;
  try {
    const org = new OrganizationsClient(sdkConfig(emu));
    const mgmt = (await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }))).Organization!.MasterAccountId!;
    const sec = (await org.send(new CreateAccountCommand({ AccountName: 'security-tooling', Email: 'sec@example.com' }))).CreateAccountStatus!.AccountId!;
    // AWS Config's organization rules are written by its delegated administrator (the security account).
    await org.send(new RegisterDelegatedAdministratorCommand({ AccountId: sec, ServicePrincipal: 'config-multiaccountsetup.amazonaws.com' }));
    const deploy = await assumeAccount(emu, sec);
    const c = (credentials: AwsCredentials, region = home) => sdkConfig(emu, { region, credentials });
    await new IAMClient(c(deploy, 'us-east-1')).send(new CreateRoleCommand({ RoleName: 'Admin', AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${mgmt}:root` }, Action: 'sts:AssumeRole' }] }) }));
    const a = (await new STSClient(c(deploy, 'us-east-1')).send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${sec}:role/Admin`, RoleSessionName: 'mallory' }))).Credentials!;
    const admin: AwsCredentials = { accessKeyId: a.AccessKeyId!, secretAccessKey: a.SecretAccessKey!, sessionToken: a.SessionToken };

    // The recorder: every CloudTrail event of the default bus, per region, into a queue.
    const queues = new Map<string, string>();
    for (const region of [home, 'us-east-1']) {
      const url = (await new SQSClient(c(deploy, region)).send(new CreateQueueCommand({ QueueName: 'recorded-events', Attributes: { Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sqs:SendMessage', Resource: `arn:aws:sqs:${region}:${sec}:recorded-events` }] }) } }))).QueueUrl!;
      const eb = new EventBridgeClient(c(deploy, region));
      await eb.send(new PutRuleCommand({ Name: 'record', EventPattern: JSON.stringify({ 'detail-type': ['AWS API Call via CloudTrail'] }), State: 'ENABLED' }));
      await eb.send(new PutTargetsCommand({ Rule: 'record', Targets: [{ Id: 'q', Arn: `arn:aws:sqs:${region}:${sec}:recorded-events` }] }));
      queues.set(region, url);
    }

    // Setup as the deploy would leave it (its own events are not kept).
    await new S3Client({ ...c(deploy), forcePathStyle: true }).send(new CreateBucketCommand({ Bucket: `${p.namePrefix}trail-${sec}-${home}`, CreateBucketConfiguration: { LocationConstraint: home as BucketLocationConstraint } }));
    await new CloudTrailClient(c(deploy)).send(new CreateTrailCommand({ Name: p.trailName, S3BucketName: `${p.namePrefix}trail-${sec}-${home}`, IsMultiRegionTrail: true }));
    await new CloudWatchLogsClient(c(deploy)).send(new CreateLogGroupCommand({ logGroupName: p.logGroupName }));
    const alarmName = `${p.namePrefix}root-usage`;
    await new CloudWatchClient(c(deploy)).send(new PutMetricAlarmCommand({ AlarmName: alarmName, Namespace: p.metricNamespace, MetricName: 'RootUsage', Statistic: 'Sum', Period: 300, EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' }));
    const topicArn = (await new SNSClient(c(deploy)).send(new CreateTopicCommand({ Name: p.topicName }))).TopicArn!;
    await new EventBridgeClient(c(deploy)).send(new CreateEventBusCommand({ Name: p.busName }));
    const ruleName = model.detections.find((d) => d.id === 'root-usage')!.event!.ruleName;
    await new EventBridgeClient(c(deploy)).send(new PutRuleCommand({ Name: ruleName, EventPattern: JSON.stringify({ source: ['aws.signin'] }) }));
    const dlqUrl = (await new SQSClient(c(deploy)).send(new CreateQueueCommand({ QueueName: p.deadLetterQueueName }))).QueueUrl!;
    await new IAMClient(c(deploy, 'us-east-1')).send(new CreateRoleCommand({ RoleName: p.forwarderRoleName, AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sts:AssumeRole' }] }) }));
    await new IAMClient(c(deploy, 'us-east-1')).send(new AttachRolePolicyCommand({ RoleName: p.forwarderRoleName, PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }));
    const keyId = (await kmsCall<{ KeyMetadata: { KeyId: string } }>(emu, 'CreateKey', {}, { region: home, credentials: deploy })).KeyMetadata.KeyId;
    const otherKey = (await kmsCall<{ KeyMetadata: { KeyId: string } }>(emu, 'CreateKey', {}, { region: home, credentials: deploy })).KeyMetadata.KeyId;
    const alias = `${p.keyAliasPrefix}alerts`;
    await kmsCall(emu, 'CreateAlias', { AliasName: alias, TargetKeyId: keyId }, { region: home, credentials: deploy });
    const detectorId = (await new GuardDutyClient(c(deploy)).send(new CreateDetectorCommand({ Enable: true }))).DetectorId!;
    await new ConfigServiceClient(c(deploy)).send(new PutConfigurationRecorderCommand({ ConfigurationRecorder: { name: p.configRecorderName, roleARN: `arn:aws:iam::${sec}:role/${p.namePrefix}config-recorder` } }));
    await sleep(500);
    for (const [region, url] of queues) await new SQSClient(c(deploy, region)).send(new PurgeQueueCommand({ QueueUrl: url }));
    await sleep(300);

    // The tampering writes, one per detection, each by the administrator session.
    const writes: Array<[string, string, () => Promise<unknown>]> = [
      // StopLogging, DeleteTrail, UpdateTrail and PutEventSelectors also page trail-tampering (any trail): this sample is a
      // write only tamper-trail watches.
      ['tamper-trail', 'PutInsightSelectors', () => new CloudTrailClient(c(admin)).send(new PutInsightSelectorsCommand({ TrailName: p.trailName, InsightSelectors: [] }))],
      ['tamper-log', 'PutRetentionPolicy', () => new CloudWatchLogsClient(c(admin)).send(new PutRetentionPolicyCommand({ logGroupName: p.logGroupName, retentionInDays: 1 }))],
      ['tamper-log', 'DeleteRetentionPolicy', () => new CloudWatchLogsClient(c(admin)).send(new DeleteRetentionPolicyCommand({ logGroupName: p.logGroupName }))],
      ['tamper-alarms', 'DisableAlarmActions', () => new CloudWatchClient(c(admin)).send(new DisableAlarmActionsCommand({ AlarmNames: [alarmName] }))],
      ['tamper-alert-topic', 'SetTopicAttributes', () => new SNSClient(c(admin)).send(new SetTopicAttributesCommand({ TopicArn: topicArn, AttributeName: 'Policy', AttributeValue: '{"Version":"2012-10-17","Statement":[]}' }))],
      ['tamper-central-bus', 'DeleteEventBus', () => new EventBridgeClient(c(admin)).send(new DeleteEventBusCommand({ Name: p.busName }))],
      ['tamper-events', 'DisableRule', () => new EventBridgeClient(c(admin)).send(new DisableRuleCommand({ Name: ruleName }))],
      ['tamper-dead-letter-queues', 'PurgeQueue', () => new SQSClient(c(admin)).send(new PurgeQueueCommand({ QueueUrl: dlqUrl }))],
      ['tamper-roles', 'DetachRolePolicy', () => new IAMClient(c(admin, 'us-east-1')).send(new DetachRolePolicyCommand({ RoleName: p.forwarderRoleName, PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }))],
      ['tamper-keys', 'PutKeyPolicy', () => kmsCall(emu, 'PutKeyPolicy', { KeyId: keyId, PolicyName: 'default', Policy: '{"Version":"2012-10-17","Statement":[]}' }, { region: home, credentials: admin })],
      ['tamper-key-aliases', 'UpdateAlias', () => kmsCall(emu, 'UpdateAlias', { AliasName: alias, TargetKeyId: otherKey }, { region: home, credentials: admin })],
      ['tamper-guard-duty', 'UpdateDetector', () => new GuardDutyClient(c(admin)).send(new UpdateDetectorCommand({ DetectorId: detectorId, Enable: false }))],
      ['tamper-config-recorder', 'StopConfigurationRecorder', () => new ConfigServiceClient(c(admin)).send(new StopConfigurationRecorderCommand({ ConfigurationRecorderName: p.configRecorderName }))],
      ['tamper-config-organization-rules', 'PutOrganizationConfigRule', () => new ConfigServiceClient(c(admin)).send(new PutOrganizationConfigRuleCommand({ OrganizationConfigRuleName: `${p.namePrefix}root-mfa`, OrganizationManagedRuleMetadata: { RuleIdentifier: 'ROOT_ACCOUNT_MFA_ENABLED' } }))],
    ];
    const failed: string[] = [];
    for (const [id, name, write] of writes) await write().catch((e: Error) => failed.push(`${id} ${name}: ${e.message}`));
    await sleep(1000);

    const events: Array<Record<string, any>> = [];
    for (const [region, url] of queues) {
      for (;;) {
        const got = (await new SQSClient(c(deploy, region)).send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }))).Messages ?? [];
        if (got.length === 0) break;
        events.push(...got.map((m) => JSON.parse(m.Body!)));
      }
    }
    // Into the example's accounts (management, security).
    // The emulator's address becomes the service endpoint (an SQS queue URL), the loopback caller a documentation address.
    const example = (e: Record<string, any>) =>
      JSON.parse(
        JSON.stringify(e)
          .split(sec).join(model.security.id)
          .split(mgmt).join(model.management.id)
          .split(emu.endpoint).join(`https://sqs.${e.region}.amazonaws.com`)
          .split('"127.0.0.1"').join('"203.0.113.10"'),
      );
    const byDetection = new Map<string, object[]>();
    for (const [id, name] of writes) {
      const e = events.find((x) => x.detail.eventName === name && !x.detail.errorCode && x.detail.userIdentity?.sessionContext?.sessionIssuer?.userName === 'Admin');
      if (!e) {
        failed.push(`${id} ${name}: no event recorded`);
        continue;
      }
      // GuardDuty's REST API carries the detector id in the path; the emulator records only the body, CloudTrail both.
      if (e.detail.eventSource === 'guardduty.amazonaws.com') e.detail.requestParameters = { detectorId, ...e.detail.requestParameters };
      // The emulator names CloudWatch's CloudTrail events `aws.cloudwatch`; the EventBridge reference `aws.monitoring`
      // (https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-monitoring.html): the sample is AWS's.
      if (e.detail.eventSource === 'monitoring.amazonaws.com') e.source = 'aws.monitoring';
      byDetection.set(id, [...(byDetection.get(id) ?? []), example(e)]);
    }
    for (const [id, list] of byDetection) fs.writeFileSync(path.join(SAMPLES_DIR, `${id}.json`), `${JSON.stringify({ detection: id, events: list }, null, 2)}\n`);
    console.log(`recorded: ${[...byDetection.keys()].join(', ')}`);
    if (failed.length) console.error(`not recorded:\n  ${failed.join('\n  ')}`);
  } finally {
    await emu.stop();
  }
}

if (require.main === module) main().catch((e) => (console.error(e), process.exit(1)));
