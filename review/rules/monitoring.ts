/** The monitoring pipeline: trail, log group, filters, alarms, topic, rules, keys, buckets, queues, GuardDuty, Config. */
import { isRemoval, nameOf, onlyCosmetic, removedItems, strings, turnedOff } from '../change';
import { isBreakGlassRole, isMonitoring, monitoringLabel, MONITORING, MONITORING_TYPES, visibleChanges, when } from '../evidence';
import { defineRule, FIRES, Rule } from '../rule';
import type { Change } from '../change';

/** Each way a trail update weakens it, with its sentence. */
const TRAIL_WEAKENINGS: Array<[string, (c: Change) => boolean, (c: Change) => string]> = [
  ['enable_logging', (c) => turnedOff(c, 'enable_logging'), () => 'stops logging'],
  ['is_organization_trail', (c) => turnedOff(c, 'is_organization_trail'), () => 'stops covering the member accounts (no longer an organization trail)'],
  ['is_multi_region_trail', (c) => turnedOff(c, 'is_multi_region_trail'), () => 'stops covering other regions'],
  ['include_global_service_events', (c) => turnedOff(c, 'include_global_service_events'), () => 'drops global service events (IAM, STS, console sign-in)'],
  ['enable_log_file_validation', (c) => turnedOff(c, 'enable_log_file_validation'), () => 'stops log file validation (tampering goes unnoticed)'],
  [
    'cloud_watch_logs_group_arn',
    (c) => c.changed.includes('cloud_watch_logs_group_arn') && !!c.before.cloud_watch_logs_group_arn,
    (c) => `no longer delivers to the alarm log group (${String(c.before.cloud_watch_logs_group_arn).replace(/:\*$/, '')})`,
  ],
  [
    's3_bucket_name',
    (c) => c.changed.includes('s3_bucket_name') && !!c.before.s3_bucket_name,
    (c) => `writes to bucket \`${c.after.s3_bucket_name ?? 'unknown'}\` instead of \`${c.before.s3_bucket_name}\``,
  ],
];

export const monitoringRules: Rule[] = [
  defineRule({
    id: 'RL-MONITORING-REMOVED',
    severity: 'high',
    title: 'Trail, log group, metric filter, alarm, topic, subscription, rule or key removed (or a data-bearing one replaced)',
    firesOn:
      'trail, log group, metric filter, alarm, topic, subscription, EventBridge rule/target/bus, KMS key, buckets and their policies, GuardDuty, Config or a pipeline role destroyed; a log group, bucket or key replaced',
    resourceTypes: MONITORING_TYPES,
    check: (c) => when(isMonitoring(c) && (isRemoval(c) || (c.kind === 'replace' && !!MONITORING[c.type].dataBearing)), () => FIRES),
    explain: (c) => `${c.kind === 'replace' ? 'Destroys and re-creates' : 'Removes'} ${monitoringLabel(c)}: ${MONITORING[c.type].loss}.`,
  }),
  defineRule({
    id: 'RL-TRAIL-WEAKENED',
    severity: 'high',
    title: 'Trail stopped, narrowed or disconnected from the alarms',
    firesOn: 'the trail stops logging, stops being organization-wide, multi-region or global, loses log file validation, its log group or its bucket',
    resourceTypes: ['aws_cloudtrail'],
    check: (c) => {
      if (c.kind !== 'update') return undefined;
      const what = TRAIL_WEAKENINGS.filter(([, weakens]) => weakens(c)).map(([, , say]) => say(c));
      return what.length > 0 ? what : undefined;
    },
    explain: (c, what) => `The trail \`${nameOf(c)}\` ${what.join(', ')}.`,
  }),
  defineRule({
    id: 'RL-ALARM-SILENCED',
    severity: 'high',
    title: 'Alarm actions disabled or removed',
    firesOn: "an alarm's actions disabled or an action removed",
    resourceTypes: ['aws_cloudwatch_metric_alarm'],
    check: (c) => when(c.kind === 'update' && (turnedOff(c, 'actions_enabled') || removedItems(c, 'alarm_actions').length > 0), () => FIRES),
    explain: (c) => {
      if (turnedOff(c, 'actions_enabled')) return `The alarm \`${nameOf(c)}\` keeps evaluating but its actions are disabled: it pages nobody.`;
      const left = strings(c.after.alarm_actions);
      return `The alarm \`${nameOf(c)}\` no longer notifies ${removedItems(c, 'alarm_actions')
        .map((a) => `\`${a}\``)
        .join(', ')}${left.length ? '' : ': it has no action left and pages nobody'}.`;
    },
  }),
  defineRule({
    id: 'RL-RULE-DISABLED',
    severity: 'high',
    title: 'EventBridge rule disabled',
    firesOn: 'an EventBridge rule disabled',
    resourceTypes: ['aws_cloudwatch_event_rule'],
    check: (c) => when(c.kind === 'update' && ((c.changed.includes('state') && c.after.state === 'DISABLED') || turnedOff(c, 'is_enabled')), () => FIRES),
    explain: (c) => `Disables the EventBridge rule \`${nameOf(c)}\`: the root events it matches are no longer forwarded or alerted on.`,
  }),
  defineRule({
    id: 'RL-KEY-DISABLED',
    severity: 'high',
    title: 'Monitoring KMS key disabled',
    firesOn: 'a monitoring KMS key disabled',
    resourceTypes: ['aws_kms_key'],
    check: (c) => when(c.kind === 'update' && turnedOff(c, 'is_enabled'), () => FIRES),
    explain: (c) => `Disables ${monitoringLabel(c)}: what it encrypts (trail logs or alerts) can no longer be written or read.`,
  }),
  defineRule({
    id: 'RL-LOG-RETENTION-SHORTER',
    severity: 'medium',
    title: 'Log retention shortened',
    firesOn: 'log retention shortened',
    resourceTypes: ['aws_cloudwatch_log_group'],
    check: (c) => {
      if (c.kind !== 'update' || !c.changed.includes('retention_in_days')) return undefined;
      // 0 or unset is "never expire".
      const before = Number(c.before.retention_in_days) || Infinity;
      const after = Number(c.after.retention_in_days) || Infinity;
      return after < before ? { before, after } : undefined;
    },
    explain: (c, { before, after }) =>
      `Shortens the retention of \`${nameOf(c)}\` from ${Number.isFinite(before) ? before : 'never expire'} to ${after} days: less history to investigate a root-user incident with.`,
  }),
  defineRule({
    id: 'RL-MONITORING-UNMANAGED',
    severity: 'medium',
    title: 'Security resource removed from Terraform but left running (forget)',
    firesOn: 'a security resource forgotten (`removed { lifecycle { destroy = false } }`)',
    resourceTypes: '*',
    check: (c) => when(c.kind === 'forget' && (isMonitoring(c) || isBreakGlassRole(c) || /^aws_organizations_|^aws_iam_organizations_/.test(c.type)), () => FIRES),
    explain: (c) => `Stops managing \`${c.address}\` (${nameOf(c)}): it stays deployed, but drift is no longer detected or reverted.`,
  }),
  defineRule({
    id: 'RL-MONITORING-CHANGED',
    severity: 'medium',
    title: 'Monitoring resource changed (check the diff)',
    firesOn: 'any other non-cosmetic change to a monitoring resource (patterns, endpoints, policies: shown as diffs)',
    resourceTypes: MONITORING_TYPES,
    fallback: true,
    check: (c) => when(isMonitoring(c) && (c.kind === 'update' || c.kind === 'replace') && !onlyCosmetic(c), () => FIRES),
    explain: (c) =>
      `${c.kind === 'replace' ? 'Replaces' : 'Changes'} ${monitoringLabel(c)} (${visibleChanges(c)}). If this changes what is matched or where it goes: ${MONITORING[c.type].loss}.`,
  }),
];
