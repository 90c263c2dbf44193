/**
 * Live readers for the deployed-state audit, one per Terraform resource type that decides whether a root event
 * becomes a page. Each returns the live resource in the synthesized attributes' own shape (Terraform argument names),
 * or null when it does not exist. List calls are made once per account, region and container (bus, topic, log group)
 * and shared through `memo`. Read-only calls only.
 */
import { CloudTrailClient, GetEventSelectorsCommand, GetTrailCommand, GetTrailStatusCommand } from '@aws-sdk/client-cloudtrail';
import { CloudWatchClient, paginateDescribeAlarms } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, paginateDescribeMetricFilters } from '@aws-sdk/client-cloudwatch-logs';
import { ConfigServiceClient, DescribeConfigurationRecorderStatusCommand, DescribeOrganizationConfigRulesCommand } from '@aws-sdk/client-config-service';
import { DescribeEventBusCommand, EventBridgeClient, ListRulesCommand, ListTargetsByRuleCommand } from '@aws-sdk/client-eventbridge';
import { GetDetectorCommand, GuardDutyClient, ListDetectorsCommand } from '@aws-sdk/client-guardduty';
import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { DescribePolicyCommand, ListTargetsForPolicyCommand, OrganizationsClient, paginateListPolicies } from '@aws-sdk/client-organizations';
import { GetBucketPolicyCommand, S3Client } from '@aws-sdk/client-s3';
import { GetSubscriptionAttributesCommand, GetTopicAttributesCommand, ListSubscriptionsByTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { snsTopicArn } from '../config/arn';
import { kmsKey } from './kms';
import type { ExpectedResource } from './expected';

export type Live = Record<string, unknown> | null;

/** What a reader gets: SDK clients for the resource's account and region, a per-run memo, the OU id -> path map. */
export interface ReadContext {
  client<T>(ctor: new (cfg: object) => T, r: ExpectedResource): Promise<T>;
  memo<T>(key: string, fn: () => Promise<T>): Promise<T>;
  /** `ou:<path>` for an OU id, the id itself for the root and accounts. */
  targetName(id: string): string;
}

const notFound = (e: unknown, ...names: string[]) => names.some((n) => ((e as { name?: string }).name ?? '').includes(n));
const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
const key = (r: ExpectedResource, ...parts: unknown[]) => [r.account, r.region, ...parts].join('|');

async function collect<P, T>(pages: AsyncIterable<P>, pick: (p: P) => T[] | undefined): Promise<T[]> {
  const out: T[] = [];
  for await (const p of pages) out.push(...(pick(p) ?? []));
  return out;
}

export type Reader = (ctx: ReadContext, r: ExpectedResource) => Promise<Live>;

const eventRule: Reader = async (ctx, r) => {
  const bus = str(r.attrs.event_bus_name) ?? 'default';
  const rules = await ctx.memo(key(r, 'rules', bus), async () => {
    const events = await ctx.client(EventBridgeClient, r);
    const out = [];
    let token: string | undefined;
    do {
      const page = await events.send(new ListRulesCommand({ EventBusName: bus, NextToken: token }));
      out.push(...(page.Rules ?? []));
      token = page.NextToken;
    } while (token);
    return out;
  });
  const rule = rules.find((x) => x.Name === r.attrs.name);
  return rule ? { name: rule.Name, event_bus_name: bus, state: rule.State, event_pattern: rule.EventPattern } : null;
};

const eventTarget: Reader = async (ctx, r) => {
  const bus = str(r.attrs.event_bus_name) ?? 'default';
  const targets = await ctx.memo(key(r, 'targets', bus, r.attrs.rule), async () => {
    const events = await ctx.client(EventBridgeClient, r);
    try {
      return (await events.send(new ListTargetsByRuleCommand({ Rule: str(r.attrs.rule), EventBusName: bus }))).Targets ?? [];
    } catch (e) {
      if (notFound(e, 'ResourceNotFound')) return [];
      throw e;
    }
  });
  const t = targets.find((x) => x.Id === r.attrs.target_id);
  if (!t) return null;
  return {
    arn: t.Arn,
    role_arn: t.RoleArn,
    target_id: t.Id,
    input: t.Input,
    input_path: t.InputPath,
    dead_letter_config: t.DeadLetterConfig?.Arn ? { arn: t.DeadLetterConfig.Arn } : undefined,
    input_transformer: t.InputTransformer ? { input_paths: t.InputTransformer.InputPathsMap ?? {}, input_template: t.InputTransformer.InputTemplate } : undefined,
  };
};

const metricFilter: Reader = async (ctx, r) => {
  const group = str(r.attrs.log_group_name)!;
  const filters = await ctx.memo(key(r, 'filters', group), async () => {
    const logs = await ctx.client(CloudWatchLogsClient, r);
    try {
      return await collect(paginateDescribeMetricFilters({ client: logs }, { logGroupName: group }), (p) => p.metricFilters);
    } catch (e) {
      if (notFound(e, 'ResourceNotFound')) return [];
      throw e;
    }
  });
  const f = filters.find((x) => x.filterName === r.attrs.name);
  if (!f) return null;
  const m = f.metricTransformations?.[0];
  return {
    name: f.filterName,
    log_group_name: f.logGroupName,
    pattern: f.filterPattern,
    metric_transformation: m ? { name: m.metricName, namespace: m.metricNamespace, value: m.metricValue, default_value: m.defaultValue, unit: m.unit, dimensions: m.dimensions } : undefined,
  };
};

const metricAlarm: Reader = async (ctx, r) => {
  const alarms = await ctx.memo(key(r, 'alarms'), async () => {
    const cw = await ctx.client(CloudWatchClient, r);
    return collect(paginateDescribeAlarms({ client: cw }, { AlarmTypes: ['MetricAlarm'] }), (p) => p.MetricAlarms);
  });
  const a = alarms.find((x) => x.AlarmName === r.attrs.alarm_name);
  if (!a) return null;
  return {
    alarm_name: a.AlarmName,
    actions_enabled: a.ActionsEnabled,
    alarm_actions: a.AlarmActions ?? [],
    ok_actions: a.OKActions ?? [],
    insufficient_data_actions: a.InsufficientDataActions ?? [],
    metric_name: a.MetricName,
    namespace: a.Namespace,
    statistic: a.Statistic,
    period: a.Period,
    evaluation_periods: a.EvaluationPeriods,
    datapoints_to_alarm: a.DatapointsToAlarm,
    threshold: a.Threshold,
    comparison_operator: a.ComparisonOperator,
    treat_missing_data: a.TreatMissingData,
    dimensions: a.Dimensions && a.Dimensions.length ? Object.fromEntries(a.Dimensions.map((d) => [d.Name, d.Value])) : undefined,
    // In the synthesized shape (modules/watch-alarms.ts): one query per metric, dimensions as a map.
    metric_query: a.Metrics?.length
      ? a.Metrics.map((q) => ({
          id: q.Id,
          ...(q.AccountId ? { account_id: q.AccountId } : {}),
          ...(q.Expression ? { expression: q.Expression } : {}),
          ...(q.MetricStat
            ? {
                metric: {
                  dimensions: Object.fromEntries((q.MetricStat.Metric?.Dimensions ?? []).map((d) => [d.Name, d.Value])),
                  metric_name: q.MetricStat.Metric?.MetricName,
                  namespace: q.MetricStat.Metric?.Namespace,
                  period: q.MetricStat.Period,
                  stat: q.MetricStat.Stat,
                },
              }
            : {}),
          return_data: q.ReturnData ?? true,
        }))
      : undefined,
  };
};

const subscription: Reader = async (ctx, r) => {
  const topic = str(r.attrs.topic_arn)!;
  const subs = await ctx.memo(key(r, 'subscriptions', topic), async () => {
    const sns = await ctx.client(SNSClient, r);
    const out = [];
    let token: string | undefined;
    try {
      do {
        const page = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topic, NextToken: token }));
        out.push(...(page.Subscriptions ?? []));
        token = page.NextToken;
      } while (token);
    } catch (e) {
      if (notFound(e, 'NotFound')) return [];
      throw e;
    }
    return out;
  });
  const found = subs.filter((s) => s.Protocol === r.attrs.protocol && s.Endpoint === r.attrs.endpoint);
  if (found.length === 0) return null;
  // A pending subscription has no ARN to read (pipeline-subscriptions reports it); its filter cannot be set either.
  const confirmed = found.find((s) => s.SubscriptionArn && s.SubscriptionArn !== 'PendingConfirmation');
  if (!confirmed) return { protocol: r.attrs.protocol, endpoint: r.attrs.endpoint, pending: true };
  const sns = await ctx.client(SNSClient, r);
  const attrs = (await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: confirmed.SubscriptionArn }))).Attributes ?? {};
  // An empty filter policy ({}) names no property, so it filters nothing: the same as none
  // (https://docs.aws.amazon.com/sns/latest/dg/sns-subscription-filter-policies.html); the scope means nothing without one.
  const filter = attrs.FilterPolicy && attrs.FilterPolicy.replace(/\s/g, '') !== '{}' ? attrs.FilterPolicy : undefined;
  return {
    protocol: confirmed.Protocol,
    endpoint: confirmed.Endpoint,
    topic_arn: topic,
    filter_policy: filter,
    filter_policy_scope: filter ? attrs.FilterPolicyScope ?? 'MessageAttributes' : undefined,
    raw_message_delivery: attrs.RawMessageDelivery === 'true',
    redrive_policy: attrs.RedrivePolicy || undefined,
    delivery_policy: attrs.DeliveryPolicy || undefined,
  };
};

const topicAttributes = (ctx: ReadContext, r: ExpectedResource, arn: string) =>
  ctx.memo(key(r, 'topic', arn), async () => {
    const sns = await ctx.client(SNSClient, r);
    try {
      return (await sns.send(new GetTopicAttributesCommand({ TopicArn: arn }))).Attributes ?? {};
    } catch (e) {
      if (notFound(e, 'NotFound')) return null;
      throw e;
    }
  });

const topicPolicy: Reader = async (ctx, r) => {
  const attrs = await topicAttributes(ctx, r, str(r.attrs.arn)!);
  return attrs ? { arn: r.attrs.arn, policy: attrs.Policy } : null;
};

const queuePolicy: Reader = async (ctx, r) => {
  const ref = str(r.attrs.queue_url) ?? '';
  const sqs = await ctx.client(SQSClient, r);
  let url = ref;
  if (ref.startsWith('queue:')) {
    try {
      url = (await sqs.send(new GetQueueUrlCommand({ QueueName: ref.slice('queue:'.length) }))).QueueUrl!;
    } catch (e) {
      if (notFound(e, 'NonExistentQueue', 'QueueDoesNotExist')) return null;
      throw e;
    }
  }
  const attrs = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['Policy'] }))).Attributes ?? {};
  return { queue_url: ref, policy: attrs.Policy };
};

const busPolicy: Reader = async (ctx, r) => {
  const events = await ctx.client(EventBridgeClient, r);
  try {
    const bus = await events.send(new DescribeEventBusCommand({ Name: str(r.attrs.event_bus_name) ?? 'default' }));
    return { event_bus_name: bus.Name, policy: bus.Policy };
  } catch (e) {
    if (notFound(e, 'ResourceNotFound')) return null;
    throw e;
  }
};

const bucketPolicy: Reader = async (ctx, r) => {
  const s3 = await ctx.client(S3Client, r);
  try {
    return { bucket: r.attrs.bucket, policy: (await s3.send(new GetBucketPolicyCommand({ Bucket: str(r.attrs.bucket) }))).Policy };
  } catch (e) {
    if (notFound(e, 'NoSuchBucketPolicy')) return { bucket: r.attrs.bucket, policy: undefined };
    if (notFound(e, 'NoSuchBucket')) return null;
    throw e;
  }
};

const trail: Reader = async (ctx, r) => {
  const ct = await ctx.client(CloudTrailClient, r);
  const name = str(r.attrs.name)!;
  let t;
  try {
    t = (await ct.send(new GetTrailCommand({ Name: name }))).Trail;
  } catch (e) {
    if (notFound(e, 'TrailNotFound')) return null;
    throw e;
  }
  if (!t) return null;
  const status = await ct.send(new GetTrailStatusCommand({ Name: name }));
  const selectors = await ct.send(new GetEventSelectorsCommand({ TrailName: name }));
  const advanced = selectors.AdvancedEventSelectors ?? [];
  const basic = selectors.EventSelectors ?? [];
  return {
    name: t.Name,
    enable_logging: status.IsLogging === true,
    is_multi_region_trail: t.IsMultiRegionTrail === true,
    is_organization_trail: t.IsOrganizationTrail === true,
    include_global_service_events: t.IncludeGlobalServiceEvents === true,
    enable_log_file_validation: t.LogFileValidationEnabled === true,
    s3_bucket_name: t.S3BucketName,
    kms_key_id: t.KmsKeyId,
    cloud_watch_logs_group_arn: t.CloudWatchLogsLogGroupArn,
    cloud_watch_logs_role_arn: t.CloudWatchLogsRoleArn,
    // Without selectors a trail logs every management event (read and write): what the synthesized trail says.
    event_selector: basic.length ? basic.map((s) => ({ read_write_type: s.ReadWriteType, include_management_events: s.IncludeManagementEvents, exclude_management_event_sources: s.ExcludeManagementEventSources ?? [] })) : undefined,
    advanced_event_selector: advanced.length ? advanced.map((s) => ({ name: s.Name, field_selector: s.FieldSelectors })) : undefined,
  };
};

const detector: Reader = async (ctx, r) => {
  const gd = await ctx.client(GuardDutyClient, r);
  const ids = (await gd.send(new ListDetectorsCommand({}))).DetectorIds ?? [];
  if (ids.length === 0) return null;
  const d = await gd.send(new GetDetectorCommand({ DetectorId: ids[0] }));
  return { enable: d.Status === 'ENABLED', finding_publishing_frequency: d.FindingPublishingFrequency };
};

const role: Reader = async (ctx, r) => {
  const iam = await ctx.client(IAMClient, r);
  try {
    const got = (await iam.send(new GetRoleCommand({ RoleName: str(r.attrs.name) }))).Role!;
    return { name: got.RoleName, assume_role_policy: got.AssumeRolePolicyDocument, max_session_duration: got.MaxSessionDuration };
  } catch (e) {
    if (notFound(e, 'NoSuchEntity')) return null;
    throw e;
  }
};

const orgPolicies = (ctx: ReadContext, r: ExpectedResource, type: string) =>
  ctx.memo(`org-policies|${type}`, async () => {
    const org = await ctx.client(OrganizationsClient, r);
    return collect(paginateListPolicies({ client: org }, { Filter: type as 'SERVICE_CONTROL_POLICY' }), (p) => p.Policies);
  });

const orgPolicy: Reader = async (ctx, r) => {
  const type = str(r.attrs.type) ?? 'SERVICE_CONTROL_POLICY';
  const summary = (await orgPolicies(ctx, r, type)).find((p) => p.Name === r.attrs.name);
  if (!summary) return null;
  const org = await ctx.client(OrganizationsClient, r);
  const p = (await org.send(new DescribePolicyCommand({ PolicyId: summary.Id }))).Policy!;
  return { name: summary.Name, type, content: p.Content };
};

const orgPolicyAttachment: Reader = async (ctx, r) => {
  const policyName = (str(r.attrs.policy_id) ?? '').replace(/^policy:/, '');
  let summary;
  for (const type of ['SERVICE_CONTROL_POLICY', 'RESOURCE_CONTROL_POLICY']) {
    summary = (await orgPolicies(ctx, r, type).catch(() => [])).find((p) => p.Name === policyName);
    if (summary) break;
  }
  if (!summary) return null;
  const targets = await ctx.memo(`org-policy-targets|${summary.Id}`, async () => {
    const org = await ctx.client(OrganizationsClient, r);
    const out: string[] = [];
    let token: string | undefined;
    do {
      const page = await org.send(new ListTargetsForPolicyCommand({ PolicyId: summary!.Id, NextToken: token }));
      out.push(...(page.Targets ?? []).flatMap((t) => [t.TargetId!, ctx.targetName(t.TargetId!)]));
      token = page.NextToken;
    } while (token);
    return out;
  });
  const want = str(r.attrs.target_id)!;
  return { policy_id: r.attrs.policy_id, target_id: targets.includes(want) ? want : `(not attached: attached to ${[...new Set(targets.filter((t) => !/^ou-/.test(t)))].sort().join(', ') || 'nothing'})` };
};

const recorderStatus: Reader = async (ctx, r) => {
  const cfg = await ctx.client(ConfigServiceClient, r);
  const statuses = (await cfg.send(new DescribeConfigurationRecorderStatusCommand({}))).ConfigurationRecordersStatus ?? [];
  const s = statuses.find((x) => x.name === r.attrs.name) ?? (statuses.length === 1 ? statuses[0] : undefined);
  return s ? { name: r.attrs.name, is_enabled: s.recording === true } : null;
};

const orgConfigRule: Reader = async (ctx, r) => {
  const cfg = await ctx.client(ConfigServiceClient, r);
  let rule;
  try {
    rule = (await cfg.send(new DescribeOrganizationConfigRulesCommand({ OrganizationConfigRuleNames: [str(r.attrs.name)!] }))).OrganizationConfigRules?.[0];
  } catch (e) {
    if (notFound(e, 'NoSuchOrganizationConfigRule')) return null;
    throw e;
  }
  if (!rule) return null;
  const m = rule.OrganizationManagedRuleMetadata;
  return {
    name: rule.OrganizationConfigRuleName,
    rule_identifier: m?.RuleIdentifier,
    input_parameters: m?.InputParameters || undefined,
    maximum_execution_frequency: m?.MaximumExecutionFrequency,
    excluded_accounts: rule.ExcludedAccounts ?? [],
  };
};

const topic: Reader = async (ctx, r) => {
  const attrs = await topicAttributes(ctx, r, snsArnOf(r));
  return attrs ? { name: r.attrs.name, kms_master_key_id: attrs.KmsMasterKeyId || undefined } : null;
};

/** The topic's ARN from its name, account and region (config/arn.ts), as the synthesized references resolve it. */
const snsArnOf = (r: ExpectedResource) => snsTopicArn(r.region, r.account, str(r.attrs.name)!);

export const READERS: Record<string, Reader> = {
  aws_kms_key: kmsKey,
  aws_config_organization_managed_rule: orgConfigRule,
  aws_sns_topic: topic,
  aws_cloudwatch_event_rule: eventRule,
  aws_cloudwatch_event_target: eventTarget,
  aws_cloudwatch_log_metric_filter: metricFilter,
  aws_cloudwatch_metric_alarm: metricAlarm,
  aws_sns_topic_subscription: subscription,
  aws_sns_topic_policy: topicPolicy,
  aws_sqs_queue_policy: queuePolicy,
  aws_cloudwatch_event_bus_policy: busPolicy,
  aws_s3_bucket_policy: bucketPolicy,
  aws_cloudtrail: trail,
  aws_guardduty_detector: detector,
  aws_iam_role: role,
  aws_organizations_policy: orgPolicy,
  aws_organizations_policy_attachment: orgPolicyAttachment,
  aws_config_configuration_recorder_status: recorderStatus,
};
