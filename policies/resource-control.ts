/**
 * The trust model's resource control policies (RCPs) and the deployment role's trust policy, as pure documents.
 *
 * Facts they rest on (AWS Organizations, "Resource control policies (RCPs)",
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html, and the AWS Control
 * Tower RCP controls, https://docs.aws.amazon.com/controltower/latest/controlreference/rcp-controls.html):
 *   - RCPs apply to resources of Amazon S3, AWS STS, AWS KMS, Amazon SQS and AWS Secrets Manager only;
 *   - they restrict every principal acting on a resource of an affected member account, whoever and wherever it is
 *     (so a trust policy widened by hand, or a management-account administrator, is still refused);
 *   - they never affect resources of the management account, nor AWS managed KMS keys
 *     (https://docs.aws.amazon.com/kms/latest/developerguide/resource-control-policies.html);
 *   - Principal must be "*"; the perimeter pattern (aws:PrincipalOrgID, aws:PrincipalIsAWSService, aws:SourceOrgID,
 *     aws:SourceAccount) follows AWS's RCP examples, https://github.com/aws-samples/resource-control-policy-examples
 *     and https://github.com/aws-samples/data-perimeter-policy-examples.
 * Source identity (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_monitor.html):
 * set at AssumeRole (sts:SourceIdentity), it cannot be changed for the rest of the session nor in a chained session,
 * and every later request of the session carries it as aws:SourceIdentity.
 */
import type { Model } from '../config/model';
import { iamRoleArn, s3BucketArn, sqsQueueArn } from '../config/arn';
import { KEY_PURPOSE_TAG } from '../config/model-protection';
import { policy, PolicyDocument } from './document';

/** Every way of obtaining a session of a role; the RCP reasons about all of them. */
export const ROLE_SESSION_ACTIONS = ['sts:AssumeRole', 'sts:AssumeRoleWithSAML', 'sts:AssumeRoleWithWebIdentity'];

/**
 * The trust policy rootlock expects on the deployment role in every member account (the vending pipeline creates the
 * role with it; the management stack outputs it): the named deploy principals only, and only while setting the
 * deploy source identity, so every deploy session is recognisable in CloudTrail.
 */
export function deploymentRoleTrustPolicy(model: Model): PolicyDocument {
  const t = model.trust;
  return policy({
    Sid: 'OnlyTheDeployPipelineWithItsSourceIdentity',
    Effect: 'Allow',
    Principal: { AWS: t.deployPrincipals },
    Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'],
    Condition: { StringEquals: { 'sts:SourceIdentity': t.deploySourceIdentity } },
  });
}

/**
 * RCP 1: the deployment role, the only principal the monitoring-protection SCPs exempt, is usable only by the named
 * deploy principals setting the deploy source identity, in every member account, whatever its trust policy says
 * (a hand-made OrganizationAccountAccessRole in an invited account, a widened trust, a management administrator).
 * One other door, for the incident: the management account's break-glass role (named principals, fresh MFA, paged
 * when taken) may take it to restore what the SCPs let only the deployment role change (re-enable a key, restart the
 * trail). Its sessions carry the responder's own source identity, which STS never lets it change, so such a use is
 * always told apart from a deploy and pages again (deployment-role-outside-deploy).
 * Federation straight into it (SAML, web identity) is refused: the deploy reaches it by AssumeRole from its own role.
 */
export function deploymentRoleRcp(model: Model): PolicyDocument {
  const t = model.trust;
  const role = t.deploymentRoleArnPattern;
  const responders = model.management.breakGlassRoleArn;
  return policy(
    {
      Sid: 'DeploymentRoleOnlyForDeployPrincipals',
      Effect: 'Deny',
      Principal: '*',
      Action: 'sts:AssumeRole',
      Resource: role,
      Condition: { StringNotEquals: { 'aws:PrincipalArn': [...t.deployPrincipals, responders] } },
    },
    {
      Sid: 'DeploymentRoleOnlyWithDeploySourceIdentity',
      Effect: 'Deny',
      Principal: '*',
      Action: 'sts:AssumeRole',
      Resource: role,
      // A request without the key matches StringNotEquals, so leaving the source identity out is refused too; the
      // break-glass role keeps its responder's own (it cannot set another), and its use pages.
      Condition: { StringNotEquals: { 'sts:SourceIdentity': t.deploySourceIdentity, 'aws:PrincipalArn': responders } },
    },
    { Sid: 'DeploymentRoleNeverFederated', Effect: 'Deny', Principal: '*', Action: ['sts:AssumeRoleWithSAML', 'sts:AssumeRoleWithWebIdentity'], Resource: role },
  );
}

/** The resources of rootlock the perimeter covers: its buckets and queues by name prefix, its keys by their tag. */
function perimeterResources(model: Model): { named: string[]; services: string[] } {
  const prefix = model.pipeline.namePrefix;
  return {
    named: [s3BucketArn(`${prefix}*`), s3BucketArn(`${prefix}*/*`), sqsQueueArn('*', '*', `${prefix}*`)],
    services: ['s3:*', 'sqs:*'],
  };
}

/**
 * RCP 2: a resource perimeter on rootlock's S3 buckets, SQS queues and KMS keys: no principal outside the
 * organization; AWS services only when acting for an account of the organization (aws:SourceOrgID), as AWS's RCP
 * examples do. `organizationId` is the organization's id (a Terraform reference when the organization is created).
 */
export function perimeterRcp(model: Model, organizationId: string): PolicyDocument {
  const { named, services } = perimeterResources(model);
  const key = 'arn:aws:kms:*:*:key/*';
  const tagged = { Null: { [`aws:ResourceTag/${KEY_PURPOSE_TAG}`]: 'false' } };
  const outsider = { StringNotEqualsIfExists: { 'aws:PrincipalOrgID': organizationId }, BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' } };
  const confusedDeputy = {
    StringNotEqualsIfExists: { 'aws:SourceOrgID': organizationId },
    Null: { 'aws:SourceAccount': 'false' },
    Bool: { 'aws:PrincipalIsAWSService': 'true' },
  };
  return policy(
    { Sid: 'RootlockBucketsAndQueuesOrgOnly', Effect: 'Deny', Principal: '*', Action: services, Resource: named, Condition: outsider },
    { Sid: 'RootlockBucketsAndQueuesServicesForOrgOnly', Effect: 'Deny', Principal: '*', Action: services, Resource: named, Condition: confusedDeputy },
    { Sid: 'RootlockKeysOrgOnly', Effect: 'Deny', Principal: '*', Action: 'kms:*', Resource: key, Condition: { ...outsider, ...tagged } },
    {
      Sid: 'RootlockKeysServicesForOrgOnly',
      Effect: 'Deny',
      Principal: '*',
      Action: 'kms:*',
      Resource: key,
      Condition: { StringNotEqualsIfExists: confusedDeputy.StringNotEqualsIfExists, Bool: confusedDeputy.Bool, Null: { ...confusedDeputy.Null, ...tagged.Null } },
    },
  );
}

/** Actions that would destroy or unlock a locked trail log version before its retention ends. */
export const TRAIL_UNLOCK_ACTIONS = ['s3:BypassGovernanceRetention', 's3:DeleteObjectVersion', 's3:PutObjectRetention'];
/** Bucket-level changes left to deploy sessions only (changing them cannot unlock an existing version). */
export const TRAIL_BUCKET_CONFIG_ACTIONS = ['s3:PutBucketObjectLockConfiguration', 's3:PutBucketPolicy', 's3:DeleteBucketPolicy'];

/**
 * RCP 3: the trail's log objects. Nobody, the deployment role included, bypasses GOVERNANCE retention, shortens a
 * retention or deletes a version (expired versions go by the bucket's lifecycle rules, not by a request): GOVERNANCE
 * mode with this deny holds every principal as COMPLIANCE would, yet a legal purge stays possible from the management
 * account (detach this RCP, a change the organization trail records), where COMPLIANCE would need the account closed.
 * The bucket's object-lock default and policy change only in a deploy session (deployment role + deploy source
 * identity); a lower default retention reaches new objects only, a bucket policy cannot lift an RCP deny.
 */
export function trailBucketRcp(model: Model): PolicyDocument {
  const bucket = model.pipeline.trailBucketName;
  const t = model.trust;
  return policy(
    { Sid: 'TrailLogsNeverUnlockedOrDeletedEarly', Effect: 'Deny', Principal: '*', Action: TRAIL_UNLOCK_ACTIONS, Resource: s3BucketArn(`${bucket}/*`) },
    {
      Sid: 'TrailBucketLockAndPolicyOnlyByDeploymentRole',
      Effect: 'Deny',
      Principal: '*',
      Action: TRAIL_BUCKET_CONFIG_ACTIONS,
      Resource: s3BucketArn(bucket),
      Condition: { ArnNotLike: { 'aws:PrincipalArn': iamRoleArn('*', t.deploymentRoleName) } },
    },
    {
      Sid: 'TrailBucketLockAndPolicyOnlyInDeploySessions',
      Effect: 'Deny',
      Principal: '*',
      Action: TRAIL_BUCKET_CONFIG_ACTIONS,
      Resource: s3BucketArn(bucket),
      Condition: { StringNotEquals: { 'aws:SourceIdentity': t.deploySourceIdentity } },
    },
  );
}
