/**
 * The compliance review rules (review/rules/compliance.ts) on plan changes shaped as Terraform's plan JSON writes them
 * (nested blocks as lists of one object): they fire on the weakening edits and stay quiet on harmless ones.
 */
import { review } from '../review/analyze';
import { asPlan } from '../review/plan';
import { CIS_ROOT_USAGE_PATTERN } from '../detections/compliance';

type Action = 'create' | 'update' | 'delete' | 'no-op';
function findings(type: string, actions: Action[], before: object | null, after: object | null): string[] {
  const plan = asPlan(
    {
      format_version: '1.2',
      terraform_version: '1.11.4',
      planned_values: { root_module: {} },
      resource_changes: [{ address: `${type}.x`, mode: 'managed', type, name: 'x', change: { actions, before, after, after_unknown: {} } }],
    },
    'compliance',
  );
  return review([{ stack: 'security', file: 'security.json', plan }], {})
    .findings.filter((f) => f.severity !== 'low')
    .map((f) => `${f.severity}:${f.rule.id}`);
}

const logging = { bucket: 'rootlock-trail-222222222222-eu-west-1', target_bucket: 'rootlock-access-logs-222222222222-eu-west-1', target_prefix: 'rootlock-trail-222222222222-eu-west-1/' };
const lock = (mode: string, days: number) => ({ bucket: 'rootlock-trail-222222222222-eu-west-1', rule: [{ default_retention: [{ mode, days, years: 0 }] }] });
const sse = (algorithm: string) => ({ bucket: 'rootlock-config-222222222222-eu-west-1', rule: [{ apply_server_side_encryption_by_default: [{ sse_algorithm: algorithm, kms_master_key_id: algorithm === 'aws:kms' ? 'arn:aws:kms:eu-west-1:222222222222:key/k' : '' }], bucket_key_enabled: true }] });
const filter = (pattern: string) => ({ name: 'rootlock-cis-root-usage', log_group_name: '/rootlock/organization-trail', pattern });

describe('compliance review rules', () => {
  it('flag removed or redirected bucket access logging, not a new one', () => {
    expect(findings('aws_s3_bucket_logging', ['delete'], logging, null)).toEqual(['medium:RL-ACCESS-LOGGING-REMOVED']);
    expect(findings('aws_s3_bucket_logging', ['update'], logging, { ...logging, target_bucket: 'somewhere-else' })).toEqual(['medium:RL-ACCESS-LOGGING-REMOVED']);
    expect(findings('aws_s3_bucket_logging', ['create'], null, logging)).toEqual([]);
  });

  it('flag a shorter, removed or other-mode Object Lock retention, not a longer one', () => {
    expect(findings('aws_s3_bucket_object_lock_configuration', ['update'], lock('GOVERNANCE', 365), lock('GOVERNANCE', 30))).toEqual(['high:RL-OBJECT-LOCK-WEAKENED']);
    expect(findings('aws_s3_bucket_object_lock_configuration', ['update'], lock('COMPLIANCE', 365), lock('GOVERNANCE', 365))).toEqual(['high:RL-OBJECT-LOCK-WEAKENED']);
    expect(findings('aws_s3_bucket_object_lock_configuration', ['update'], lock('GOVERNANCE', 365), { ...lock('GOVERNANCE', 365), rule: [] })).toEqual(['high:RL-OBJECT-LOCK-WEAKENED']);
    expect(findings('aws_s3_bucket_object_lock_configuration', ['update'], lock('GOVERNANCE', 365), lock('GOVERNANCE', 731)).filter((f) => f.includes('OBJECT-LOCK'))).toEqual([]);
    // Removing the lock configuration altogether is a monitoring removal.
    expect(findings('aws_s3_bucket_object_lock_configuration', ['delete'], lock('GOVERNANCE', 365), null)).toEqual(['high:RL-MONITORING-REMOVED']);
  });

  it('flag a bucket moved off its KMS key, not one moved onto it', () => {
    expect(findings('aws_s3_bucket_server_side_encryption_configuration', ['update'], sse('aws:kms'), sse('AES256'))).toContain('high:RL-BUCKET-KMS-DROPPED');
    expect(findings('aws_s3_bucket_server_side_encryption_configuration', ['update'], sse('AES256'), sse('aws:kms'))).not.toContain('high:RL-BUCKET-KMS-DROPPED');
  });

  it('flag an edit of the exact CIS filter, not of another filter', () => {
    const edited = `${CIS_ROOT_USAGE_PATTERN.slice(0, -1)} && $.userIdentity.sessionContext.assumedRoot NOT EXISTS}`;
    expect(findings('aws_cloudwatch_log_metric_filter', ['update'], filter(CIS_ROOT_USAGE_PATTERN), filter(edited))).toContain('medium:RL-CIS-FILTER-CHANGED');
    expect(findings('aws_cloudwatch_log_metric_filter', ['update'], filter('{ $.a = "b" }'), filter('{ $.a = "c" }'))).not.toContain('medium:RL-CIS-FILTER-CHANGED');
  });
});
