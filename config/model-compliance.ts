/**
 * The resolved compliance settings: the compliance topic the CIS 4.3 / Security Hub CloudWatch.1 alarm notifies, the
 * access-log bucket of the trail and Config buckets, the trail bucket's Object Lock, and the Config bucket's key.
 * Attached to the model as `model.compliance`; nothing else builds these names.
 */
import type { RootlockConfig } from './schema';
// Used at call time only, so the import cycle with model.ts is harmless.
import { s3BucketArn, snsTopicArn } from './arn';
import { prefixed } from './contract';

export interface ComplianceModel {
  /** SNS topic of the CIS 4.3 alarm: a low-noise route (email), never the pager. */
  topicName: string;
  topicArn: string;
  subscriptions: Array<{ protocol: 'email'; endpoint: string }>;
  /** True when compliance.emails was not given and the alert e-mail addresses are used. */
  subscriptionsFromAlerts: boolean;
  /** Server access logs of the trail and Config buckets go here (Security Hub S3.9 / CloudTrail.7, CIS 3.x). */
  accessLogBucketName: string;
  accessLogBucketArn: string;
  /** S3 Object Lock of the trail bucket (Security Hub S3.15). */
  trailObjectLock: { enabled: true; mode: 'GOVERNANCE'; retentionDays: number } | { enabled: false; reason: string };
  /** Key of the central AWS Config bucket (Security Hub S3.17). */
  configKeyAlias: string;
}

/** Object key prefix of the server access logs of one source bucket, in the access-log bucket. */
export function accessLogPrefix(sourceBucketName: string): string {
  return `${sourceBucketName}/`;
}

export function resolveCompliance(config: RootlockConfig, securityAccountId: string, homeRegion: string): ComplianceModel {
  const c = config.compliance;
  const emails = c.emails ?? config.alerts.emails;
  const accessLogBucketName = prefixed(`access-logs-${securityAccountId}-${homeRegion}`);
  return {
    topicName: c.topicName,
    topicArn: snsTopicArn(homeRegion, securityAccountId, c.topicName),
    subscriptions: [...emails].sort().map((endpoint) => ({ protocol: 'email' as const, endpoint })),
    subscriptionsFromAlerts: c.emails === undefined,
    accessLogBucketName,
    accessLogBucketArn: s3BucketArn(accessLogBucketName),
    trailObjectLock: c.trailObjectLock.enabled
      ? { enabled: true, mode: 'GOVERNANCE', retentionDays: config.logging.retentionDays }
      : { enabled: false, reason: c.trailObjectLock.reason ?? '' },
    configKeyAlias: 'alias/rootlock-config',
  };
}
