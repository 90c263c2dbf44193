/**
 * Every detection rootlock deploys, as data (the cdk-nag way: each rule with its reason). The security stack builds
 * metric filters, alarms and central rules from it; baseline stacks build the forwarding rules; the runbooks write one
 * playbook per entry. Nothing else names an alarm or a rule.
 */
import type { Model } from '../config/model';
import { pipelineHealthDetections } from './pipeline-health';
import { detectionMetric, detectionRuleName } from './names';
import { JOB_ROLE_NAMES, prefixed } from '../config/contract';
import { drillDetections } from './drill';
import { complianceDetections } from './compliance';
import { organizationDetections } from './organization';
import { taskPolicyArn } from '../config/root-tasks';
import type { RuleState } from './rule-state';
import { deploymentRoleDetections } from './deployment-role';
import { rootCredentialDetections } from './root-credentials';
import { tamperDetections } from './tamper';

/** How urgently a detection pages (not the review's change severity, `review/change.ts`). */
/** 'low': a failure of interest (a refused break-glass attempt) that anyone could repeat: seen, never a critical page. */
export type DetectionSeverity = 'critical' | 'high' | 'low';

/** An EventBridge pattern: plain JSON, tested against sample events by a real matcher. */
export type EventPattern = Record<string, unknown>;

/** A metric filter on the trail log group and its alarm (names from `detectionMetric`, detections/names.ts). */
export interface MetricDetection {
  filterName: string;
  metricName: string;
  alarmName: string;
  pattern: string;
  /** Where the alarm notifies: the alert topic (pages) unless 'compliance' (the low-noise compliance topic, never the only page). */
  route?: 'compliance';
}

export interface Detection {
  /** Stable id: names the alarm, the rules and the runbook section. */
  id: string;
  title: string;
  severity: DetectionSeverity;
  /** Why this detection exists, in one sentence a responder understands. */
  why: string;
  /** CloudWatch Logs metric filter on the organization trail's log group, with its alarm. */
  metric?: MetricDetection;
  /** EventBridge rule; `forwarded` rules run in every account and forward to the central bus, where a rule of the same name pages. */
  event?: {
    ruleName: string;
    pattern: EventPattern;
    scope: 'forwarded' | 'security-default-bus';
    /** 'home' = home region only; 'all' = every event region (home and us-east-1). */
    regions: 'home' | 'global' | 'all';
    /**
     * Rule state, only to override what the pattern needs (detections/rule-state.ts `ruleStateOf`: every rule matching
     * CloudTrail events gets ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS, since `ENABLED` skips read-only ones).
     */
    state?: RuleState;
  };
  /** CloudTrail event names to look for when triaging. */
  triageEvents: string[];
  /** CloudWatch Logs Insights query for triage on the trail's log group. */
  insightsQuery: string;
  contain: string[];
}

const API_CALL = 'AWS API Call via CloudTrail';
/** The scheduled audit's own AssumeRoot sessions: its job role, with the read-only audit task policy (config/root-tasks.ts). */
const AUDIT_ROLE = JOB_ROLE_NAMES.audit;
const AUDIT_TASK_POLICY = taskPolicyArn('IAMAuditRootUserCredentials');

/**
 * EventBridge rule states. A rule in state ENABLED matches every event except read-only management events delivered
 * through CloudTrail; ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS matches those too
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail-management.html; the API's
 * Rule.State: https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html). CloudTrail marks STS
 * `AssumeRole` (the guide's own example of a rule needing the state) and `AssumeRoot` read-only, like every root
 * `List*`/`Get*`/`Describe*` call, so every root, task-session and break-glass rule uses it: without it a root user
 * reading anything, or anyone assuming the break-glass role, pages nobody per event.
 */

export const ORG_CONFIG_RULES = [
  { name: prefixed('root-account-mfa-enabled'), identifier: 'ROOT_ACCOUNT_MFA_ENABLED', why: 'the root user of every account has MFA' },
  { name: prefixed('iam-root-access-key-check'), identifier: 'IAM_ROOT_ACCESS_KEY_CHECK', why: 'no root user has an access key' },
  { name: prefixed('root-account-hardware-mfa-enabled'), identifier: 'ROOT_ACCOUNT_HARDWARE_MFA_ENABLED', why: 'the root user uses a hardware MFA device' },
] as const;

/**
 * What the detections are built from. Each of these is resolved before the detections, so the catalogue is built in
 * one pass from complete parts and can never read a half-built model (delivery, protection and placement come later).
 */
export type DetectionInputs = Pick<Model, 'breakGlass' | 'monitoring' | 'security' | 'pipeline' | 'compliance' | 'scps' | 'people'> &
  Partial<Pick<Model, 'trust'>> & {
    /** The protected set: the tamper detections are generated from it (detections/tamper.ts). */
    protection?: Model['protection'];
  };

export function detectionsFor(model: DetectionInputs): Detection[] {
  const bg = model.breakGlass.roleName;
  const rule = detectionRuleName;
  const metric = detectionMetric;
  const insights = (filter: string) => `fields @timestamp, recipientAccountId, awsRegion, eventName, userIdentity.arn, sourceIPAddress, errorCode | filter ${filter} | sort @timestamp desc | limit 200`;

  const detections: Detection[] = [
    {
      id: 'root-console-sign-in',
      title: 'Root user console sign-in',
      severity: 'critical',
      why: 'Any sign-in as a root user, successful or not, is either an approved break-glass use of the management account or an attack.',
      event: {
        ruleName: rule('root-console-sign-in'),
        pattern: { source: ['aws.signin'], 'detail-type': ['AWS Console Sign In via CloudTrail'], detail: { userIdentity: { type: ['Root'] } } },
        scope: 'forwarded',
        regions: 'global',
      },
      triageEvents: ['ConsoleLogin', 'PasswordRecoveryRequested', 'PasswordRecoveryCompleted'],
      insightsQuery: insights('userIdentity.type = "Root" and eventName like /ConsoleLogin|PasswordRecovery/'),
      contain: [
        'If no approved break-glass ticket exists: treat as compromise. Reset the root password (management account: custody procedure; member account: `IAMDeleteRootUserCredentials` task session).',
        'Check `additionalEventData.MFAUsed` and `responseElements.ConsoleLogin` (Success/Failure) in the event.',
      ],
    },
    {
      id: 'root-usage',
      title: 'Root user activity (CIS 1.7 / CloudWatch.1), excluding AssumeRoot task sessions',
      severity: 'critical',
      why: 'A root user acted directly (not through a service, not through a privileged AssumeRoot task session). Member-account root is denied by SCP, so this is the management account or an exempt OU.',
      metric: metric(
        'root-usage',
        '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" && $.userIdentity.sessionContext.assumedRoot NOT EXISTS }',
      ),
      event: {
        ruleName: rule('root-api-call'),
        pattern: {
          'detail-type': [API_CALL],
          detail: { userIdentity: { type: ['Root'], invokedBy: [{ exists: false }], sessionContext: { assumedRoot: [{ exists: false }] } } },
        },
        scope: 'forwarded',
        regions: 'all',
      },
      triageEvents: [],
      insightsQuery: insights('userIdentity.type = "Root" and ispresent(userIdentity.invokedBy) = 0 and eventType != "AwsServiceEvent" and ispresent(userIdentity.sessionContext.assumedRoot) = 0'),
      contain: [
        'Match the activity to an approved break-glass ticket; if none, treat the root credentials as compromised.',
        'Member account: delete its root credentials with an `IAMDeleteRootUserCredentials` task session (root-only-tasks runbook).',
        'Management account: rotate the root password and check the MFA device with its custodians.',
      ],
    },
    {
      id: 'root-task-session',
      title: 'Privileged root task session (sts:AssumeRoot)',
      severity: 'high',
      why: 'Expected root work is done through sts:AssumeRoot task sessions; each one must match a change ticket. It is alarmed separately from real root use so neither is silenced. The scheduled audit\'s own sessions (the audit job role asking for the read-only IAMAuditRootUserCredentials policy) and the reads of any task session do not page: they change nothing; every other AssumeRoot and every write of a task session does.',
      metric: metric(
        'root-task-session',
        `{ ($.eventSource = "sts.amazonaws.com" && $.eventName = "AssumeRoot" && ($.userIdentity.sessionContext.sessionIssuer.userName NOT EXISTS || $.userIdentity.sessionContext.sessionIssuer.userName != "${AUDIT_ROLE}" || $.requestParameters.taskPolicyArn.arn != "${AUDIT_TASK_POLICY}")) || ($.userIdentity.type = "Root" && $.userIdentity.sessionContext.assumedRoot = "true" && $.readOnly IS FALSE) }`,
      ),
      event: {
        ruleName: rule('root-task-session'),
        pattern: {
          'detail-type': [API_CALL],
          $or: [
            // Any AssumeRoot but the audit role's read-only audit sessions: another caller, or another task policy.
            { source: ['aws.sts'], detail: { eventName: ['AssumeRoot'], userIdentity: { sessionContext: { sessionIssuer: { userName: [{ exists: false }] } } } } },
            { source: ['aws.sts'], detail: { eventName: ['AssumeRoot'], userIdentity: { sessionContext: { sessionIssuer: { userName: [{ 'anything-but': AUDIT_ROLE }] } } } } },
            { source: ['aws.sts'], detail: { eventName: ['AssumeRoot'], requestParameters: { taskPolicyArn: { arn: [{ 'anything-but': AUDIT_TASK_POLICY }] } } } },
            // What a task session changes (its reads change nothing).
            { detail: { userIdentity: { type: ['Root'], sessionContext: { assumedRoot: ['true'] } }, readOnly: [false] } },
          ],
        },
        scope: 'forwarded',
        regions: 'all',
      },
      triageEvents: ['AssumeRoot'],
      insightsQuery: insights('eventName = "AssumeRoot" or userIdentity.sessionContext.assumedRoot = "true"'),
      contain: [
        'Find the AssumeRoot call (who, which account, which `taskPolicyArn`) and its change ticket.',
        'Without a ticket: revoke the caller\'s access in the management account and review what the task session did.',
      ],
    },
    {
      id: 'break-glass-assumed',
      title: `Break-glass role ${bg} assumed`,
      severity: 'critical',
      why: 'The break-glass role gives administrator access; every assumption pages so the responder knows it is watched and an attacker cannot use it quietly.',
      // Success only (errorCode absent): a refused attempt gave nobody anything, and anyone could flood a critical page
      // with refusals; refusals page at low urgency (refused-break-glass).
      metric: metric('break-glass-assumed', `{ $.eventSource = "sts.amazonaws.com" && $.eventName = "AssumeRole" && $.requestParameters.roleArn = "*:role/${bg}" && $.errorCode NOT EXISTS }`),
      event: {
        ruleName: rule('break-glass-assumed'),
        pattern: {
          source: ['aws.sts'],
          'detail-type': [API_CALL],
          detail: { eventName: ['AssumeRole'], errorCode: [{ exists: false }], requestParameters: { roleArn: [{ suffix: `:role/${bg}` }] } },
        },
        scope: 'forwarded',
        // STS records an assumption in the region of the endpoint called: every event region has this rule, and the
        // break-glass trust policy refuses every other region (aws:RequestedRegion, modules/break-glass-role.ts).
        regions: 'all',
      },
      triageEvents: ['AssumeRole'],
      insightsQuery: insights(`eventName = "AssumeRole" and requestParameters.roleArn like /:role\\/${escapeRegex(bg)}$/`),
      contain: [
        'Confirm the `sourceIdentity` and the caller with the approver named in the break-glass ticket.',
        'Unapproved: remove the caller from breakGlass.principals and redeploy; as the deployment role (the monitoring-protection SCP allows only it), revoke active sessions of the role (`aws iam put-role-policy` with an `aws:TokenIssueTime` deny).',
      ],
    },
    {
      id: 'trail-tampering',
      title: 'Organization trail stopped, deleted or changed',
      severity: 'critical',
      why: 'Attackers blind the alarms first: every root alarm depends on this trail.',
      metric: metric(
        'trail-tampering',
        '{ ($.eventSource = "cloudtrail.amazonaws.com") && (($.eventName = "StopLogging") || ($.eventName = "DeleteTrail") || ($.eventName = "UpdateTrail") || ($.eventName = "PutEventSelectors")) }',
      ),
      // Per event too: the alarm pages once per OK->ALARM change, so a benign repeat holding it in ALARM would hide a later real one.
      event: {
        ruleName: rule('trail-tampering'),
        pattern: {
          source: ['aws.cloudtrail'],
          'detail-type': [API_CALL],
          detail: { eventSource: ['cloudtrail.amazonaws.com'], eventName: ['StopLogging', 'DeleteTrail', 'UpdateTrail', 'PutEventSelectors'], errorCode: [{ exists: false }] },
        },
        scope: 'forwarded',
        regions: 'all',
      },
      triageEvents: ['StopLogging', 'DeleteTrail', 'UpdateTrail', 'PutEventSelectors'],
      insightsQuery: insights('eventSource = "cloudtrail.amazonaws.com" and eventName in ["StopLogging", "DeleteTrail", "UpdateTrail", "PutEventSelectors"]'),
      contain: ['Restart logging (`aws cloudtrail start-logging`) and redeploy the security stack.', 'Find who made the call; the monitoring-protection SCP should have denied anyone but the deployment role.'],
    },
    {
      id: 'scp-changed',
      title: 'Service control policy detached, edited or deleted',
      severity: 'critical',
      why: 'Detaching or loosening the root-deny SCP gives member-account root users their power back.',
      metric: metric(
        'scp-changed',
        '{ ($.eventSource = "organizations.amazonaws.com") && (($.eventName = "DetachPolicy") || ($.eventName = "UpdatePolicy") || ($.eventName = "DeletePolicy") || ($.eventName = "DisablePolicyType")) }',
      ),
      event: {
        ruleName: rule('scp-changed'),
        pattern: {
          source: ['aws.organizations'],
          'detail-type': [API_CALL],
          detail: { eventSource: ['organizations.amazonaws.com'], eventName: ['DetachPolicy', 'UpdatePolicy', 'DeletePolicy', 'DisablePolicyType'], errorCode: [{ exists: false }] },
        },
        scope: 'forwarded',
        regions: 'global',
      },
      triageEvents: ['DetachPolicy', 'UpdatePolicy', 'DeletePolicy', 'DisablePolicyType'],
      insightsQuery: insights('eventSource = "organizations.amazonaws.com" and eventName in ["DetachPolicy", "UpdatePolicy", "DeletePolicy", "DisablePolicyType"]'),
      contain: ['Redeploy the management stack: it re-attaches and restores the SCPs.', 'Find who made the change and whether it came from the deploy pipeline.'],
    },
    {
      id: 'root-access-disabled',
      title: 'Centralized root access management disabled',
      severity: 'critical',
      why: 'Disabling RootCredentialsManagement, RootSessions or IAM trusted access lets member accounts recover root passwords again.',
      metric: metric(
        'root-access-disabled',
        '{ (($.eventSource = "iam.amazonaws.com") && (($.eventName = "DisableOrganizationsRootCredentialsManagement") || ($.eventName = "DisableOrganizationsRootSessions"))) || (($.eventSource = "organizations.amazonaws.com") && ($.eventName = "DisableAWSServiceAccess")) }',
      ),
      event: {
        ruleName: rule('root-access-disabled'),
        pattern: {
          'detail-type': [API_CALL],
          detail: {
            eventSource: ['iam.amazonaws.com', 'organizations.amazonaws.com'],
            eventName: ['DisableOrganizationsRootCredentialsManagement', 'DisableOrganizationsRootSessions', 'DisableAWSServiceAccess'],
            errorCode: [{ exists: false }],
          },
        },
        scope: 'forwarded',
        regions: 'global',
      },
      triageEvents: ['DisableOrganizationsRootCredentialsManagement', 'DisableOrganizationsRootSessions', 'DisableAWSServiceAccess'],
      insightsQuery: insights('eventName in ["DisableOrganizationsRootCredentialsManagement", "DisableOrganizationsRootSessions", "DisableAWSServiceAccess"]'),
      contain: ['Redeploy the management stack to re-enable the features.', 'Audit every member account\'s root credentials (`IAMAuditRootUserCredentials`) for a password recovered meanwhile.'],
    },
  ];

  if (model.monitoring.guardDuty) {
    detections.push({
      id: 'guardduty-root-credential-usage',
      title: 'GuardDuty finding: root credential usage',
      severity: 'critical',
      why: 'GuardDuty (delegated admin: the security account) independently reports root credential use in any member account.',
      event: {
        ruleName: rule('guardduty-root-credential-usage'),
        pattern: { source: ['aws.guardduty'], 'detail-type': ['GuardDuty Finding'], detail: { type: ['Policy:IAMUser/RootCredentialUsage'] } },
        scope: 'security-default-bus',
        regions: 'home',
      },
      triageEvents: [],
      insightsQuery: insights('userIdentity.type = "Root"'),
      contain: ['Open the finding in the security account\'s GuardDuty console; follow the root-usage playbook for the account it names.'],
    });
  }
  if (model.monitoring.config) {
    detections.push({
      id: 'config-root-rule-noncompliant',
      title: 'AWS Config root rule NON_COMPLIANT',
      severity: 'high',
      why: `A root user lost MFA, uses a virtual MFA device or has an access key (${ORG_CONFIG_RULES.map((r) => r.identifier).join(', ')}).`,
      event: {
        ruleName: rule('config-root-rule-noncompliant'),
        pattern: {
          source: ['aws.config'],
          'detail-type': ['Config Rules Compliance Change'],
          detail: { configRuleName: ORG_CONFIG_RULES.map((r) => ({ prefix: `OrgConfigRule-${r.name}` })), newEvaluationResult: { complianceType: ['NON_COMPLIANT'] } },
        },
        scope: 'forwarded',
        regions: 'home',
      },
      triageEvents: ['CreateAccessKey', 'DeactivateMFADevice', 'DeleteVirtualMFADevice'],
      insightsQuery: insights('userIdentity.type = "Root" and eventName in ["CreateAccessKey", "DeactivateMFADevice", "DeleteVirtualMFADevice"]'),
      contain: ['Member account: delete the root access key with an `IAMDeleteRootUserCredentials` task session.', 'Management account: fix MFA through the custody procedure.'],
    });
  }
  detections.push(breakGlassRefused(bg));
  detections.push(...pipelineHealthDetections());
  detections.push(...tamperDetections(model));
  return [
    ...detections,
    ...complianceDetections(model),
    ...organizationDetections(model),
    ...drillDetections(model),
    ...deploymentRoleDetections(model),
    ...rootCredentialDetections(model),
  ];
}

/** A refused assumption of the break-glass role: a low-urgency page (anyone can repeat it), never the critical one. */
function breakGlassRefused(bg: string): Detection {
  return {
    id: 'refused-break-glass',
    title: `Break-glass role ${bg}: assumption refused`,
    severity: 'low',
    why: 'Someone tried to assume the break-glass role and was refused (no MFA, not a named principal, wrong region): nothing was granted, but a pattern of refusals is a probe worth seeing.',
    event: {
      ruleName: detectionRuleName('refused-break-glass'),
      pattern: {
        source: ['aws.sts'],
        'detail-type': [API_CALL],
        detail: { eventName: ['AssumeRole'], errorCode: [{ exists: true }], requestParameters: { roleArn: [{ suffix: `:role/${bg}` }] } },
      },
      scope: 'forwarded',
      regions: 'all',
    },
    triageEvents: ['AssumeRole'],
    insightsQuery: `fields @timestamp, recipientAccountId, awsRegion, userIdentity.arn, sourceIPAddress, errorCode, errorMessage | filter eventName = "AssumeRole" and ispresent(errorCode) and requestParameters.roleArn like /:role\\/${escapeRegex(bg)}$/ | sort @timestamp desc | limit 200`,
    contain: ['Nothing was granted. If the caller is not a known responder rehearsing, find who holds its credentials; repeated refusals from one principal are a probe.'],
  };
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
