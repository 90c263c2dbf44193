/**
 * Alarm-playbook content that decides severity first and contains without the deploy pipeline: the first triage step
 * per detection, the immediate containment commands, account recovery, the incident timeline and close criteria.
 */
import type { AccountTarget, Model } from '../config/model';
import type { Detection } from '../detections/catalog';
import { GLOBAL_REGION, insightsCommands, NO_PAGER, timeWindow } from './common';
import { recoverKeys, restartTrail } from './common-contain';
import { asManagement, fenceAs } from './common-runs-as';
import { deploymentRoleSubshell } from './common-tasks';
import { aws, bullets, code, fence, heading, raw, sh, steps, table } from '../render/markdown';

/** The first fields to read, per detection: the ones that decide how bad it is. */
const SEVERITY_QUERIES: Record<string, { intro: string; query: string; decide: string[] }> = {
  'root-console-sign-in': {
    intro: 'First decide how bad it is: did the sign-in succeed, and was MFA used? Read these two fields before anything else.',
    query:
      'fields @timestamp, recipientAccountId, sourceIPAddress, responseElements.ConsoleLogin, additionalEventData.MFAUsed, userAgent | filter userIdentity.type = "Root" and eventName = "ConsoleLogin" | sort @timestamp desc | limit 100',
    decide: [
      '`Success` and `MFAUsed` = `No`: someone holds the root password and MFA was bypassed or absent. Worst case: contain now, call an approver now.',
      '`Success` and `MFAUsed` = `Yes`: the root user is signed in with both factors. Incident unless a record approved it.',
      '`Failure`: someone is trying the root password. High: check for `PasswordRecoveryRequested`, then continue.',
    ],
  },
  'root-usage': {
    intro: 'First decide how bad it is: which account, which calls, and did they succeed?',
    query:
      'fields @timestamp, recipientAccountId, eventSource, eventName, errorCode, sourceIPAddress | filter userIdentity.type = "Root" and ispresent(userIdentity.sessionContext.assumedRoot) = 0 | stats count(*) as calls, sum(ispresent(errorCode) = 0) as succeeded by recipientAccountId, eventName | sort succeeded desc',
    decide: ['Any succeeded call with no approved record: incident, contain now.', 'Only failed calls: the root-deny SCP held; find who holds root credentials.'],
  },
  'break-glass-assumed': {
    intro: 'First decide how bad it is: who assumed the role (source identity and caller), in which accounts, and with a record or not?',
    query:
      'fields @timestamp, recipientAccountId, userIdentity.arn, requestParameters.sourceIdentity, requestParameters.roleSessionName, sourceIPAddress, errorCode | filter eventName = "AssumeRole" and requestParameters.roleArn like /:role\\/BREAK_GLASS_ROLE$/ | sort @timestamp desc | limit 200',
    decide: ['No record names this source identity and session: contain now (below), then triage.', 'A record matches: write the page into it and stop.'],
  },
};

export function severityFirst(model: Model, d: Detection): Array<string | string[]> {
  const s = SEVERITY_QUERIES[d.id];
  if (!s) return [];
  const query = s.query.replace('BREAK_GLASS_ROLE', model.breakGlass.roleName);
  return [[s.intro, fence([...timeWindow(24), ...insightsCommands(model, query)]), bullets(s.decide)]];
}

/** The AWSRevokeOlderSessions inline policy the IAM console writes for "Revoke active sessions", with the time now. */
export function revokeSessionsPolicy(): string {
  return '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":["*"],"Resource":["*"],"Condition":{"DateLessThan":{"aws:TokenIssueTime":"\'"$NOW"\'"}}}]}';
}

function revokeIn(model: Model, account: AccountTarget): string[] {
  const put = aws('iam', 'put-role-policy', [
    ['--region', GLOBAL_REGION],
    ['--role-name', model.breakGlass.roleName],
    ['--policy-name', 'AWSRevokeOlderSessions'],
    ['--policy-document', raw(`'${revokeSessionsPolicy()}'`)],
  ]);
  if (!account.deployRoleArn) return [`echo ${sh(`${account.name} (${account.id}): SCPs never apply here, your management credentials do it`)}`, put];
  // The monitoring-protection SCP lets only the deployment role change the break-glass role in a member account.
  return deploymentRoleSubshell(model, account, 'revoke-break-glass', [
    `echo ${sh(`${account.name} (${account.id}) as ${account.deployRoleArn.split('/').pop()}, the only role the monitoring-protection SCP lets change the break-glass role`)}`,
    put,
  ]);
}

/** Immediate containment that works when the deploy pipeline does not: disable the principal, revoke every session. */
function containBreakGlass(model: Model): Array<string | string[]> {
  const users = model.people.breakGlassPrincipals.filter((p) => p.kind === 'user');
  const mgmt = model.management;
  const members = model.allAccounts.filter((a) => !a.isManagement);
  return [
    [
      `Now, without waiting for the deploy pipeline: from the management account ${code(
        mgmt.id,
      )} (your administrator role, or another principal's break-glass shell), disable the misused IAM user's console password and access keys. The ${code(
        'userIdentity.arn',
      )} of the AssumeRole event names it. Run the block of that user:`,
      ...users.flatMap((p) => [
        `${code(p.arn)}:`,
        fenceAs(asManagement(model), [
          NO_PAGER,
          aws('iam', 'delete-login-profile', [
            ['--region', GLOBAL_REGION],
            ['--user-name', p.name],
          ]),
          `for KEY in $(${aws('iam', 'list-access-keys', [
            ['--region', GLOBAL_REGION],
            ['--user-name', p.name],
            ['--query', 'AccessKeyMetadata[].AccessKeyId'],
            ['--output', 'text'],
          ])}); do ${aws('iam', 'update-access-key', [
            ['--region', GLOBAL_REGION],
            ['--user-name', p.name],
            ['--access-key-id', raw('"$KEY"')],
            ['--status', 'Inactive'],
          ])}; done`,
        ]),
      ]),
    ],
    [
      `Revoke every session of ${code(model.breakGlass.roleName)} issued before now, in every account: the inline policy ${code(
        'AWSRevokeOlderSessions',
      )} denies everything to sessions issued before ${code('NOW')}. Member accounts first, the management account last (it ends your own break-glass session there too).`,
      fenceAs(asManagement(model), ['NOW=$(date -u +%Y-%m-%dT%H:%M:%SZ)', NO_PAGER, ...members.flatMap((a) => revokeIn(model, a)), ...revokeIn(model, mgmt)]),
    ],
    'Then fix the configuration: remove the principal from `breakGlass.principals` (or rotate its MFA device and credentials) and deploy every baseline stack once the pipeline works. A redeploy removes the revocation policy only if the role is replaced; leave it until the record closes.',
  ];
}

export function containNow(model: Model, d: Detection): Array<string | string[]> {
  if (d.id === 'break-glass-assumed') return containBreakGlass(model);
  if (d.id === 'trail-tampering') return restartTrail(model);
  if (d.id === 'kms-key-disabled') return recoverKeys(model);
  return [];
}

export const RECOVERY_HEADING = 'The root password or MFA device was already changed';

export function recoverySection(): string[] {
  return [
    heading(2, RECOVERY_HEADING),
    `Someone changed the management account root password, email or MFA device, so the custodians cannot sign in. Do not wait:`,
    steps([
      `Member account: the management account can still act on it. Run an ${code('IAMDeleteRootUserCredentials')} task session for it (root-only tasks runbook) and reset its root email with the Account Management API.`,
      'Management account, password changed but the email is still yours: the custodian of the root email uses "Forgot password" on the root sign-in page; the reset link goes to the root email address. Then the MFA holder signs in with the MFA device as usual.',
      'Management account, MFA device changed or lost: on the root sign-in page choose "Sign in using alternative factors of authentication" (or "Troubleshoot MFA"): AWS verifies the root email address and the account phone number. Keep the phone of the account contact at hand.',
      'Email and phone both changed: contact AWS Support through the "AWS account recovery" form (<https://support.aws.amazon.com/#/contacts/aws-account-support>) from any AWS account or without one; have the account id, billing details and the record ready. Call your AWS account team at the same time.',
      'While recovery runs: break glass into every member account with the other principals, watch the organization trail for calls from the management account root user, and record every step in the timeline.',
    ]),
  ];
}

export function timelineSection(): string[] {
  return [
    heading(2, 'Incident timeline'),
    'Copy this table into the record and fill one row per fact as you learn it. Times in UTC, taken from CloudTrail where possible.',
    table(
      ['Time (UTC)', 'Source (page, CloudTrail event id, call)', 'What happened', 'Who acted', 'Evidence kept in'],
      [
        ['', 'page', 'Alarm received', '', ''],
        ['', '', 'First malicious or unapproved event', '', ''],
        ['', '', 'Contained (user disabled, sessions revoked)', '', ''],
        ['', '', 'Credentials rotated, configuration fixed', '', ''],
        ['', '', 'Closed', '', ''],
      ],
    ),
  ];
}

export function closeCriteriaSection(model: Model): string[] {
  return [
    heading(2, 'Close criteria for a malicious or unapproved use'),
    'The record may close only when a second person has checked each of these:',
    bullets([
      'The first and last event of the attacker are known, and every call in between has been read (the after-use queries, over the whole window).',
      'Every credential the attacker may have held is disabled or rotated: the root password and MFA device, the break-glass users and their access keys, any key or user they created.',
      `The revocation policy is in place on ${code(model.breakGlass.roleName)} in every account, and no session issued before it is still making calls.`,
      'Every change the attacker made is reverted or accepted in writing (policies, users, roles, trails, SCPs).',
      'The trail is logging, every alarm is back to OK, and the alert subscriptions are confirmed.',
      'The configuration is fixed and deployed; the timeline is complete; follow-ups are open for the rest.',
    ]),
  ];
}
