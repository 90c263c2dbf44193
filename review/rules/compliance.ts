/**
 * Review rules for what auditors check (issue #18): the exact CIS 4.3 filter and its alarm action, server access
 * logging of the trail and Config buckets, the trail bucket's Object Lock retention, and KMS encryption of the buckets.
 * Removing the buckets, keys, topics, filters and alarms themselves is RL-MONITORING-REMOVED, and a removed alarm
 * action (the CIS alarm's too) RL-ALARM-SILENCED, in rules.ts.
 */
import { CIS_ROOT_USAGE_PATTERN } from '../../detections/compliance';
import { Change, isRemoval, str, value } from '../change';
import { when } from '../evidence';
import { defineRule, FIRES, Rule } from '../rule';

/** A nested block as Terraform's plan JSON writes it (a list of one object), or a plain object. */
function block(v: unknown): Record<string, unknown> | undefined {
  const first = Array.isArray(v) ? v[0] : v;
  return first && typeof first === 'object' ? (first as Record<string, unknown>) : undefined;
}

function retention(values: Record<string, unknown>): { mode?: string; days: number } | undefined {
  const r = block(block(values.rule)?.default_retention);
  if (!r) return undefined;
  const days = typeof r.days === 'number' && r.days > 0 ? r.days : typeof r.years === 'number' ? r.years * 365 : 0;
  return { mode: str(r.mode), days };
}

function sseAlgorithm(values: Record<string, unknown>): string | undefined {
  return str(block(block(values.rule)?.apply_server_side_encryption_by_default)?.sse_algorithm);
}

const gone = (c: Change) => isRemoval(c) || c.kind === 'forget';
const bucketOf = (c: Change) => `\`${str(value(c, 'bucket')) ?? c.address}\``;

export const complianceRules: Rule[] = [
  defineRule({
    id: 'RL-ACCESS-LOGGING-REMOVED',
    severity: 'medium',
    title: 'Server access logging of a monitoring bucket removed or redirected',
    firesOn: 'server access logging of the trail or Config bucket removed or pointed elsewhere (Security Hub CloudTrail.7 / S3.9)',
    resourceTypes: ['aws_s3_bucket_logging'],
    check: (c) => when(gone(c) || (c.kind !== 'create' && (c.changed.includes('target_bucket') || c.changed.includes('target_prefix'))), () => FIRES),
    explain: (c) =>
      `${gone(c) ? 'Removes' : 'Redirects'} the server access logging of bucket ${bucketOf(c)}: reads and deletions of the logs it holds are ${
        gone(c) ? 'no longer recorded' : `recorded in \`${str(c.after.target_bucket) ?? 'another bucket'}\` instead`
      }, and Security Hub CloudTrail.7 / S3.9 (CIS 3.x) fail.`,
  }),
  defineRule({
    id: 'RL-OBJECT-LOCK-WEAKENED',
    severity: 'high',
    title: 'Object Lock default retention shortened, removed or moved to another mode',
    firesOn: "the trail bucket's Object Lock default retention shortened, removed or moved to another mode (S3.15)",
    resourceTypes: ['aws_s3_bucket_object_lock_configuration'],
    check: (c) => {
      if (c.kind !== 'update' && c.kind !== 'replace') return undefined;
      const before = retention(c.before);
      const after = retention(c.after);
      return when(!!before && (!after || after.days < before.days || after.mode !== before.mode), () => ({ before: before!, after }));
    },
    explain: (c, { before, after }) => {
      return `Changes the Object Lock default retention of bucket ${bucketOf(c)} from ${before.mode ?? '?'} ${before.days} days to ${
        after ? `${after.mode ?? '?'} ${after.days} days` : 'none'
      }: new trail logs can be deleted or overwritten sooner (Security Hub S3.15).`;
    },
  }),
  defineRule({
    id: 'RL-BUCKET-KMS-DROPPED',
    severity: 'high',
    title: 'Bucket default encryption moved off its KMS key',
    firesOn: "a bucket's default encryption moved off its KMS key (S3.17)",
    resourceTypes: ['aws_s3_bucket_server_side_encryption_configuration'],
    check: (c) => when((c.kind === 'update' || c.kind === 'replace') && sseAlgorithm(c.before) === 'aws:kms' && sseAlgorithm(c.after) !== 'aws:kms', () => sseAlgorithm(c.after) ?? 'unknown'),
    explain: (c, now) => `Bucket ${bucketOf(c)} stops encrypting with its KMS key (now ${now}): reading its logs no longer needs the key's permission, and Security Hub S3.17 fails.`,
  }),
  defineRule({
    id: 'RL-CIS-FILTER-CHANGED',
    severity: 'medium',
    title: 'The exact CIS 4.3 root-usage filter changed',
    firesOn: "the exact CIS 4.3 filter's pattern changed (Security Hub CloudWatch.1 then fails everywhere)",
    resourceTypes: ['aws_cloudwatch_log_metric_filter'],
    check: (c) =>
      when(c.before.pattern === CIS_ROOT_USAGE_PATTERN && (c.kind === 'update' || c.kind === 'replace') && c.after.pattern !== undefined && c.after.pattern !== CIS_ROOT_USAGE_PATTERN, () => FIRES),
    explain: (c) =>
      `Changes the pattern of \`${str(value(c, 'name')) ?? c.address}\`, the CIS 4.3 filter: Security Hub CloudWatch.1 fails on any added or changed term, in every account. The paging root alarms are not affected.`,
  }),
];
