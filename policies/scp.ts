/** Service control policies. Pure functions of the model, so they are evaluated in tests without synthesis. */
import type { Model } from '../config/model';
import { PARTITION } from '../config/model';
import { policy, PolicyDocument, policyJson } from './document';

export const SCP_MAX_CHARS = 5120;
/** Organizations allows 5 SCPs per target; FullAWSAccess (or the organization's own allow-list) takes one. */
export const SCPS_PER_TARGET_LIMIT = 5;

/**
 * Member-account root users may do nothing, except inside a privileged sts:AssumeRoot task session (aws:AssumedRoot
 * is present only there), which is scoped by its AWS-managed task policy.
 */
export function rootDenyScp(): PolicyDocument {
  return policy({
    Sid: 'DenyRootUserOutsideAssumeRootTaskSessions',
    Effect: 'Deny',
    Action: '*',
    Resource: '*',
    Condition: {
      ArnLike: { 'aws:PrincipalArn': `arn:${PARTITION}:iam::*:root` },
      Null: { 'aws:AssumedRoot': 'true' },
    },
  });
}

/** Attackers blind the alarms first: only the deployment role may change what watches the root user. */
export function monitoringProtectionScp(model: Model): PolicyDocument {
  const p = model.pipeline;
  const exceptDeployer = { ArnNotLike: { 'aws:PrincipalArn': model.organization.deploymentRoleArnPattern } };
  return policy(
    {
      Sid: 'ProtectOrganizationTrail',
      Effect: 'Deny',
      Action: ['cloudtrail:DeleteTrail', 'cloudtrail:PutEventSelectors', 'cloudtrail:PutInsightSelectors', 'cloudtrail:StopLogging', 'cloudtrail:UpdateTrail'],
      Resource: `arn:${PARTITION}:cloudtrail:*:*:trail/${p.trailName}`,
      Condition: exceptDeployer,
    },
    {
      Sid: 'ProtectTrailBucket',
      Effect: 'Deny',
      Action: ['s3:DeleteBucket', 's3:DeleteBucketPolicy', 's3:PutBucketPolicy', 's3:PutLifecycleConfiguration', 's3:PutBucketVersioning'],
      Resource: `arn:${PARTITION}:s3:::${p.trailBucketName}`,
      Condition: exceptDeployer,
    },
    {
      Sid: 'ProtectAlarmLogGroup',
      Effect: 'Deny',
      Action: ['logs:DeleteLogGroup', 'logs:DeleteMetricFilter', 'logs:DeleteRetentionPolicy', 'logs:PutMetricFilter', 'logs:PutRetentionPolicy'],
      Resource: [p.logGroupArn, `${p.logGroupArn}:*`],
      Condition: exceptDeployer,
    },
    {
      Sid: 'ProtectRootAlarms',
      Effect: 'Deny',
      Action: ['cloudwatch:DeleteAlarms', 'cloudwatch:DisableAlarmActions', 'cloudwatch:PutMetricAlarm', 'cloudwatch:SetAlarmState'],
      Resource: `arn:${PARTITION}:cloudwatch:*:*:alarm:rootlock-*`,
      Condition: exceptDeployer,
    },
    {
      Sid: 'ProtectAlertTopic',
      Effect: 'Deny',
      // SetSubscriptionAttributes too: a filter policy that matches nothing silences the pager without unsubscribing.
      Action: ['sns:DeleteTopic', 'sns:RemovePermission', 'sns:SetSubscriptionAttributes', 'sns:SetTopicAttributes', 'sns:Unsubscribe'],
      Resource: [p.topicArn, `${p.topicArn}:*`],
      Condition: exceptDeployer,
    },
    {
      Sid: 'ProtectForwardingRulesAndBus',
      Effect: 'Deny',
      // PutTargets too: replacing a rule's target (same target id) silently reroutes the alerts.
      Action: ['events:DeleteEventBus', 'events:DeleteRule', 'events:DisableRule', 'events:PutRule', 'events:PutTargets', 'events:RemovePermission', 'events:RemoveTargets'],
      Resource: [`arn:${PARTITION}:events:*:*:rule/rootlock-*`, `arn:${PARTITION}:events:*:*:rule/${p.busName}/rootlock-*`, p.busArn],
      Condition: exceptDeployer,
    },
    {
      // The deployment role is protected too: whoever could rewrite its trust policy could become "the deployer".
      Sid: 'ProtectBreakGlassForwarderAndDeploymentRoles',
      Effect: 'Deny',
      Action: [
        'iam:AttachRolePolicy',
        'iam:CreateRole',
        'iam:DeleteRole',
        'iam:DeleteRolePolicy',
        'iam:DetachRolePolicy',
        'iam:PutRolePolicy',
        'iam:TagRole',
        'iam:UntagRole',
        'iam:UpdateAssumeRolePolicy',
        'iam:UpdateRole',
      ],
      Resource: [
        `arn:${PARTITION}:iam::*:role/${model.breakGlass.roleName}`,
        `arn:${PARTITION}:iam::*:role/${p.forwarderRoleName}`,
        `arn:${PARTITION}:iam::*:role/${model.config.organization.deploymentRoleName}`,
      ],
      Condition: exceptDeployer,
    },
    {
      Sid: 'ProtectRootAccessAndDetectors',
      Effect: 'Deny',
      Action: [
        'config:DeleteConfigurationRecorder',
        'config:DeleteDeliveryChannel',
        'config:StopConfigurationRecorder',
        'guardduty:DeleteDetector',
        'guardduty:DisassociateFromAdministratorAccount',
        'guardduty:DisassociateFromMasterAccount',
        'iam:DisableOrganizationsRootCredentialsManagement',
        'iam:DisableOrganizationsRootSessions',
      ],
      Resource: '*',
      Condition: exceptDeployer,
    },
    {
      Sid: 'ProtectMonitoringKeys',
      Effect: 'Deny',
      Action: ['kms:DisableKey', 'kms:PutKeyPolicy', 'kms:ScheduleKeyDeletion'],
      Resource: '*',
      Condition: { ...exceptDeployer, 'ForAnyValue:StringLike': { 'kms:ResourceAliases': 'alias/rootlock-*' } },
    },
  );
}

export interface ScpSpec {
  key: 'root_deny' | 'monitoring_protection';
  name: string;
  description: string;
  document: PolicyDocument;
  json: string;
  targets: Model['ous'];
}

export class PolicyLimitError extends Error {}

/** Both SCPs with their guards applied: measured, minified size and the per-target count. */
export function scpSpecs(model: Model): ScpSpec[] {
  const specs: ScpSpec[] = [
    { key: 'root_deny', ...model.scps.rootDeny, document: rootDenyScp(), json: '' },
    { key: 'monitoring_protection', ...model.scps.monitoringProtection, document: monitoringProtectionScp(model), json: '' },
  ];
  for (const spec of specs) {
    spec.json = policyJson(spec.document);
    if (spec.json.length > SCP_MAX_CHARS) {
      throw new PolicyLimitError(
        `SCP ${spec.name} is ${spec.json.length} characters minified, over the Organizations limit of ${SCP_MAX_CHARS}: shorten a name in the configuration (breakGlass.roleName, alerts.topicName) or split the policy`,
      );
    }
  }
  for (const ou of model.ous) {
    const count = 1 + specs.filter((s) => s.targets.includes(ou)).length;
    if (count > SCPS_PER_TARGET_LIMIT) {
      throw new PolicyLimitError(`OU ${ou.name} would carry ${count} SCPs, over the Organizations limit of ${SCPS_PER_TARGET_LIMIT}`);
    }
  }
  return specs;
}
