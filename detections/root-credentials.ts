/**
 * Detections on the ways root is handed back (issue 29): a member account's root email changed from the management
 * account, a break-glass user's own credentials changed, a root password recovered through a task session. Each pages
 * on its own, with its playbook.
 *
 * Where AWS records them (so where the forwarded rules listen):
 * - Account Management (`account.amazonaws.com`) is a global service with one endpoint in us-east-1
 *   (https://docs.aws.amazon.com/general/latest/gr/acct.html): StartPrimaryEmailUpdate / AcceptPrimaryEmailUpdate are
 *   recorded in us-east-1 in the calling account, the management account or Account Management's delegated
 *   administrator (https://docs.aws.amazon.com/accounts/latest/reference/API_StartPrimaryEmailUpdate.html,
 *   https://docs.aws.amazon.com/accounts/latest/reference/monitoring-cloudtrail.html).
 * - IAM is global: its events, a user's access keys, MFA devices and login profile included, are recorded in
 *   us-east-1 in the user's account (https://docs.aws.amazon.com/IAM/latest/UserGuide/cloudtrail-integration.html).
 * - AssumeRoot has only regional endpoints: it is recorded in the region called, in the calling account (management
 *   or IAM's delegated administrator); the task session's own IAM calls in us-east-1 in the member account, with
 *   `userIdentity.sessionContext.assumedRoot` (https://docs.aws.amazon.com/IAM/latest/UserGuide/cloudtrail-track-privileged-tasks.html).
 *   The forwarded rules listen in the home region and us-east-1; the metric filter on the organization trail (every
 *   region) sees AssumeRoot called anywhere else.
 */
import type { Detection, DetectionInputs } from './catalog';
import { detectionMetric, detectionRuleName } from './names';
import { awsManagedPolicyArn } from '../config/arn';
import { breakGlassCredentialFilter, type BreakGlassUsers } from './break-glass-filter';

const API_CALL = 'AWS API Call via CloudTrail';
export const PASSWORD_RECOVERY_TASK_POLICY_ARN = awsManagedPolicyArn('root-task/IAMCreateRootUserPassword');
export const PRIMARY_EMAIL_UPDATE_EVENTS = ['StartPrimaryEmailUpdate', 'AcceptPrimaryEmailUpdate'];

const insights = (filter: string) =>
  `fields @timestamp, recipientAccountId, awsRegion, eventName, userIdentity.arn, requestParameters.accountId, requestParameters.userName, requestParameters.targetPrincipal, errorCode | filter ${filter} | sort @timestamp desc | limit 200`;

/** The break-glass principals that are IAM users (a role has no password, access key or MFA device of its own). */
export function breakGlassUsers(model: Pick<DetectionInputs, 'people'>): BreakGlassUsers {
  return model.people.breakGlassPrincipals.filter((p) => p.kind === 'user').map((p) => ({ name: p.name, accountId: p.accountId, mfaDeviceArn: p.mfaDeviceArn }));
}

export function rootCredentialDetections(model: DetectionInputs): Detection[] {
  const detections: Detection[] = [
    {
      id: 'member-root-email-changed',
      title: 'Member account root email change started or accepted',
      severity: 'critical',
      why: "Whoever controls a member account's root email address can recover its root password: changing it from the management account hands that account's root to a new mailbox.",
      metric: detectionMetric(
        'member-root-email-changed',
        `{ ($.eventSource = "account.amazonaws.com") && (${PRIMARY_EMAIL_UPDATE_EVENTS.map((n) => `($.eventName = "${n}")`).join(' || ')}) }`,
      ),
      event: {
        ruleName: detectionRuleName('member-root-email-changed'),
        // No `source`: matched on CloudTrail's own eventSource, whatever source name EventBridge gives Account Management.
        pattern: { 'detail-type': [API_CALL], detail: { eventSource: ['account.amazonaws.com'], eventName: PRIMARY_EMAIL_UPDATE_EVENTS } },
        scope: 'forwarded',
        regions: 'global',
      },
      triageEvents: PRIMARY_EMAIL_UPDATE_EVENTS,
      insightsQuery: insights(`eventSource = "account.amazonaws.com" and eventName in ["StartPrimaryEmailUpdate", "AcceptPrimaryEmailUpdate"]`),
      contain: [
        'Match `requestParameters.accountId` and the caller (`userIdentity.arn`) with a change ticket; the new address is `requestParameters.primaryEmail`.',
        'Not planned: set the email back (`aws account start-primary-email-update --account-id <id> --primary-email <the old address>`, then accept with the code sent to it), then `npm run root-credentials -- --accounts <id>`: delete any root password recovered meanwhile (`--delete --yes`).',
      ],
    },
    {
      id: 'root-password-recovery-session',
      title: 'Password-recovery task session (sts:AssumeRoot with IAMCreateRootUserPassword)',
      severity: 'critical',
      why: 'IAMCreateRootUserPassword gives a member account a root password again, usable from the sign-in page: it pages on its own, apart from the audit and delete task sessions.',
      metric: detectionMetric(
        'root-password-recovery-session',
        `{ (($.eventSource = "sts.amazonaws.com") && ($.eventName = "AssumeRoot") && ($.requestParameters.taskPolicyArn.arn = "${PASSWORD_RECOVERY_TASK_POLICY_ARN}")) || (($.eventSource = "iam.amazonaws.com") && ($.eventName = "CreateLoginProfile") && ($.userIdentity.type = "Root") && ($.userIdentity.sessionContext.assumedRoot = "true")) }`,
      ),
      event: {
        ruleName: detectionRuleName('root-password-recovery-session'),
        pattern: {
          'detail-type': [API_CALL],
          $or: [
            { source: ['aws.sts'], detail: { eventName: ['AssumeRoot'], requestParameters: { taskPolicyArn: { arn: [PASSWORD_RECOVERY_TASK_POLICY_ARN] } } } },
            { source: ['aws.iam'], detail: { eventName: ['CreateLoginProfile'], userIdentity: { type: ['Root'], sessionContext: { assumedRoot: ['true'] } } } },
          ],
        },
        scope: 'forwarded',
        regions: 'all',
      },
      triageEvents: ['AssumeRoot', 'CreateLoginProfile'],
      insightsQuery: insights(
        `(eventName = "AssumeRoot" and requestParameters.taskPolicyArn.arn = "${PASSWORD_RECOVERY_TASK_POLICY_ARN}") or (eventName = "CreateLoginProfile" and userIdentity.sessionContext.assumedRoot = "true")`,
      ),
      contain: [
        'Find the AssumeRoot call (caller, `requestParameters.targetPrincipal`) and its change ticket: a password recovery is approved case by case.',
        'Without a ticket, or once the approved work is done: `npm run root-credentials -- --accounts <id> --delete --yes` deletes the recovered password (exit 0 when none remains); then revoke the caller\'s access.',
      ],
    },
  ];
  const users = breakGlassUsers(model);
  if (users.length > 0) {
    const names = [...new Set(users.map((u) => u.name))].sort();
    detections.push({
      id: 'break-glass-user-credentials-changed',
      title: 'Break-glass user credentials or permissions changed',
      severity: 'critical',
      why: 'A new access key, password or MFA device on a break-glass user lets whoever made it assume the break-glass role later, unseen until then: any change to these users pages.',
      metric: detectionMetric('break-glass-user-credentials-changed', breakGlassCredentialFilter(users)),
      event: {
        ruleName: detectionRuleName('break-glass-user-credentials-changed'),
        pattern: {
          source: ['aws.iam'],
          'detail-type': [API_CALL],
          detail: {
            eventSource: ['iam.amazonaws.com'],
            readOnly: [false],
            recipientAccountId: [...new Set(users.map((u) => u.accountId))].sort(),
            $or: [
              { requestParameters: { userName: names } },
              { requestParameters: { serialNumber: [...new Set(users.map((u) => u.mfaDeviceArn))].sort() } },
              { userIdentity: { type: ['IAMUser'], userName: names } },
            ],
          },
        },
        scope: 'forwarded',
        regions: 'global',
      },
      triageEvents: ['CreateAccessKey', 'UpdateAccessKey', 'CreateLoginProfile', 'UpdateLoginProfile', 'DeleteLoginProfile', 'ChangePassword', 'EnableMFADevice', 'DeactivateMFADevice', 'DeleteVirtualMFADevice'],
      insightsQuery: insights(
        `eventSource = "iam.amazonaws.com" and readOnly = 0 and (${names.map((n) => `requestParameters.userName = "${n}" or userIdentity.userName = "${n}"`).join(' or ')})`,
      ),
      contain: [
        'Match the change (`eventName`, `requestParameters`) with a custody change ticket: a break-glass user\'s credentials change only at a planned rotation.',
        'Not planned: delete the new access key or login profile, deactivate the unknown MFA device, and have the custodians re-enrol theirs; then review every AssumeRole of the break-glass role since the change (break-glass-assumed playbook).',
      ],
    });
  }
  return detections;
}
