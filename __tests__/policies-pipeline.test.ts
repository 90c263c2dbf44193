/**
 * Proofs, with a real IAM policy engine (iam-simulate), that the alarm pipeline's resource policies let exactly the
 * services and roles that must write do so, and nobody else: trail bucket and key, alerts key and topic, central bus,
 * dead-letter queue, config bucket, and the trusts of the forwarder and service roles. Every document is the
 * policyJson() text, i.e. what goes into Terraform. The organization id is a literal here (a Terraform reference at
 * synth time).
 */
import * as path from 'path';
import { loadConfigFile } from '../config/load';
import { resolveModel, Model } from '../config/model';
import { policyJson, PolicyDocument } from '../policies/document';
import {
  alertsKeyPolicy,
  busPolicy,
  cloudTrailToLogsPolicy,
  configBucketPolicy,
  configRecorderDeliveryPolicy,
  deadLetterQueuePolicy,
  forwarderRolePolicy,
  forwarderRoleTrust,
  serviceRoleTrust,
  topicPolicy,
  trailBucketPolicy,
  trailKeyPolicy,
} from '../policies/pipeline';
import { accessLogBucketPolicy } from '../policies/compliance';
import { metricSharingRolePolicy, metricSharingRoleTrust } from '../policies/health';
import { SERVICE_INTEGRATIONS } from '../policies/service-integrations';
import { ADMIN, Decision, parsePolicy, serviceRequest, simulate, SimulateInput } from './support/iam';

const model: Model = resolveModel(loadConfigFile(path.join(__dirname, '..', 'examples', 'example-org.yaml')));
const ORG = 'o-exampleorg1';
const OTHER_ORG = 'o-otherorg999';
const p = model.pipeline;
const REGION = model.organization.homeRegion;
const MGMT = model.management.id;
const SEC = model.security.id;
const MEMBER = model.members.find((m) => m.name === 'payments-prod')!.id;
const OUTSIDER = '999999999999';
const tf = (doc: PolicyDocument) => parsePolicy(policyJson(doc));

const trailBucket = `arn:aws:s3:::${p.trailBucketName}`;
const configBucket = `arn:aws:s3:::${p.configBucketName}`;
const trailKeyArn = `arn:aws:kms:${REGION}:${SEC}:key/11111111-2222-3333-4444-555555555555`;
const alertsKeyArn = `arn:aws:kms:${REGION}:${SEC}:key/66666666-7777-8888-9999-000000000000`;
const ATTACKER_TRAIL = `arn:aws:cloudtrail:${REGION}:${OUTSIDER}:trail/rootlock-organization-trail`;
/** The mistake the model's comment warns about: the trail ARN with the security (creating) account instead of the management account. */
const TRAIL_IN_SECURITY_ACCOUNT = `arn:aws:cloudtrail:${REGION}:${SEC}:trail/${p.trailName}`;

/** A role session: aws:PrincipalArn is the role ARN; aws:PrincipalOrgID says which organization its account is in. */
function roleSession(acct: string, role: string, org: string | undefined, identityPolicies: PolicyDocument[], extra: Record<string, string | string[]> = {}) {
  return {
    principal: `arn:aws:sts::${acct}:assumed-role/${role}/session`,
    identityPolicies,
    context: {
      'aws:PrincipalArn': `arn:aws:iam::${acct}:role/${role}`,
      'aws:PrincipalAccount': acct,
      ...(org ? { 'aws:PrincipalOrgID': org } : {}),
      'aws:SecureTransport': 'true',
      ...extra,
    },
  };
}

async function decision(input: SimulateInput): Promise<Decision> {
  return (await simulate(input)).decision;
}

describe('model: the organization trail ARN', () => {
  it('carries the management account id (CloudTrail\'s aws:SourceArn for an organization trail), not the security account', () => {
    expect(p.trailArn).toBe(`arn:aws:cloudtrail:${REGION}:${MGMT}:trail/${p.trailName}`);
    expect(p.trailArn).not.toContain(SEC);
  });
});

describe('trail bucket policy', () => {
  const policy = tf(trailBucketPolicy(model, ORG));
  const trailContext = { 'aws:SourceArn': p.trailArn, 'aws:SourceAccount': MGMT, 's3:x-amz-acl': 'bucket-owner-full-control' };
  const orgObject = `${trailBucket}/AWSLogs/${ORG}/${MEMBER}/CloudTrail/${REGION}/2026/11/28/${MEMBER}_CloudTrail_${REGION}_20261128T0000Z_abc.json.gz`;
  const mgmtObject = `${trailBucket}/AWSLogs/${MGMT}/CloudTrail/${REGION}/2026/11/28/${MGMT}_CloudTrail_${REGION}_20261128T0000Z_abc.json.gz`;
  const put = (resource: string, ctx: Record<string, string>) =>
    decision({ resourcePolicy: policy, ...serviceRequest('cloudtrail-to-s3', ctx), action: 's3:PutObject', resource, resourceAccount: SEC });

  it('lets CloudTrail write member-account logs of the organization trail under AWSLogs/<org id>/', async () => {
    expect(await put(orgObject, trailContext)).toBe('Allowed');
  });
  it('lets CloudTrail write the management account\'s own logs under AWSLogs/<management id>/', async () => {
    expect(await put(mgmtObject, trailContext)).toBe('Allowed');
  });
  it('lets CloudTrail check the bucket ACL for the organization trail', async () => {
    expect(await decision({ resourcePolicy: policy, ...serviceRequest('cloudtrail-to-s3', { 'aws:SourceArn': p.trailArn, 'aws:SourceAccount': MGMT }), action: 's3:GetBucketAcl', resource: trailBucket, resourceAccount: SEC })).toBe('Allowed');
  });
  it('refuses CloudTrail writing for another trail (wrong aws:SourceArn: an outsider\'s trail of the same name)', async () => {
    expect(await put(orgObject, { ...trailContext, 'aws:SourceArn': ATTACKER_TRAIL })).toBe('ImplicitlyDenied');
  });
  it('refuses the trail ARN built with the security account (the organization trail never presents that)', async () => {
    expect(await put(orgObject, { ...trailContext, 'aws:SourceArn': TRAIL_IN_SECURITY_ACCOUNT })).toBe('ImplicitlyDenied');
  });
  it('refuses a write without bucket-owner-full-control', async () => {
    expect(await put(orgObject, { 'aws:SourceArn': p.trailArn })).toBe('ImplicitlyDenied');
  });
  it('refuses writes outside the AWSLogs prefixes of this organization and its management account', async () => {
    expect(await put(`${trailBucket}/AWSLogs/${OTHER_ORG}/${OUTSIDER}/x.json.gz`, trailContext)).toBe('ImplicitlyDenied');
    expect(await put(`${trailBucket}/AWSLogs/${OUTSIDER}/CloudTrail/x.json.gz`, trailContext)).toBe('ImplicitlyDenied');
    expect(await put(`${trailBucket}/elsewhere/x.json.gz`, trailContext)).toBe('ImplicitlyDenied');
  });
  it('denies any request without TLS, even CloudTrail\'s own', async () => {
    expect(await put(orgObject, { ...trailContext, 'aws:SecureTransport': 'false' })).toBe('ExplicitlyDenied');
    const reader = roleSession(SEC, 'SecurityAnalyst', ORG, [ADMIN], { 'aws:SecureTransport': 'false' });
    expect(await decision({ resourcePolicy: policy, ...reader, action: 's3:GetObject', resource: orgObject, resourceAccount: SEC })).toBe('ExplicitlyDenied');
  });
  it('refuses an outside account\'s administrator and a member account\'s administrator', async () => {
    for (const [acct, org] of [[OUTSIDER, OTHER_ORG], [MEMBER, ORG]]) {
      const admin = roleSession(acct, 'Admin', org, [ADMIN]);
      expect(await decision({ resourcePolicy: policy, ...admin, action: 's3:PutObject', resource: orgObject, resourceAccount: SEC })).toBe('ImplicitlyDenied');
      expect(await decision({ resourcePolicy: policy, ...admin, action: 's3:GetObject', resource: orgObject, resourceAccount: SEC })).toBe('ImplicitlyDenied');
    }
  });
});

describe('trail key policy', () => {
  const policy = tf(trailKeyPolicy(model, ORG));
  const ctCtx = { 'aws:SourceArn': p.trailArn, 'aws:SourceAccount': MGMT, 'kms:EncryptionContext:aws:cloudtrail:arn': p.trailArn };
  // iam-simulate cannot name kms:EncryptionContext:<key with colons>; see unvalidatedKeys in support/iam.ts.
  const ENCRYPTION_CONTEXT = ['kms:EncryptionContext:aws:cloudtrail:arn', 'kms:EncryptionContext:aws:logs:arn'];
  const kms = (who: Pick<SimulateInput, 'principal' | 'context' | 'identityPolicies'>, action: string) =>
    decision({ resourcePolicy: policy, ...who, action, resource: trailKeyArn, unvalidatedKeys: ENCRYPTION_CONTEXT });

  it('lets CloudTrail generate data keys for the organization trail', async () => {
    expect(await kms(serviceRequest('cloudtrail-to-kms', ctCtx), 'kms:GenerateDataKey')).toBe('Allowed');
    expect(await kms(serviceRequest('cloudtrail-to-kms', { 'aws:SourceArn': p.trailArn }), 'kms:DescribeKey')).toBe('Allowed');
  });
  it('refuses CloudTrail for another trail (wrong aws:SourceArn, or an encryption context of another account\'s trail)', async () => {
    expect(await kms(serviceRequest('cloudtrail-to-kms', { ...ctCtx, 'aws:SourceArn': ATTACKER_TRAIL }), 'kms:GenerateDataKey')).toBe('ImplicitlyDenied');
    expect(await kms(serviceRequest('cloudtrail-to-kms', { ...ctCtx, 'kms:EncryptionContext:aws:cloudtrail:arn': ATTACKER_TRAIL }), 'kms:GenerateDataKey')).toBe('ImplicitlyDenied');
    expect(await kms(serviceRequest('cloudtrail-to-kms', { 'aws:SourceArn': ATTACKER_TRAIL }), 'kms:DescribeKey')).toBe('ImplicitlyDenied');
  });
  it('lets CloudWatch Logs of the home region encrypt the trail log group, and no other log group', async () => {
    const logs = (ctx: Record<string, string>) => serviceRequest('logs-to-kms', ctx, REGION);
    expect(await kms(logs({ 'kms:EncryptionContext:aws:logs:arn': p.logGroupArn }), 'kms:GenerateDataKey')).toBe('Allowed');
    expect(await kms(logs({ 'kms:EncryptionContext:aws:logs:arn': p.logGroupArn }), 'kms:Decrypt')).toBe('Allowed');
    expect(await kms(logs({ 'kms:EncryptionContext:aws:logs:arn': `arn:aws:logs:${REGION}:${SEC}:log-group:/app/other` }), 'kms:Decrypt')).toBe('ImplicitlyDenied');
  });
  it('lets security-account principals decrypt trail logs, and refuses member accounts and outsiders', async () => {
    const ctx = { 'kms:CallerAccount': SEC, 'kms:EncryptionContext:aws:cloudtrail:arn': p.trailArn };
    expect(await kms(roleSession(SEC, 'SecurityAnalyst', ORG, [ADMIN], ctx), 'kms:Decrypt')).toBe('Allowed');
    expect(await kms(roleSession(MEMBER, 'Admin', ORG, [ADMIN], { ...ctx, 'kms:CallerAccount': MEMBER }), 'kms:Decrypt')).toBe('ImplicitlyDenied');
    expect(await kms(roleSession(OUTSIDER, 'Admin', OTHER_ORG, [ADMIN], { ...ctx, 'kms:CallerAccount': OUTSIDER }), 'kms:Decrypt')).toBe('ImplicitlyDenied');
  });
  it('refuses an outsider any key administration', async () => {
    expect(await kms(roleSession(OUTSIDER, 'Admin', OTHER_ORG, [ADMIN], { 'kms:CallerAccount': OUTSIDER }), 'kms:ScheduleKeyDeletion')).toBe('ImplicitlyDenied');
  });
});

describe('alerts key policy', () => {
  const doc = alertsKeyPolicy(model);
  const policy = tf(doc);
  const kms = (who: Pick<SimulateInput, 'principal' | 'context' | 'identityPolicies'>, action: string) => decision({ resourcePolicy: policy, ...who, action, resource: alertsKeyArn });

  it.each(['cloudwatch-to-kms', 'events-to-kms'] as const)('lets %s (the KMS call SNS makes, with no source key) encrypt and decrypt alerts', async (id) => {
    expect(await kms(serviceRequest(id, {}), 'kms:GenerateDataKey')).toBe('Allowed');
    expect(await kms(serviceRequest(id, {}), 'kms:Decrypt')).toBe('Allowed');
  });
  it('carries no aws:SourceAccount, aws:SourceArn or aws:SourceOrgID for events.amazonaws.com (SNS guide: not supported)', () => {
    const forEvents = doc.Statement.filter((st) => JSON.stringify(st.Principal ?? '').includes('events.amazonaws.com'));
    expect(forEvents.length).toBeGreaterThan(0);
    for (const st of forEvents) expect(JSON.stringify(st.Condition ?? {})).not.toMatch(/aws:Source(Account|Arn|OrgID)/i);
  });
  it('refuses other services and other accounts\' administrators', async () => {
    expect(await kms({ principal: 'sns.amazonaws.com', identityPolicies: [], context: { 'aws:SecureTransport': 'true' } }, 'kms:Decrypt')).toBe('ImplicitlyDenied');
    expect(await kms(roleSession(OUTSIDER, 'Admin', OTHER_ORG, [ADMIN]), 'kms:Decrypt')).toBe('ImplicitlyDenied');
    expect(await kms(roleSession(MEMBER, 'Admin', ORG, [ADMIN]), 'kms:Decrypt')).toBe('ImplicitlyDenied');
  });
});

describe('alert topic policy', () => {
  const policy = tf(topicPolicy(model, p.topicArn, ORG));
  const publish = (who: Pick<SimulateInput, 'principal' | 'context' | 'identityPolicies'>) => decision({ resourcePolicy: policy, ...who, action: 'sns:Publish', resource: p.topicArn });
  const alarm = (acct: string, name: string) => ({ 'aws:SourceAccount': acct, 'aws:SourceArn': `arn:aws:cloudwatch:${REGION}:${acct}:alarm:${name}` });
  const rule = (acct: string, path: string) => ({ 'aws:SourceAccount': acct, 'aws:SourceArn': `arn:aws:events:${REGION}:${acct}:rule/${path}` });

  it('lets CloudWatch alarms of the security account publish (root alarms and the pipeline watch alarms)', async () => {
    expect(await publish(serviceRequest('cloudwatch-to-sns', alarm(SEC, 'rootlock-root-usage')))).toBe('Allowed');
    expect(await publish(serviceRequest('cloudwatch-to-sns', alarm(SEC, model.delivery.watch.trailDelivery.alarmName)))).toBe('Allowed');
  });
  it.each(model.delivery.centralRules.map((r) => [r.ruleName, r.arn]))('lets the central rule %s publish', async (_name, arn) => {
    expect(await publish(serviceRequest('events-to-sns', { 'aws:SourceAccount': SEC, 'aws:SourceArn': arn }))).toBe('Allowed');
  });
  it('refuses another account\'s rule or alarm, and a security-account rule that is not a central rule', async () => {
    expect(await publish(serviceRequest('events-to-sns', rule(MEMBER, 'rootlock-root-api-call')))).toBe('ImplicitlyDenied');
    expect(await publish(serviceRequest('events-to-sns', rule(OUTSIDER, `${p.busName}/rootlock-root-api-call`)))).toBe('ImplicitlyDenied');
    expect(await publish(serviceRequest('events-to-sns', rule(SEC, 'someone-elses-rule')))).toBe('ImplicitlyDenied');
    expect(await publish(serviceRequest('cloudwatch-to-sns', alarm(OUTSIDER, 'rootlock-root-usage')))).toBe('ImplicitlyDenied');
    expect(await publish(serviceRequest('cloudwatch-to-sns', alarm(SEC, 'billing-alarm')))).toBe('ImplicitlyDenied');
  });
  it('refuses an outside account, and lets organization members only read the topic', async () => {
    expect(await publish(roleSession(OUTSIDER, 'Admin', OTHER_ORG, [ADMIN]))).toBe('ImplicitlyDenied');
    expect(await publish(roleSession(MEMBER, 'Admin', ORG, [ADMIN]))).toBe('ImplicitlyDenied');
    expect(await decision({ resourcePolicy: policy, ...roleSession(MEMBER, 'Admin', ORG, [ADMIN]), action: 'sns:GetTopicAttributes', resource: p.topicArn })).toBe('Allowed');
    expect(await decision({ resourcePolicy: policy, ...roleSession(OUTSIDER, 'Admin', OTHER_ORG, [ADMIN]), action: 'sns:GetTopicAttributes', resource: p.topicArn })).toBe('ImplicitlyDenied');
    expect(await decision({ resourcePolicy: policy, ...roleSession(MEMBER, 'Admin', ORG, [ADMIN]), action: 'sns:Subscribe', resource: p.topicArn })).toBe('ImplicitlyDenied');
  });
  it('denies publishing without TLS', async () => {
    expect(await publish(serviceRequest('cloudwatch-to-sns', { ...alarm(SEC, 'rootlock-root-usage'), 'aws:SecureTransport': 'false' }))).toBe('ExplicitlyDenied');
    expect(await publish(roleSession(SEC, 'Responder', ORG, [ADMIN], { 'aws:SecureTransport': 'false' }))).toBe('ExplicitlyDenied');
  });
});

describe('central event bus policy', () => {
  const policy = tf(busPolicy(model, ORG));
  const forwarderIdentity = tf(forwarderRolePolicy(model));
  const put = (who: Pick<SimulateInput, 'principal' | 'context' | 'identityPolicies'>) => decision({ resourcePolicy: policy, ...who, action: 'events:PutEvents', resource: p.busArn });

  it.each(model.members.filter((m) => m.id !== SEC).map((m) => [m.name, m.id]))('lets the forwarder role of %s put events on the central bus', async (_name, acct) => {
    expect(await put(roleSession(acct, p.forwarderRoleName, ORG, [forwarderIdentity]))).toBe('Allowed');
  });
  it('lets the management account\'s forwarder role put events too', async () => {
    expect(await put(roleSession(MGMT, p.forwarderRoleName, ORG, [forwarderIdentity]))).toBe('Allowed');
  });
  it('refuses a role of the same name in an account outside the organization', async () => {
    expect(await put(roleSession(OUTSIDER, p.forwarderRoleName, OTHER_ORG, [forwarderIdentity]))).toBe('ImplicitlyDenied');
  });
  it('refuses other roles of member accounts, even administrators', async () => {
    expect(await put(roleSession(MEMBER, 'Admin', ORG, [ADMIN]))).toBe('ImplicitlyDenied');
    expect(await put(roleSession(MEMBER, model.breakGlass.roleName, ORG, [ADMIN]))).toBe('ImplicitlyDenied');
  });
  it('lets the forwarder role put events on the central bus only', () => {
    expect(forwarderIdentity.Statement).toEqual([{ Sid: 'PutOnCentralBus', Effect: 'Allow', Action: 'events:PutEvents', Resource: p.busArn }]);
  });
});

describe('forwarder and service role trusts', () => {
  const forwarderRole = `arn:aws:iam::${MEMBER}:role/${p.forwarderRoleName}`;
  it('lets EventBridge of the member account assume its forwarder role', async () => {
    const trust = tf(forwarderRoleTrust(MEMBER));
    expect(await decision({ trustPolicy: trust, ...serviceRequest('events-assumes-forwarder-role', { 'aws:SourceAccount': MEMBER }), action: 'sts:AssumeRole', resource: forwarderRole })).toBe('Allowed');
  });
  it('refuses EventBridge acting for another account (confused deputy)', async () => {
    const trust = tf(forwarderRoleTrust(MEMBER));
    expect(await decision({ trustPolicy: trust, ...serviceRequest('events-assumes-forwarder-role', { 'aws:SourceAccount': OUTSIDER }), action: 'sts:AssumeRole', resource: forwarderRole })).toBe('ImplicitlyDenied');
    expect(await decision({ trustPolicy: trust, ...roleSession(MEMBER, 'Admin', ORG, [ADMIN]), action: 'sts:AssumeRole', resource: forwarderRole })).toBe('ImplicitlyDenied');
  });
  describe('CloudWatch-CrossAccountSharingRole: who may read an account\'s metrics through it', () => {
    const w = model.health.forwardingWatch;
    const role = `arn:aws:iam::${MEMBER}:role/${w.sharingRoleName}`;
    const trust = tf(metricSharingRoleTrust(model));
    // The service-linked role's AWS-managed policy lets it assume the sharing role of any account; the trust decides.
    const assumeSharing = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: `arn:aws:iam::*:role/${w.sharingRoleName}` }] } as PolicyDocument;
    const cloudWatch = (acct: string) => ({
      principal: `arn:aws:sts::${acct}:assumed-role/${w.serviceLinkedRole.name}/cloudwatch`,
      identityPolicies: [assumeSharing],
      context: { 'aws:PrincipalArn': `arn:aws:iam::${acct}:role/aws-service-role/${w.serviceLinkedRole.service}/${w.serviceLinkedRole.name}`, 'aws:PrincipalAccount': acct, 'aws:PrincipalOrgID': ORG, 'aws:SecureTransport': 'true' },
    });
    it('lets CloudWatch of the security account (its cross-account service-linked role) assume it', async () => {
      expect(cloudWatch(SEC).context['aws:PrincipalArn']).toBe(w.serviceLinkedRole.arn);
      expect(await decision({ trustPolicy: trust, ...cloudWatch(SEC), action: 'sts:AssumeRole', resource: role })).toBe('Allowed');
    });
    it('refuses an administrator of the security account, CloudWatch of another account, and the member\'s own administrator', async () => {
      expect(await decision({ trustPolicy: trust, ...roleSession(SEC, 'Admin', ORG, [ADMIN]), action: 'sts:AssumeRole', resource: role })).toBe('ImplicitlyDenied');
      expect(await decision({ trustPolicy: trust, ...cloudWatch(MGMT), action: 'sts:AssumeRole', resource: role })).toBe('ImplicitlyDenied');
      expect(await decision({ trustPolicy: trust, ...cloudWatch(OUTSIDER), action: 'sts:AssumeRole', resource: role })).toBe('ImplicitlyDenied');
      expect(await decision({ trustPolicy: trust, ...roleSession(MEMBER, 'Admin', ORG, [ADMIN]), action: 'sts:AssumeRole', resource: role })).toBe('ImplicitlyDenied');
    });
    it('reads metrics and nothing else', async () => {
      const session = roleSession(MEMBER, w.sharingRoleName, ORG, [tf(metricSharingRolePolicy())]);
      // The metric reads have no resource type (Resource "*"), which the engine cannot simulate as one resource.
      expect(metricSharingRolePolicy().Statement.flatMap((st) => [st.Effect, st.Action, st.Resource])).toEqual(['Allow', ['cloudwatch:GetMetricData', 'cloudwatch:GetMetricStatistics', 'cloudwatch:ListMetrics'], '*']);
      expect(await decision({ ...session, action: 'sqs:ReceiveMessage', resource: `arn:aws:sqs:${REGION}:${MEMBER}:${w.queueName}` })).toBe('ImplicitlyDenied');
      expect(await decision({ ...session, action: 'cloudwatch:DeleteAlarms', resource: `arn:aws:cloudwatch:${REGION}:${MEMBER}:alarm:rootlock-x` })).toBe('ImplicitlyDenied');
    });
  });
  it('lets AWS Config of the recording account assume the recorder role, and refuses Config acting for another account', async () => {
    const role = `arn:aws:iam::${MEMBER}:role/${p.configRoleName}`;
    const trust = tf(serviceRoleTrust('config-assumes-recorder-role', MEMBER));
    expect(await decision({ trustPolicy: trust, ...serviceRequest('config-assumes-recorder-role', { 'aws:SourceAccount': MEMBER }), action: 'sts:AssumeRole', resource: role })).toBe('Allowed');
    expect(await decision({ trustPolicy: trust, ...serviceRequest('config-assumes-recorder-role', { 'aws:SourceAccount': OUTSIDER }), action: 'sts:AssumeRole', resource: role })).toBe('ImplicitlyDenied');
  });
  it('lets CloudTrail assume its logs delivery role with what it sends (no source key), and the role only writes the trail log group', async () => {
    const role = `arn:aws:iam::${SEC}:role/${p.cloudTrailToLogsRoleName}`;
    const doc = serviceRoleTrust('cloudtrail-to-logs-role', SEC);
    expect(doc.Statement.map((st) => st.Condition)).toEqual([undefined]);
    const trust = tf(doc);
    expect(await decision({ trustPolicy: trust, ...serviceRequest('cloudtrail-to-logs-role', {}), action: 'sts:AssumeRole', resource: role })).toBe('Allowed');
    expect(await decision({ trustPolicy: trust, ...roleSession(MEMBER, 'Admin', ORG, [ADMIN]), action: 'sts:AssumeRole', resource: role })).toBe('ImplicitlyDenied');
    const deliver = roleSession(SEC, p.cloudTrailToLogsRoleName, ORG, [tf(cloudTrailToLogsPolicy(model))]);
    const stream = `${p.logGroupArn}:log-stream:${MGMT}_CloudTrail_${REGION}`;
    expect(await decision({ ...deliver, action: 'logs:PutLogEvents', resource: stream })).toBe('Allowed');
    expect(await decision({ ...deliver, action: 'logs:PutLogEvents', resource: `arn:aws:logs:${REGION}:${SEC}:log-group:/app/other:log-stream:x` })).toBe('ImplicitlyDenied');
    expect(await decision({ ...deliver, action: 'logs:DeleteLogGroup', resource: p.logGroupArn })).toBe('ImplicitlyDenied');
  });
});

describe('dead-letter queue policy', () => {
  const queueArn = `arn:aws:sqs:${REGION}:${MEMBER}:${model.delivery.forwardingDeadLetterQueueName}`;
  const policy = tf(deadLetterQueuePolicy(queueArn, MEMBER));
  const send = (who: Pick<SimulateInput, 'principal' | 'context' | 'identityPolicies'>) => decision({ resourcePolicy: policy, ...who, action: 'sqs:SendMessage', resource: queueArn });
  const rule = (acct: string, region: string) => ({ 'aws:SourceAccount': acct, 'aws:SourceArn': `arn:aws:events:${region}:${acct}:rule/rootlock-root-api-call` });
  it('lets EventBridge rules of the queue\'s account and region send failed deliveries', async () => {
    expect(await send(serviceRequest('events-to-sqs', rule(MEMBER, REGION)))).toBe('Allowed');
  });
  it('refuses another account\'s rule, a rule of another region, and outsiders', async () => {
    expect(await send(serviceRequest('events-to-sqs', rule(OUTSIDER, REGION)))).toBe('ImplicitlyDenied');
    expect(await send(serviceRequest('events-to-sqs', { ...rule(MEMBER, REGION), 'aws:SourceAccount': OUTSIDER }))).toBe('ImplicitlyDenied');
    expect(await send(serviceRequest('events-to-sqs', rule(MEMBER, 'ap-south-1')))).toBe('ImplicitlyDenied');
    expect(await send(roleSession(OUTSIDER, 'Admin', OTHER_ORG, [ADMIN]))).toBe('ImplicitlyDenied');
  });
});

describe('config bucket policy', () => {
  const policy = tf(configBucketPolicy(model, ORG));
  const recorderIdentity = tf(configRecorderDeliveryPolicy(model));
  const object = (acct: string) => `${configBucket}/AWSLogs/${acct}/Config/${REGION}/2026/11/28/ConfigSnapshot/${acct}_Config_${REGION}_ConfigSnapshot_20261128T000000Z_abc.json.gz`;
  const acl = { 's3:x-amz-acl': 'bucket-owner-full-control' };
  const put = (who: Pick<SimulateInput, 'principal' | 'context' | 'identityPolicies'>, acct: string) =>
    decision({ resourcePolicy: policy, ...who, action: 's3:PutObject', resource: object(acct), resourceAccount: SEC });

  it('lets the Config recorder role of a member account deliver, and check the bucket', async () => {
    const rec = roleSession(MEMBER, p.configRoleName, ORG, [recorderIdentity], acl);
    expect(await put(rec, MEMBER)).toBe('Allowed');
    const check = roleSession(MEMBER, p.configRoleName, ORG, [recorderIdentity]);
    expect(await decision({ resourcePolicy: policy, ...check, action: 's3:GetBucketAcl', resource: configBucket, resourceAccount: SEC })).toBe('Allowed');
  });
  it('refuses delivery without bucket-owner-full-control, without TLS, from outside the organization, or by another role', async () => {
    expect(await put(roleSession(MEMBER, p.configRoleName, ORG, [recorderIdentity]), MEMBER)).toBe('ImplicitlyDenied');
    expect(await put(roleSession(MEMBER, p.configRoleName, ORG, [recorderIdentity], { ...acl, 'aws:SecureTransport': 'false' }), MEMBER)).toBe('ExplicitlyDenied');
    expect(await put(roleSession(OUTSIDER, p.configRoleName, OTHER_ORG, [recorderIdentity], acl), OUTSIDER)).toBe('ImplicitlyDenied');
    expect(await put(roleSession(MEMBER, 'Admin', ORG, [ADMIN], acl), MEMBER)).toBe('ImplicitlyDenied');
  });
});

describe('service-integration facts', () => {
  it('name, for every integration, the AWS page that says what it sends', () => {
    for (const i of SERVICE_INTEGRATIONS) {
      expect({ id: i.id, source: i.source }).toEqual({ id: i.id, source: expect.stringMatching(/^https:\/\/(docs\.aws\.amazon\.com|repost\.aws)\//) });
      expect(i.sendsConditionKeys.filter((k) => i.notSent.includes(k))).toEqual([]);
    }
    expect(new Set(SERVICE_INTEGRATIONS.map((i) => i.id)).size).toBe(SERVICE_INTEGRATIONS.length);
  });

  it('bound every condition of every service statement: only keys the service sends for that action', () => {
    const docs = {
      trailKey: trailKeyPolicy(model, ORG),
      trailBucket: trailBucketPolicy(model, ORG),
      alertsKey: alertsKeyPolicy(model),
      topic: topicPolicy(model, p.topicArn, ORG),
      queue: deadLetterQueuePolicy(p.deadLetterQueueArn, SEC),
      forwarderTrust: forwarderRoleTrust(MEMBER),
      cloudTrailTrust: serviceRoleTrust('cloudtrail-to-logs-role', SEC),
      configTrust: serviceRoleTrust('config-assumes-recorder-role', MEMBER),
      accessLogBucket: accessLogBucketPolicy(model, [p.trailBucketName, p.configBucketName]),
    };
    const unsent: string[] = [];
    for (const [name, doc] of Object.entries(docs)) {
      for (const st of doc.Statement) {
        const services = st.Principal && st.Principal !== '*' ? [st.Principal.Service ?? []].flat() : [];
        if (services.length === 0 || st.Effect !== 'Allow') continue;
        const keys = Object.values(st.Condition ?? {}).flatMap((block) => Object.keys(block));
        for (const svc of services) {
          const actions = [st.Action ?? []].flat();
          const facts = SERVICE_INTEGRATIONS.filter((i) => i.principal.replace('{region}', REGION) === svc && actions.every((a) => i.actions.includes(a)));
          if (facts.length === 0) unsent.push(`${name}/${st.Sid}: no integration fact for ${svc} ${actions.join(',')}`);
          for (const k of keys) if (!facts.some((i) => i.sendsConditionKeys.includes(k))) unsent.push(`${name}/${st.Sid}: ${svc} does not send ${k}`);
        }
      }
    }
    expect(unsent).toEqual([]);
  });
});
