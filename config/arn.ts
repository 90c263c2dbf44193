/**
 * The one ARN formatter (aws-cdk-lib's `formatArn`, reduced to what rootlock needs). Every ARN and ARN pattern the
 * stacks, policies, runbooks and review use is built here or by the model from here, never by string templates
 * elsewhere: a partition or a separator fixed once is fixed everywhere.
 */
export const PARTITION = 'aws';

export interface ArnComponents {
  /** `iam`, `s3`, `sns`... */
  service: string;
  /** Empty for global services (IAM, S3 buckets, Organizations); `*` in patterns. */
  region?: string;
  /** Account id; empty for S3 buckets and AWS-managed policies (`aws`); `*` in patterns. */
  account?: string;
  /** Everything after the account: `role/NAME`, `trail/NAME`, `log-group:NAME`, a bucket name, a topic name. */
  resource: string;
}

export function formatArn(c: ArnComponents): string {
  return `arn:${PARTITION}:${c.service}:${c.region ?? ''}:${c.account ?? ''}:${c.resource}`;
}

/** An IAM role, or with account `*` a pattern for that role name in every account. */
export function iamRoleArn(account: string, roleName: string): string {
  return formatArn({ service: 'iam', account, resource: `role/${roleName}` });
}

/** The root user of an account, or with `*` of every account (`aws:PrincipalArn` of root sessions). */
export function rootUserArn(account: string): string {
  return formatArn({ service: 'iam', account, resource: 'root' });
}

/** An AWS-managed policy (`AdministratorAccess`, `service-role/AWS_ConfigRole`, `root-task/IAMAuditRootUserCredentials`). */
export function awsManagedPolicyArn(name: string): string {
  return formatArn({ service: 'iam', account: 'aws', resource: `policy/${name}` });
}

export function s3BucketArn(bucket: string): string {
  return formatArn({ service: 's3', resource: bucket });
}

export function sqsQueueArn(region: string, account: string, name: string): string {
  return formatArn({ service: 'sqs', region, account, resource: name });
}

export function snsTopicArn(region: string, account: string, name: string): string {
  return formatArn({ service: 'sns', region, account, resource: name });
}

export function logGroupArn(region: string, account: string, name: string): string {
  return formatArn({ service: 'logs', region, account, resource: `log-group:${name}` });
}

export function cloudTrailArn(region: string, account: string, name: string): string {
  return formatArn({ service: 'cloudtrail', region, account, resource: `trail/${name}` });
}

export function eventBusArn(region: string, account: string, name: string): string {
  return formatArn({ service: 'events', region, account, resource: `event-bus/${name}` });
}

/** A rule on the default bus (`rule/NAME`) or on a named bus (`rule/BUS/NAME`). */
export function eventRuleArn(region: string, account: string, name: string, bus?: string): string {
  return formatArn({ service: 'events', region, account, resource: bus ? `rule/${bus}/${name}` : `rule/${name}` });
}

export function alarmArn(region: string, account: string, name: string): string {
  return formatArn({ service: 'cloudwatch', region, account, resource: `alarm:${name}` });
}
