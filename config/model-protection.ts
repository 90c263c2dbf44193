/**
 * The protected set: every resource the root-usage alarm pipeline depends on, as data resolved from the model. The
 * monitoring-protection SCPs are generated from it (policies/protection-scp.ts) together with the IAM action catalogue,
 * and the catalogue test proves each entry against the IAM engine. Nothing here names an action: which actions reach a
 * resource is the catalogue's fact, not ours.
 */
import type { Model } from './model';
import { JOB_ROLE_NAMES, TAGS } from './contract';
import { formatArn, iamRoleArn, s3BucketArn, sqsQueueArn } from './arn';

/**
 * Tag every rootlock KMS key carries; the SCP protects keys by it (aws:ResourceTag, supported by KMS for key operations:
 * https://docs.aws.amazon.com/kms/latest/developerguide/tag-authorization.html), never by an alias, which can be
 * deleted or repointed. Tagging and untagging a tagged key is denied by the same statement.
 */
export const KEY_PURPOSE_TAG = TAGS.purpose;

/** Where a protected resource lives: the security account only, or every member account. */
export type Holder = 'security' | 'every-account';

/** How the SCP recognises the resource in a request. */
export type ProtectionScope =
  /** By resource ARN (the action supports resource-level permissions on this resource type). */
  | { by: 'arn'; arns: string[] }
  /** By a resource tag, which itself cannot be changed (its tag actions are denied by the same statement). */
  | { by: 'tag'; tagKey: string }
  /**
   * By a service condition key the request carries (e.g. cloudwatch:namespace for PutMetricData, whose resource is "*":
   * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/iam-cw-condition-keys-namespace.html).
   */
  | { by: 'condition'; conditionKey: string; values: string[] };

export interface ProtectedResource {
  /** Stable id; also the base of the SCP statement Sid. */
  id: string;
  /** For people: what it is and why the pipeline needs it. */
  what: string;
  /** IAM service prefix. */
  service: string;
  /** Resource type key in the IAM action catalogue; undefined for a condition-keyed scope. */
  resourceType?: string;
  scope: ProtectionScope;
  holder: Holder;
}

export interface Protection {
  deploymentRoleName: string;
  /** The only principal the monitoring-protection SCPs exempt: the deployment role by name, in every account. */
  deploymentRoleArnPattern: string;
  /** Principals the configuration says can assume the deployment role (for the runbooks); empty when not declared. */
  deploymentRoleTrustedBy: string[];
  securityAccountId: string;
  /**
   * The roles besides the deployment role that may write the protected log streams (the trail's CloudTrail delivery
   * role; the drill role, which writes its synthetic trail records): a fake trail record is a fake page, a fake
   * heartbeat a silenced health alarm. The heartbeat streams are written by EventBridge itself, which no SCP binds.
   */
  logStreamWriters: string[];
  resources: ProtectedResource[];
  /** Services whose ARN-less (wildcard-only) actions are classified in policies/protection-classification.ts. */
  services: string[];
}

/** What the protected set is resolved from: names the model already holds. */
export interface ProtectionInputs {
  securityAccountId: string;
  deploymentRoleName: string;
  deploymentRoleTrustedBy: string[];
  breakGlassRoleName: string;
  monitoring: Model['monitoring'];
  /** Heartbeat log group, health topic, subscription dead-letter queue (config/model-health.ts). */
  health?: { topicArn: string; heartbeat: { logGroupArn: string }; subscriptionDeadLetterQueue: { arn: string }; forwardingWatch: { sharingRoleName: string } };
  compliance: Pick<Model['compliance'], 'topicArn' | 'accessLogBucketArn'>;
  pipeline: Pick<
    Model['pipeline'],
    | 'trailName'
    | 'trailBucketName'
    | 'logGroupArn'
    | 'cloudTrailToLogsRoleName'
    | 'topicArn'
    | 'busArn'
    | 'busName'
    | 'deadLetterQueueArn'
    | 'forwardingDeadLetterQueueName'
    | 'forwarderRoleName'
    | 'configBucketName'
    | 'configRoleName'
    | 'configRecorderName'
    | 'metricNamespace'
    | 'namePrefix'
    | 'keyAliasPrefix'
  >;
}

export function resolveProtection(i: ProtectionInputs): Protection {
  const p = i.pipeline;
  const sec = i.securityAccountId;
  const arn = (...arns: string[]): ProtectionScope => ({ by: 'arn', arns });
  const h = i.health;
  const guardDutyArn = formatArn({ service: 'guardduty', region: '*', account: '*', resource: 'detector/*' });
  // The job roles too: the audit role's AssumeRoot is the one root task the task-session rule lets pass unpaged, and the
  // drill role may publish to the alert topic and read the dead-letter queues; a trust policy edited in place would
  // hand either to anyone. Only the deploy changes them; any other write pages as tamper.
  const roles = [
    i.breakGlassRoleName,
    p.forwarderRoleName,
    p.cloudTrailToLogsRoleName,
    i.deploymentRoleName,
    ...(i.monitoring.config ? [p.configRoleName] : []),
    ...Object.values(JOB_ROLE_NAMES),
    // The role the security account's cross-account alarms read each account's forwarding queue through: a trust
    // edited in place would let others read metrics, and a deleted one blinds the watch quietly (no data is healthy).
    ...(h ? [h.forwardingWatch.sharingRoleName] : []),
  ];
  const resources: ProtectedResource[] = [
    { id: 'Trail', what: 'the organization trail', service: 'cloudtrail', resourceType: 'trail', scope: arn(formatArn({ service: 'cloudtrail', region: '*', account: '*', resource: `trail/${p.trailName}` })), holder: 'security' },
    {
      id: 'Buckets',
      what: 'the trail bucket, the access-log bucket and the central AWS Config bucket',
      service: 's3',
      resourceType: 'bucket',
      scope: arn(s3BucketArn(p.trailBucketName), i.compliance.accessLogBucketArn, ...(i.monitoring.config ? [s3BucketArn(p.configBucketName)] : [])),
      holder: 'security',
    },
    { id: 'TrailObjects', what: 'the trail log files', service: 's3', resourceType: 'object', scope: arn(formatArn({ service: 's3', resource: `${p.trailBucketName}/*` })), holder: 'security' },
    {
      id: 'LogGroup',
      what: 'the trail log group and its metric filters (and the heartbeat log group)',
      service: 'logs',
      resourceType: 'log-group',
      scope: arn(p.logGroupArn, `${p.logGroupArn}:*`, ...(h ? [h.heartbeat.logGroupArn, `${h.heartbeat.logGroupArn}:*`] : [])),
      holder: 'security',
    },
    {
      id: 'LogStreams',
      what: 'the trail log streams (and the heartbeat streams)',
      service: 'logs',
      resourceType: 'log-stream',
      scope: arn(`${p.logGroupArn}:log-stream:*`, ...(h ? [`${h.heartbeat.logGroupArn}:log-stream:*`] : [])),
      holder: 'security',
    },
    // Every account: the forwarding alarms of the members are rootlock's too (issue 24: alarm:rootlock-* unprotected in members).
    { id: 'Alarms', what: 'the root alarms and the pipeline watch alarms', service: 'cloudwatch', resourceType: 'alarm', scope: arn(formatArn({ service: 'cloudwatch', region: '*', account: '*', resource: `alarm:${p.namePrefix}*` })), holder: 'every-account' },
    {
      id: 'MetricNamespace',
      what: 'the metric namespace the root alarms read (a negative data point would cancel a real one)',
      service: 'cloudwatch',
      scope: { by: 'condition', conditionKey: 'cloudwatch:namespace', values: [p.metricNamespace] },
      holder: 'every-account',
    },
    {
      id: 'AlertTopic',
      what: 'the alert topic, the compliance topic, the health topic and their subscriptions',
      service: 'sns',
      resourceType: 'topic',
      scope: arn(p.topicArn, `${p.topicArn}:*`, i.compliance.topicArn, `${i.compliance.topicArn}:*`, ...(h ? [h.topicArn, `${h.topicArn}:*`] : [])),
      holder: 'security',
    },
    { id: 'CentralBus', what: 'the central event bus', service: 'events', resourceType: 'event-bus', scope: arn(p.busArn), holder: 'security' },
    {
      id: 'CentralRules',
      what: 'the rules on the central bus and their targets',
      service: 'events',
      resourceType: 'rule-on-custom-event-bus',
      scope: arn(formatArn({ service: 'events', region: '*', account: sec, resource: `rule/${p.busName}/${p.namePrefix}*` })),
      holder: 'security',
    },
    {
      id: 'ForwardingRules',
      what: 'the forwarding rules (every account) and the security account default-bus rules, and their targets',
      service: 'events',
      resourceType: 'rule-on-default-event-bus',
      scope: arn(formatArn({ service: 'events', region: '*', account: '*', resource: `rule/${p.namePrefix}*` })),
      holder: 'every-account',
    },
    {
      id: 'DeadLetterQueues',
      what: 'the dead-letter queues of the alert deliveries and the forwarding',
      service: 'sqs',
      resourceType: 'queue',
      scope: arn(p.deadLetterQueueArn, sqsQueueArn('*', '*', p.forwardingDeadLetterQueueName), ...(h ? [h.subscriptionDeadLetterQueue.arn] : [])),
      holder: 'every-account',
    },
    { id: 'Roles', what: 'every rootlock role, the deployment and job roles included', service: 'iam', resourceType: 'role', scope: arn(...roles.map((r) => iamRoleArn('*', r))), holder: 'every-account' },
    { id: 'Keys', what: `the rootlock KMS keys (tagged ${KEY_PURPOSE_TAG})`, service: 'kms', resourceType: 'key', scope: { by: 'tag', tagKey: KEY_PURPOSE_TAG }, holder: 'security' },
    { id: 'KeyAliases', what: 'the rootlock key aliases', service: 'kms', resourceType: 'alias', scope: arn(formatArn({ service: 'kms', region: '*', account: '*', resource: `${p.keyAliasPrefix}*` })), holder: 'every-account' },
  ];
  if (i.monitoring.guardDuty) {
    for (const [type, what] of [
      ['detector', 'the GuardDuty detector'],
      ['filter', 'GuardDuty filters (an archive filter hides root findings)'],
      ['ipset', 'GuardDuty trusted IP lists (a trusted IP raises no finding)'],
      ['threatintelset', 'GuardDuty threat lists'],
      ['trustedentityset', 'GuardDuty trusted entity lists'],
      ['threatentityset', 'GuardDuty threat entity lists'],
      ['publishingDestination', 'GuardDuty publishing destinations'],
    ] as const) {
      resources.push({ id: `GuardDuty-${type}`, what, service: 'guardduty', resourceType: type, scope: arn(guardDutyArn), holder: 'every-account' });
    }
  }
  if (i.monitoring.config) {
    resources.push(
      {
        id: 'ConfigRecorder',
        what: 'the AWS Config recorder of every account',
        service: 'config',
        resourceType: 'ConfigurationRecorder',
        scope: arn(formatArn({ service: 'config', region: '*', account: '*', resource: `configuration-recorder/${p.configRecorderName}/*` })),
        holder: 'every-account',
      },
      {
        id: 'ConfigOrganizationRules',
        what: 'the AWS Config organization rules on the root user',
        service: 'config',
        resourceType: 'OrganizationConfigRule',
        scope: arn(formatArn({ service: 'config', region: '*', account: sec, resource: `organization-config-rule/${p.namePrefix}*` })),
        holder: 'security',
      },
    );
  }
  const services = [...new Set([...resources.map((r) => r.service), 'organizations'])].sort();
  return {
    deploymentRoleName: i.deploymentRoleName,
    deploymentRoleArnPattern: iamRoleArn('*', i.deploymentRoleName),
    logStreamWriters: [iamRoleArn(sec, p.cloudTrailToLogsRoleName), iamRoleArn(sec, JOB_ROLE_NAMES.drill)],
    deploymentRoleTrustedBy: [...i.deploymentRoleTrustedBy].sort(),
    securityAccountId: sec,
    resources,
    services,
  };
}
