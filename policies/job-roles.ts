/**
 * The job roles' policies (rootlock-plan, rootlock-audit, rootlock-drill in every account): who may assume each, and
 * what each may do. None is exempt from the monitoring-protection SCPs, none may assume the deployment role, and only
 * the drill changes anything (its own temporary queue, its test events): __tests__/policies-job-roles.test.ts proves it
 * against the IAM action catalogue and the IAM engine.
 */
import type { AccountTarget, Model } from '../config/model';
import type { Job } from '../config/model-trust';
import { awsManagedPolicyArn, formatArn, iamRoleArn, rootUserArn, s3BucketArn, sqsQueueArn } from '../config/arn';
import { policy, PolicyDocument, Statement } from './document';

/**
 * The read actions a refresh of every resource type rootlock deploys needs (Get/List/Describe of its services, all Read
 * or List in the IAM action catalogue: policies-job-roles.test.ts), never S3 object, SQS message or log event contents.
 */
export const REFRESH_READ_ACTIONS = [
  'cloudtrail:Describe*',
  'cloudtrail:Get*',
  'cloudtrail:List*',
  'cloudwatch:Describe*',
  'cloudwatch:GetMetricData',
  'cloudwatch:List*',
  'config:Describe*',
  'config:Get*',
  'config:List*',
  'events:Describe*',
  'events:List*',
  'guardduty:Describe*',
  'guardduty:Get*',
  'guardduty:List*',
  'iam:Get*',
  'iam:List*',
  'kms:Describe*',
  'kms:Get*',
  'kms:List*',
  'logs:Describe*',
  'logs:GetDataProtectionPolicy',
  'logs:ListTagsForResource',
  'logs:ListTagsLogGroup',
  'organizations:Describe*',
  'organizations:List*',
  's3:GetAccelerateConfiguration',
  's3:GetBucket*',
  's3:GetEncryptionConfiguration',
  's3:GetLifecycleConfiguration',
  's3:GetReplicationConfiguration',
  's3:ListAllMyBuckets',
  'sns:Get*',
  'sns:List*',
  'sqs:GetQueueAttributes',
  'sqs:GetQueueUrl',
  'sqs:ListDeadLetterSourceQueues',
  'sqs:ListQueueTags',
  'sqs:ListQueues',
  'sts:GetCallerIdentity',
];

/** The AWS-managed root task policy the audit's sts:AssumeRoot sessions are limited to. */
export const AUDIT_ROOT_TASK_POLICY_ARN = awsManagedPolicyArn('root-task/IAMAuditRootUserCredentials');

/**
 * Trust of a job role in `account`: the principals of organization.jobRoleTrustedBy.<job>, and in a member account
 * also the same job role of the management account (the job's CLI reaches members from there). Principals are named
 * as their accounts with aws:PrincipalArn pinned (valid before the role exists, and the account alone never suffices).
 * With nobody to trust, the role trusts nobody.
 */
export function jobRoleTrustPolicy(model: Model, job: Job, account: AccountTarget): PolicyDocument {
  const role = model.trust.jobRoles[job];
  const principals = [...role.trustedBy, ...(account.isManagement ? [] : [iamRoleArn(model.management.id, role.name)])];
  if (principals.length === 0) {
    return policy({ Sid: 'NobodyYet', Effect: 'Deny', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' });
  }
  const accounts = [...new Set(principals.map((p) => rootUserArn(p.split(':')[4])))];
  return policy({
    Sid: `Only${job[0].toUpperCase()}${job.slice(1)}Principals`,
    Effect: 'Allow',
    Principal: { AWS: accounts },
    Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'],
    Condition: { ArnEquals: { 'aws:PrincipalArn': principals } },
  });
}

/** Reaching the same job role in the other accounts, and nothing else of STS (never the deployment role). */
function sameJobElsewhere(model: Model, job: Job): Statement {
  return { Sid: 'SameJobRoleInOtherAccounts', Effect: 'Allow', Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'], Resource: model.trust.jobRoles[job].arnPattern };
}

/** The Terraform state the plan reads (S3 backend): list the bucket, read the stacks' state; never the lock file. */
function stateReads(model: Model): Statement[] {
  if (model.state.backend !== 's3') return [];
  return [
    { Sid: 'ListStateBucket', Effect: 'Allow', Action: 's3:ListBucket', Resource: s3BucketArn(model.state.bucket) },
    { Sid: 'ReadState', Effect: 'Allow', Action: 's3:GetObject', Resource: s3BucketArn(`${model.state.bucket}/${model.state.keyPrefix}/*`) },
  ];
}

/** rootlock-plan: refresh and plan (`terraform plan -lock=false`), nothing written anywhere, the state lock included. */
export function planRolePolicy(model: Model): PolicyDocument {
  return policy({ Sid: 'RefreshRootlockResources', Effect: 'Allow', Action: REFRESH_READ_ACTIONS, Resource: '*' }, sameJobElsewhere(model, 'plan'), ...stateReads(model));
}

/** rootlock-audit: the reads the audit checks, and root task sessions limited to IAMAuditRootUserCredentials. */
export function auditRolePolicy(model: Model): PolicyDocument {
  return policy(
    { Sid: 'ReadWhatTheAuditChecks', Effect: 'Allow', Action: REFRESH_READ_ACTIONS, Resource: '*' },
    sameJobElsewhere(model, 'audit'),
    {
      Sid: 'AuditRootCredentialsOnly',
      Effect: 'Allow',
      Action: 'sts:AssumeRoot',
      // "*": IAM refuses `arn:aws:iam::*:root` as a policy resource (MalformedPolicyDocument); the task policy condition
      // is what limits it, and only the management account or IAM's delegated administrator can call AssumeRoot.
      Resource: '*',
      Condition: { StringEquals: { 'sts:TaskPolicyArn': AUDIT_ROOT_TASK_POLICY_ARN } },
    },
  );
}

/** The drill's temporary queues: `rootlock-drill-*` (drill/plan.ts names them). */
export function drillQueuePattern(model: Model): string {
  return sqsQueueArn(model.organization.homeRegion, model.security.id, `${model.pipeline.namePrefix}drill-*`);
}

/** rootlock-drill: exactly what `npm run drill` does (README "Drill": the role it runs as). */
export function drillRolePolicy(model: Model): PolicyDocument {
  const p = model.pipeline;
  const defaultBuses = model.eventRegions.map((region) => formatArn({ service: 'events', region, account: '*', resource: 'event-bus/default' }));
  return policy(
    sameJobElsewhere(model, 'drill'),
    { Sid: 'InjectDrillEvents', Effect: 'Allow', Action: 'events:PutEvents', Resource: defaultBuses },
    { Sid: 'WriteDrillLogEvents', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: [p.logGroupArn, `${p.logGroupArn}:log-stream:*`] },
    {
      Sid: 'OwnTemporaryQueue',
      Effect: 'Allow',
      Action: ['sqs:CreateQueue', 'sqs:TagQueue', 'sqs:SetQueueAttributes', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:DeleteQueue'],
      Resource: drillQueuePattern(model),
    },
    { Sid: 'PeekDeadLetterQueue', Effect: 'Allow', Action: ['sqs:GetQueueUrl', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage'], Resource: p.deadLetterQueueArn },
    { Sid: 'SubscribeTemporaryQueue', Effect: 'Allow', Action: ['sns:Subscribe', 'sns:Unsubscribe', 'sns:ListSubscriptionsByTopic'], Resource: [p.topicArn, model.health.topicArn] },
    // The `health` path: only the drill's own alarm, which pages nothing but the health topic. The monitoring-protection
    // SCP still denies it (alarm:rootlock-*), as it denies the Unsubscribe every injection needs; and each use pages
    // as tamper, so nobody flips it unseen.
    { Sid: 'DrillHealthAlarm', Effect: 'Allow', Action: 'cloudwatch:SetAlarmState', Resource: model.health.drillAlarm.alarmArn },
    {
      Sid: 'ReadAlarmsAndTestPatterns',
      Effect: 'Allow',
      Action: ['cloudwatch:DescribeAlarms', 'cloudwatch:DescribeAlarmHistory', 'cloudwatch:GetMetricData', 'logs:TestMetricFilter', 'guardduty:ListDetectors', 'guardduty:GetDetector', 'sts:GetCallerIdentity'],
      Resource: '*',
    },
    { Sid: 'SampleFindings', Effect: 'Allow', Action: 'guardduty:CreateSampleFindings', Resource: formatArn({ service: 'guardduty', region: '*', account: model.security.id, resource: 'detector/*' }) },
  );
}

export function jobRolePolicy(model: Model, job: Job): PolicyDocument {
  return job === 'plan' ? planRolePolicy(model) : job === 'audit' ? auditRolePolicy(model) : drillRolePolicy(model);
}
