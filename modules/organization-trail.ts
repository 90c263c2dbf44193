/**
 * The organization trail, created by the security account as CloudTrail delegated administrator: multi-region, log
 * file validation, KMS-encrypted, to a locked-down bucket and to the CloudWatch Logs group the root alarms read.
 */
import { Construct } from 'constructs';
import { TerraformOutput } from 'cdktf';
import { Cloudtrail } from '@cdktf/provider-aws/lib/cloudtrail';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import type { Model } from '../config/model';
import { accessLogPrefix } from '../config/model-compliance';
import { policyJson } from '../policies/document';
import { cloudTrailToLogsPolicy, serviceRoleTrust, trailBucketPolicy, trailKeyPolicy } from '../policies/pipeline';
import { EncryptionKey } from './encryption-key';
import { SecureBucket } from './secure-bucket';

export interface OrganizationTrailProps {
  model: Model;
  organizationId: string;
  /** Bucket that receives the trail bucket's server access logs (a Terraform reference, so it exists first). */
  accessLogBucketName: string;
}

export class OrganizationTrail extends Construct {
  readonly logGroup: CloudwatchLogGroup;
  readonly trail: Cloudtrail;

  constructor(scope: Construct, id: string, props: OrganizationTrailProps) {
    super(scope, id);
    const { model } = props;
    const p = model.pipeline;
    const key = new EncryptionKey(this, 'key', {
      purpose: 'organization-trail',
      alias: p.trailKeyAlias,
      description: 'rootlock organization trail: log files and the alarm log group.',
      policy: trailKeyPolicy(model, props.organizationId),
    });
    const lock = model.compliance.trailObjectLock;
    const bucket = new SecureBucket(this, 'bucket', {
      name: p.trailBucketName,
      policy: trailBucketPolicy(model, props.organizationId),
      kmsKeyArn: key.key.arn,
      accessLogs: { bucketName: props.accessLogBucketName, prefix: accessLogPrefix(p.trailBucketName) },
      // Governance mode: the deployment role can still lift it with s3:BypassGovernanceRetention; compliance mode could not be undone by anyone.
      objectLock: lock.enabled ? { mode: lock.mode, retentionDays: lock.retentionDays } : undefined,
    });
    this.logGroup = new CloudwatchLogGroup(this, 'log_group', { name: p.logGroupName, retentionInDays: p.logRetentionDays, kmsKeyId: key.key.arn });
    const role = new IamRole(this, 'logs_role', {
      name: p.cloudTrailToLogsRoleName,
      description: 'CloudTrail delivers the organization trail to its log group; nothing else.',
      assumeRolePolicy: policyJson(serviceRoleTrust('cloudtrail.amazonaws.com', model.security.id)),
    });
    const rolePolicy = new IamRolePolicy(this, 'logs_role_policy', { role: role.name, name: 'deliver-to-log-group', policy: policyJson(cloudTrailToLogsPolicy(model)) });
    this.trail = new Cloudtrail(this, 'trail', {
      name: p.trailName,
      isOrganizationTrail: true,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableLogFileValidation: true,
      enableLogging: true,
      kmsKeyId: key.key.arn,
      s3BucketName: bucket.bucket.id,
      cloudWatchLogsGroupArn: `${this.logGroup.arn}:*`,
      cloudWatchLogsRoleArn: role.arn,
      dependsOn: [bucket.policy, rolePolicy],
    });
    new TerraformOutput(this, 'trail_arn', { value: this.trail.arn, description: 'Organization trail ARN (owned by the management account).' });
    new TerraformOutput(this, 'log_group_name', { value: this.logGroup.name, description: 'Log group the root alarms read.' });
  }
}
