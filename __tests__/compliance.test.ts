/**
 * What auditors check, in the synthesized Terraform: the exact CIS 4.3 filter string and its alarm with an SNS action
 * beside the unchanged split alarms, trail bucket access logging and Object Lock, the Config bucket on its own KMS key,
 * the configuration opt-outs; and the new resource policies proven with the IAM engine.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Model } from '../config/model';
import { ConfigError } from '../config/errors';
import { policyJson, PolicyDocument } from '../policies/document';
import { accessLogBucketPolicy, configKeyPolicy } from '../policies/compliance';
import { configRecorderDeliveryPolicy } from '../policies/pipeline';
import { synthesize } from '../stacks/app';
import { exampleModel } from './support/example';
import { ADMIN, Decision, parsePolicy, simulate, SimulateInput } from './support/iam';

type Stack = { resource: Record<string, Record<string, any>> };
function securityStack(model: Model): { stack: Stack; text: string } {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'rootlock-compliance-'));
  synthesize(model, out);
  const text = fs.readFileSync(path.join(out, 'stacks', model.stackNames.security, 'cdk.tf.json'), 'utf8');
  return { stack: JSON.parse(text), text };
}
const byName = (stack: Stack, type: string, field: string, value: string) => Object.entries(stack.resource[type] ?? {}).find(([, r]) => r[field] === value);
const CIS_BYTES = Buffer.from('{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}', 'utf8');

describe('the synthesized security stack of the example', () => {
  const model = exampleModel();
  const { stack, text } = securityStack(model);
  const topicRef = (id: string) => `\${aws_sns_topic.${id}.arn}`;

  it('holds the exact CIS 4.3 filter string, compared as bytes, on the trail log group', () => {
    const [, filter] = byName(stack, 'aws_cloudwatch_log_metric_filter', 'name', 'rootlock-cis-root-usage')!;
    expect(Buffer.from(filter.pattern, 'utf8').equals(CIS_BYTES)).toBe(true);
    expect(filter.log_group_name).toBe('${aws_cloudwatch_log_group.organization_trail_log_group.name}');
    // As Terraform reads it: the JSON text holds the string with only JSON's own escaping.
    expect(text).toContain(JSON.stringify(CIS_BYTES.toString('utf8')));
  });

  it('alarms on it with an SNS action: the compliance topic, which has a subscriber', () => {
    const [, alarm] = byName(stack, 'aws_cloudwatch_metric_alarm', 'alarm_name', 'rootlock-cis-root-usage')!;
    expect(alarm).toMatchObject({ metric_name: 'CisRootUsage', namespace: 'Rootlock', threshold: 1, comparison_operator: 'GreaterThanOrEqualToThreshold' });
    expect(alarm.alarm_actions).toEqual([topicRef('compliance_topic_topic')]);
    expect(stack.resource.aws_sns_topic.compliance_topic_topic).toMatchObject({ name: 'rootlock-compliance', kms_master_key_id: '${aws_kms_key.alerts_key_key.arn}' });
    const subs = Object.values(stack.resource.aws_sns_topic_subscription).filter((s: any) => s.topic_arn === topicRef('compliance_topic_topic'));
    expect(subs.map((s: any) => `${s.protocol}:${s.endpoint}`)).toEqual(['email:security-oncall@example.com']);
  });

  it('keeps both split alarms, paging the alert topic with their own patterns', () => {
    for (const [name, term] of [
      ['rootlock-root-usage', '$.userIdentity.sessionContext.assumedRoot NOT EXISTS'],
      ['rootlock-root-task-session', '$.userIdentity.sessionContext.assumedRoot = "true"'],
    ]) {
      const [, alarm] = byName(stack, 'aws_cloudwatch_metric_alarm', 'alarm_name', name)!;
      expect(alarm.alarm_actions).toEqual([topicRef('alerts_topic')]);
      expect(byName(stack, 'aws_cloudwatch_log_metric_filter', 'name', name)![1].pattern).toContain(term);
    }
    // Only the CIS alarm avoids the pager (the pipeline's own health alarms page through the separate health topic;
    // the forwarding-queue alarms outside the home region page through the forwarded state change, silence-health).
    const pagers = [topicRef('alerts_topic'), topicRef('health_topic')];
    const forwarded = model.health.forwardingWatch.alarms.filter((a) => a.pagesThrough === 'forwarded-state-change').map((a) => a.alarmName);
    const offPager = Object.values(stack.resource.aws_cloudwatch_metric_alarm).filter((a: any) => !pagers.includes(a.alarm_actions[0]) && !forwarded.includes(a.alarm_name));
    expect(offPager.map((a: any) => a.alarm_name)).toEqual(['rootlock-cis-root-usage']);
  });

  it('pages on a disabled or deleted pipeline key, by alarm and by a rule on the security account\'s default bus', () => {
    const [, alarm] = byName(stack, 'aws_cloudwatch_metric_alarm', 'alarm_name', 'rootlock-kms-key-disabled')!;
    expect(alarm.alarm_actions).toEqual([topicRef('alerts_topic')]);
    const [, rule] = byName(stack, 'aws_cloudwatch_event_rule', 'name', 'rootlock-kms-key-disabled')!;
    expect(rule.event_bus_name).toBeUndefined();
    expect(JSON.parse(rule.event_pattern).detail.eventName).toEqual(['DisableKey', 'ScheduleKeyDeletion']);
  });

  it('logs the trail bucket\'s access to a separate locked-down bucket, and locks its objects (governance, log retention)', () => {
    const r = stack.resource;
    expect(r.aws_s3_bucket.organization_trail_bucket_bucket.object_lock_enabled).toBe(true);
    expect(r.aws_s3_bucket_object_lock_configuration.organization_trail_bucket_object_lock.rule).toEqual({ default_retention: { mode: 'GOVERNANCE', days: 365 } });
    expect(r.aws_s3_bucket_logging.organization_trail_bucket_access_logging).toMatchObject({
      bucket: '${aws_s3_bucket.organization_trail_bucket_bucket.id}',
      target_bucket: '${aws_s3_bucket_policy.access_logs_bucket_policy.bucket}',
      target_prefix: `${model.pipeline.trailBucketName}/`,
    });
    expect(r.aws_s3_bucket.access_logs_bucket_bucket).toEqual(expect.objectContaining({ bucket: model.compliance.accessLogBucketName }));
    expect(r.aws_s3_bucket.access_logs_bucket_bucket.object_lock_enabled).toBeUndefined();
    expect(r.aws_s3_bucket_public_access_block.access_logs_bucket_public_access_block.restrict_public_buckets).toBe(true);
  });

  it('encrypts the Config bucket with its own KMS key, keeps its Terraform address, and logs its access', () => {
    const r = stack.resource;
    expect(r.aws_s3_bucket.config_bucket_bucket.bucket).toBe(model.pipeline.configBucketName);
    expect(r.aws_s3_bucket_server_side_encryption_configuration.config_bucket_encryption.rule[0].apply_server_side_encryption_by_default).toEqual({
      sse_algorithm: 'aws:kms',
      kms_master_key_id: '${aws_kms_key.config_bucket_key_key.arn}',
    });
    expect(r.aws_kms_key.config_bucket_key_key.enable_key_rotation).toBe(true);
    expect(r.aws_kms_alias.config_bucket_key_alias.name).toBe('alias/rootlock-config');
    expect(r.aws_s3_bucket_logging.config_bucket_access_logging.target_prefix).toBe(`${model.pipeline.configBucketName}/`);
    expect(r.aws_s3_bucket_object_lock_configuration.config_bucket_object_lock).toBeUndefined();
  });
});

describe('the configuration', () => {
  it('an Object Lock opt-out with a reason removes the lock and says why in the compliance map', () => {
    const model = exampleModel((c) => (c.compliance = { trailObjectLock: { enabled: false, reason: 'Logs are copied to a WORM archive by the SIEM team.' } }));
    const { stack } = securityStack(model);
    expect(stack.resource.aws_s3_bucket_object_lock_configuration).toBeUndefined();
    expect(stack.resource.aws_s3_bucket.organization_trail_bucket_bucket.object_lock_enabled).toBeUndefined();
    expect(stack.resource.aws_s3_bucket_logging.organization_trail_bucket_access_logging).toBeDefined();
  });

  it('refuses an opt-out without a reason, naming the field and the fix', () => {
    expect(() => exampleModel((c) => (c.compliance = { trailObjectLock: { enabled: false } }))).toThrow(ConfigError);
    expect(() => exampleModel((c) => (c.compliance = { trailObjectLock: { enabled: false, reason: 'no' } }))).toThrow(/compliance\.trailObjectLock\.reason: "no": Object Lock is off/);
    expect(() => exampleModel((c) => (c.compliance = { emails: [] }))).toThrow(/compliance\.emails: is empty/);
  });

  it('compliance.emails replaces the alert addresses on the compliance topic, never an HTTPS pager', () => {
    const model = exampleModel((c) => (c.compliance = { emails: ['grc@example.com'] }));
    expect(model.compliance.subscriptions).toEqual([{ protocol: 'email', endpoint: 'grc@example.com' }]);
    expect(exampleModel().compliance.subscriptions.every((s) => s.protocol === 'email')).toBe(true);
  });

  it('the lock retention follows logging.retentionDays', () => {
    const model = exampleModel((c) => (c.logging = { retentionDays: 731 }));
    expect(securityStack(model).stack.resource.aws_s3_bucket_object_lock_configuration.organization_trail_bucket_object_lock.rule.default_retention.days).toBe(731);
  });
});

describe('policies (IAM engine)', () => {
  const model = exampleModel();
  const ORG = 'o-exampleorg1';
  const SEC = model.security.id;
  const REGION = model.organization.homeRegion;
  const MEMBER = model.members.find((m) => m.name === 'payments-prod')!.id;
  const tf = (doc: PolicyDocument) => parsePolicy(policyJson(doc));
  const decision = async (input: SimulateInput): Promise<Decision> => (await simulate(input)).decision;

  describe('access-log bucket policy', () => {
    const policy = tf(accessLogBucketPolicy(model, [model.pipeline.trailBucketName, model.pipeline.configBucketName]));
    const logObject = (source: string) => `${model.compliance.accessLogBucketArn}/${source}/2026-11-28-09-00-00-ABCDEF0123456789`;
    const logging = (sourceBucket: string, account = SEC, tls = 'true') => ({
      principal: 'logging.s3.amazonaws.com',
      identityPolicies: [],
      context: { 'aws:SourceArn': `arn:aws:s3:::${sourceBucket}`, 'aws:SourceAccount': account, 'aws:SecureTransport': tls },
    });
    it('lets S3 log delivery write each source bucket\'s logs under its own prefix', async () => {
      for (const b of [model.pipeline.trailBucketName, model.pipeline.configBucketName]) {
        expect(await decision({ resourcePolicy: policy, ...logging(b), action: 's3:PutObject', resource: logObject(b), resourceAccount: SEC })).toBe('Allowed');
      }
    });
    it('refuses another source bucket, another account, a prefix that is not the source\'s, plain HTTP, and anyone else', async () => {
      const trail = model.pipeline.trailBucketName;
      expect(await decision({ resourcePolicy: policy, ...logging('someone-elses-bucket'), action: 's3:PutObject', resource: logObject('someone-elses-bucket'), resourceAccount: SEC })).toBe('ImplicitlyDenied');
      expect(await decision({ resourcePolicy: policy, ...logging(trail, '999999999999'), action: 's3:PutObject', resource: logObject(trail), resourceAccount: SEC })).toBe('ImplicitlyDenied');
      expect(await decision({ resourcePolicy: policy, ...logging(trail), action: 's3:PutObject', resource: logObject(model.pipeline.configBucketName), resourceAccount: SEC })).toBe('ImplicitlyDenied');
      expect(await decision({ resourcePolicy: policy, ...logging(trail, SEC, 'false'), action: 's3:PutObject', resource: logObject(trail), resourceAccount: SEC })).toBe('ExplicitlyDenied');
      const admin = { principal: `arn:aws:sts::${MEMBER}:assumed-role/Admin/s`, identityPolicies: [ADMIN], context: { 'aws:PrincipalArn': `arn:aws:iam::${MEMBER}:role/Admin`, 'aws:PrincipalOrgID': ORG, 'aws:SecureTransport': 'true' } };
      expect(await decision({ resourcePolicy: policy, ...admin, action: 's3:PutObject', resource: logObject(trail), resourceAccount: SEC })).toBe('ImplicitlyDenied');
    });
  });

  describe('Config bucket key: the recorder roles of the organization encrypt through S3 only', () => {
    const keyPolicy = tf(configKeyPolicy(model, ORG));
    const identity = tf(configRecorderDeliveryPolicy(model));
    const keyArn = `arn:aws:kms:${REGION}:${SEC}:key/77777777-8888-9999-aaaa-bbbbbbbbbbbb`;
    const recorder = (acct: string, org: string, role = model.pipeline.configRoleName, via = `s3.${REGION}.amazonaws.com`, policies = [identity]) => ({
      principal: `arn:aws:sts::${acct}:assumed-role/${role}/AWSConfig-Delivery`,
      identityPolicies: policies,
      context: { 'aws:PrincipalArn': `arn:aws:iam::${acct}:role/${role}`, 'aws:PrincipalAccount': acct, 'aws:PrincipalOrgID': org, 'kms:ViaService': via, 'aws:SecureTransport': 'true' },
    });
    const generate = (who: ReturnType<typeof recorder>) => decision({ resourcePolicy: keyPolicy, ...who, action: 'kms:GenerateDataKey', resource: keyArn });
    it('allows a member account\'s recorder delivering through S3', async () => {
      expect(await generate(recorder(MEMBER, ORG))).toBe('Allowed');
    });
    it('refuses it outside S3, from another organization, and another role of the organization', async () => {
      expect(await generate(recorder(MEMBER, ORG, model.pipeline.configRoleName, `sqs.${REGION}.amazonaws.com`))).toBe('ImplicitlyDenied');
      expect(await generate(recorder('999999999999', 'o-otherorg999'))).toBe('ImplicitlyDenied');
      expect(await generate(recorder(MEMBER, ORG, 'Admin', `s3.${REGION}.amazonaws.com`, [ADMIN]))).toBe('ImplicitlyDenied');
    });
  });
});
