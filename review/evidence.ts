/**
 * What the rules know about resources: how to recognize the break-glass role, a pipeline role, a guardrail policy and
 * each monitoring resource (by type and attributes, never by logical address), and the evidence several rules read
 * (policy verdicts, trust-policy guards). Pure functions of one change; nothing is cached.
 */
import { Change, nameOf, str, value } from './change';
import { guardsOn, judgePolicy, NormPolicy, parsePolicy, Verdict } from './policy';
import { PURPOSES, RESOURCE_PREFIX, SCP_KINDS, TAGS } from '../config/contract';

// ---------------------------------------------------------------- SCPs

const ROOT_DENY = new RegExp(SCP_KINDS.rootDeny, 'i');
const MONITORING_PROTECTION = new RegExp(SCP_KINDS.monitoringProtection, 'i');

export const isRootDenyScp = (name: string) => ROOT_DENY.test(name);
export const isMonitoringProtectionScp = (name: string) => MONITORING_PROTECTION.test(name);

export function isGuardrailPolicy(c: Change): boolean {
  const t = value(c, 'type') ?? c.before.type ?? 'SERVICE_CONTROL_POLICY';
  return t === 'SERVICE_CONTROL_POLICY' || t === 'RESOURCE_CONTROL_POLICY';
}

export function scpLabel(name: string): string {
  if (isRootDenyScp(name)) return `the root-deny SCP \`${name}\``;
  if (isMonitoringProtectionScp(name)) return `the monitoring-protection SCP \`${name}\``;
  return `the SCP \`${name}\``;
}

export function scpConsequence(name: string): string {
  if (isRootDenyScp(name)) return 'member-account root users there are no longer denied outside AssumeRoot task sessions';
  if (isMonitoringProtectionScp(name)) return 'anyone with enough IAM permissions there can stop the trail, delete the alarms or edit the break-glass role';
  return 'the accounts there lose this guardrail';
}

// ---------------------------------------------------------------- the break-glass role

export function isBreakGlassRole(c: Change): boolean {
  if (c.type !== 'aws_iam_role') return false;
  const name = str(c.before.name) ?? str(c.after.name) ?? '';
  return isBreakGlassName(c, name) || hasBreakGlassTag(c);
}

export function isBreakGlassName(c: Change, name: string): boolean {
  return (c.options.breakGlassRoleNames ?? []).includes(name) || /break-?glass/i.test(name);
}

/** rootlock tags the role with its purpose tag (`RootlockPurpose = break-glass`); `rootlock:purpose` is accepted too. */
function hasBreakGlassTag(c: Change): boolean {
  const purposeKey = new RegExp(`^${TAGS.purpose.replace(/^Rootlock/, 'rootlock:?')}$`, 'i');
  for (const v of [c.before, c.after]) {
    for (const key of ['tags', 'tags_all']) {
      const tags = (v[key] ?? {}) as Record<string, unknown>;
      if (Object.entries(tags).some(([k, x]) => purposeKey.test(k) && x === PURPOSES.breakGlass)) return true;
    }
  }
  return false;
}

/** A policy or attachment on the break-glass role (its `role` attribute is the role name). */
export function isBreakGlassPermission(c: Change): boolean {
  const role = str(c.before.role) ?? str(c.after.role) ?? '';
  return (c.type === 'aws_iam_role_policy_attachment' || c.type === 'aws_iam_role_policy') && isBreakGlassName(c, role);
}

export function trustBefore(c: Change): NormPolicy | undefined {
  return parsePolicy(c.before.assume_role_policy);
}
export function trustAfter(c: Change): NormPolicy | undefined {
  return parsePolicy(c.after.assume_role_policy);
}
/** Both trust policies, when an update changes a known trust policy; undefined otherwise. */
export function trustChange(c: Change): { before: NormPolicy; after: NormPolicy } | undefined {
  if (c.kind !== 'update' || !c.changed.includes('assume_role_policy')) return undefined;
  const before = trustBefore(c);
  const after = trustAfter(c);
  return before && after ? { before, after } : undefined;
}

export function lostGuards(t: { before: NormPolicy; after: NormPolicy }, key: string): string[] {
  const a = new Set(guardsOn(t.after, key));
  return guardsOn(t.before, key).filter((g) => !a.has(g));
}

// ---------------------------------------------------------------- the monitoring pipeline

/** Roles the monitoring pipeline runs as (CloudTrail to Logs, the event forwarder, the Config recorder). */
export function isPipelineRole(c: Change): boolean {
  const name = str(c.before.name) ?? str(c.after.name) ?? str(c.before.role) ?? str(c.after.role) ?? '';
  return name.startsWith(RESOURCE_PREFIX) && !isBreakGlassRole(c) && !isBreakGlassName(c, name);
}

/** What each monitoring resource type is for, and what its loss means. */
export const MONITORING: Record<string, { what: string; loss: string; dataBearing?: boolean }> = {
  aws_cloudtrail: { what: 'trail', loss: 'root-user activity stops being recorded, and every alarm fed by this trail goes blind' },
  aws_cloudwatch_log_group: { what: 'log group', loss: 'its history is deleted and the metric filters and alarms on it stop working', dataBearing: true },
  aws_cloudwatch_log_metric_filter: { what: 'metric filter', loss: 'the alarm fed by this filter can never fire again' },
  aws_cloudwatch_metric_alarm: { what: 'alarm', loss: 'root-user activity matching this detection no longer pages anyone' },
  aws_sns_topic: { what: 'alert topic', loss: 'alarms and rules have nowhere to send alerts: nobody is paged' },
  aws_sns_topic_subscription: { what: 'alert subscription', loss: 'this responder endpoint no longer receives root-activity alerts' },
  aws_sns_topic_policy: { what: 'alert topic policy', loss: 'CloudWatch and EventBridge may no longer be allowed to publish alerts' },
  aws_cloudwatch_event_rule: { what: 'EventBridge rule', loss: 'the root events it matches are no longer forwarded or alerted on' },
  aws_cloudwatch_event_target: { what: 'EventBridge target', loss: 'its rule still matches but delivers the event nowhere' },
  aws_cloudwatch_event_bus: { what: 'event bus', loss: 'events forwarded from member accounts are dropped' },
  aws_cloudwatch_event_bus_policy: { what: 'event bus policy', loss: 'member accounts may no longer be allowed to forward root events' },
  aws_kms_key: { what: 'KMS key', loss: 'it is scheduled for deletion: what it encrypts (trail logs or alerts) becomes unreadable or undeliverable', dataBearing: true },
  aws_kms_alias: { what: 'KMS alias', loss: 'the monitoring-protection SCP guards keys by this alias: the key loses that protection' },
  aws_s3_bucket: { what: 'S3 bucket', loss: 'the trail archive (or Config history) is deleted', dataBearing: true },
  aws_s3_bucket_policy: { what: 'bucket policy', loss: 'CloudTrail or Config may no longer be allowed to write, and the bucket loses its deny-delete guards' },
  aws_s3_bucket_server_side_encryption_configuration: { what: 'bucket encryption', loss: 'trail logs are no longer encrypted with the monitoring key' },
  aws_s3_bucket_ownership_controls: { what: 'bucket ownership controls', loss: 'objects written by other accounts may be owned by them again, and ACLs come back into play' },
  aws_s3_bucket_versioning: { what: 'bucket versioning', loss: 'overwritten or deleted trail logs can no longer be recovered' },
  aws_s3_bucket_public_access_block: { what: 'public access block', loss: 'the trail bucket may be made public' },
  aws_s3_bucket_object_lock_configuration: { what: 'object lock', loss: 'trail logs can be deleted before their retention ends' },
  aws_sqs_queue: { what: 'dead-letter queue', loss: 'alerts that fail delivery are lost without trace' },
  aws_sqs_queue_policy: { what: 'queue policy', loss: 'failed alert deliveries may no longer reach the dead-letter queue' },
  aws_guardduty_detector: { what: 'GuardDuty detector', loss: 'GuardDuty stops detecting root credential misuse in this account' },
  aws_guardduty_organization_admin_account: { what: 'GuardDuty delegated admin', loss: 'the security account no longer sees GuardDuty findings organization-wide' },
  aws_guardduty_organization_configuration: { what: 'GuardDuty organization configuration', loss: 'new accounts are no longer enrolled in GuardDuty' },
  aws_config_configuration_recorder: { what: 'Config recorder', loss: 'root MFA and access-key compliance is no longer evaluated' },
  aws_config_configuration_recorder_status: { what: 'Config recorder status', loss: 'the recorder stops' },
  aws_config_delivery_channel: { what: 'Config delivery channel', loss: 'Config results are no longer delivered' },
  aws_config_organization_managed_rule: { what: 'Config rule', loss: 'this root-user compliance check no longer runs in the organization' },
  aws_iam_role: { what: 'pipeline role', loss: 'the service that runs as it (CloudTrail to Logs, the event forwarder or Config) stops working' },
  aws_iam_role_policy: { what: 'pipeline role policy', loss: 'the service that runs as the role loses the permissions it needs' },
  aws_iam_role_policy_attachment: { what: 'pipeline role policy attachment', loss: 'the service that runs as the role loses the permissions it needs' },
};
export const MONITORING_TYPES = Object.keys(MONITORING);

export function isMonitoring(c: Change): boolean {
  if (!(c.type in MONITORING)) return false;
  if (c.type === 'aws_iam_role' || c.type === 'aws_iam_role_policy' || c.type === 'aws_iam_role_policy_attachment') return isPipelineRole(c);
  return true;
}

export function monitoringLabel(c: Change): string {
  const m = MONITORING[c.type];
  if (c.type === 'aws_sns_topic_subscription') {
    const v = c.kind === 'delete' ? c.before : { ...c.before, ...c.after };
    const topic = String(v.topic_arn ?? '').split(':').pop();
    return `the alert subscription ${v.protocol ?? ''} \`${v.endpoint ?? '?'}\` on topic \`${topic}\``;
  }
  if (c.type === 'aws_cloudwatch_event_target') {
    const v = c.kind === 'delete' ? c.before : { ...c.before, ...c.after };
    return `the EventBridge target of rule \`${v.rule ?? '?'}\` (${String(v.arn ?? '?')})`;
  }
  if (c.type === 'aws_cloudwatch_log_metric_filter') return `the metric filter \`${nameOf(c)}\` on \`${String(value(c, 'log_group_name') ?? '?')}\``;
  if (c.type === 'aws_kms_key') return `the KMS key ${str(value(c, 'description')) ? `"${value(c, 'description')}"` : `\`${nameOf(c)}\``}`;
  return `the ${m.what} \`${nameOf(c)}\``;
}

// ---------------------------------------------------------------- shared evidence

export function visibleChanges(c: Change): string {
  const list = c.changed.filter((k) => k !== 'tags_all');
  return list.length ? list.map((k) => `\`${k}\``).join(', ') : 'attributes known only after apply';
}

const NOTHING_JUDGED: Verdict = { loosened: [], tightened: [], unclear: [] };

/** How a policy attribute changes, statement by statement. Without both documents nothing can be judged. */
export function policyVerdict(c: Change, attr: string): Verdict {
  const b = parsePolicy(c.before[attr]);
  const a = c.unknown.has(attr) ? undefined : parsePolicy(c.after[attr]);
  return b && a ? judgePolicy(b, a) : NOTHING_JUDGED;
}

export function seconds(n: number): string {
  if (!Number.isFinite(n)) return 'no limit';
  if (n % 3600 === 0) return `${n / 3600} h`;
  if (n % 60 === 0) return `${n / 60} min`;
  return `${n} s`;
}

/** The evidence, or undefined when the condition does not hold: `check: (c) => when(cond, evidence)`. */
export function when<E>(condition: boolean, evidence: () => E): E | undefined {
  return condition ? evidence() : undefined;
}
