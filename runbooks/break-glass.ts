/** break-glass.md: when to break glass, who approves, the two-person rule, and the exact steps per account. */
import type { AccountTarget, Model } from '../config/model';
import {
  accountLabel,
  CREDENTIALS_QUERY,
  CREDS_VAR,
  detection,
  exportCredentials,
  generatedNote,
  people,
  ph,
  placeholderSection,
  playbookLink,
  respondersWith,
  subscriptionsList,
  custodyOf,
} from './common';
import { aws, bullets, code, document, fence, heading, link, slug, steps, table, prose } from './markdown';
import { MANAGEMENT_ROOT_SIGN_IN } from './root-tasks';

/** Role chaining (a role session assuming a role) is capped at one hour by STS whatever the role allows. */
const ROLE_CHAINING_MAX_SECONDS = 3600;

export function assumeBreakGlassCommands(model: Model, account: AccountTarget, durationSeconds = model.breakGlass.sessionDurationSeconds): string[] {
  return [
    aws(
      'sts',
      'assume-role',
      [
        ['--region', model.organization.homeRegion],
        ['--role-arn', account.breakGlassRoleArn],
        ['--role-session-name', `break-glass-${ph('TICKET-ID')}`],
        ['--source-identity', ph('YOUR-USERNAME')],
        ['--serial-number', ph('MFA-DEVICE-ARN')],
        ['--token-code', ph('MFA-CODE')],
        ['--duration-seconds', String(durationSeconds)],
        ['--query', CREDENTIALS_QUERY],
        ['--output', 'text'],
      ],
      CREDS_VAR,
    ),
    exportCredentials(),
    aws('sts', 'get-caller-identity'),
  ];
}

function accountSection(model: Model, account: AccountTarget): string {
  const bg = model.breakGlass;
  const where = account.isManagement
    ? 'The management account: service control policies never apply here, so this role can do anything in the organization. Use it only when the task needs the management account.'
    : `Member account in OU ${code(account.ou ?? '')}.${
        account.isSecurity ? ' This is the security account: it holds the organization trail log group, the alarms and the alert topic.' : ''
      }`;
  const hours = (bg.sessionDurationSeconds / 3600).toFixed(bg.sessionDurationSeconds % 3600 ? 2 : 0);
  return [
    heading(3, accountLabel(account)),
    where,
    `Role: ${code(account.breakGlassRoleArn)}`,
    steps([
      [
        `Assume the role (session of ${bg.sessionDurationSeconds} seconds = ${hours} h), then check who you are. The output must show ${code(
          `assumed-role/${bg.roleName}/`,
        )}.`,
        fence(assumeBreakGlassCommands(model, account)),
      ],
      [
        'Console instead of the CLI, only when your console session already carries a source identity (a federated sign-in that sets one); from an IAM user sign-in the role denies it because the source identity is missing:',
        `<${account.switchRoleUrl}>`,
      ],
    ]),
  ].join('\n\n');
}

export function renderBreakGlass(model: Model): string {
  const bg = model.breakGlass;
  const approvers = respondersWith(model, 'approver');
  const passwordHolders = respondersWith(model, 'root-password');
  const mfaHolders = respondersWith(model, 'mfa-device');
  const custody = custodyOf(model);
  const assumed = detection(model, 'break-glass-assumed');
  const signIn = detection(model, 'root-console-sign-in');
  const rootUsage = detection(model, 'root-usage');
  const roleChainingWarning =
    bg.sessionDurationSeconds > ROLE_CHAINING_MAX_SECONDS && bg.principals.some((p) => p.includes(':role/') || p.includes(':assumed-role/'))
      ? `If your break-glass principal is a role (not an IAM user), STS caps the session at ${ROLE_CHAINING_MAX_SECONDS} seconds: use ${code(
          `--duration-seconds ${ROLE_CHAINING_MAX_SECONDS}`,
        )}.`
      : undefined;

  const body = document([
    heading(2, 'When to break glass'),
    'Break glass only when all of these are true:',
    bullets([
      'Production, security or the organization itself is harmed now, or will be before normal access can be restored.',
      'Your normal access path cannot do it: the identity provider or single sign-on is down, an SCP or permission change locked the administrators out, or the deploy pipeline is broken and the fix cannot wait.',
      'An approver below has said yes, and the approval is written in the record.',
    ]),
    'Do not break glass for:',
    bullets([
      'Convenience, speed, or work that can wait for the normal change process.',
      `Root-only tasks in a member account (root credentials, locked S3 bucket or SQS queue policies): use a task session from ${link(
        'the root-only tasks runbook',
        model.runbooks.rootTasks,
      )} instead.`,
      'Testing. A drill uses a ticket marked as a drill and still pages.',
      'Anything you cannot name the end state of before you start.',
    ]),
    heading(2, 'Who may authorize'),
    'An approver other than the person breaking glass. Call them; a chat message is not enough at 3 a.m.',
    people(approvers, '**No approver is configured.** Nobody may authorize break-glass: add a responder with custody `approver` to the configuration.'),
    heading(2, 'The two-person rule'),
    'The management account root user needs two people: one holds the password, the other holds the MFA device. Neither ever holds both, and neither hands theirs over.',
    table(
      ['What', 'Held by', 'Kept in'],
      [
        ['Root password', passwordHolders.map((r) => prose(r.name)).join(', ') || '**nobody configured**', custody.rootPassword],
        ['Root MFA device', mfaHolders.map((r) => prose(r.name)).join(', ') || '**nobody configured**', custody.mfaDevice],
      ],
    ),
    `The break-glass role below is the first resort. Root sign-in to the management account is the last resort: follow ${link(
      'the management account root sign-in procedure',
      `${model.runbooks.rootTasks}#${slug(MANAGEMENT_ROOT_SIGN_IN)}`,
    )}.`,
    heading(2, 'Before you start'),
    steps([
      `Open a record in ${custody.recordLocation}. Its id is your ${code(ph('TICKET-ID'))}.`,
      'Call an approver and write their name and the time of approval in the record.',
      'Tell the people who receive the alerts that a page is coming and which record it belongs to.',
      [
        `Sign in with your break-glass principal. Only these may assume the role, with an MFA code younger than ${bg.mfaMaxAgeSeconds} seconds and a source identity:`,
        bullets(bg.principals.map((p) => code(p))),
      ],
      [
        'Find the ARN of your MFA device: this is your MFA device ARN.',
        fence([
          aws('iam', 'list-mfa-devices', [
            ['--query', 'MFADevices[].SerialNumber'],
            ['--output', 'text'],
          ]),
        ]),
      ],
    ]),
    heading(2, 'Assume the break-glass role'),
    `Role ${code(bg.roleName)} exists in every account with ${code(
      bg.adminPolicyArn,
    )}. Run the commands of the account you need. The credentials live only in this terminal; ${code('exit')} the terminal when you are done.`,
    roleChainingWarning,
    ...model.allAccounts.map((a) => accountSection(model, a)),
    heading(2, 'What will page, and whom'),
    bullets(
      [
        assumed && `${playbookLink(model, assumed)}: every assumption of the role, in every account.`,
        signIn && `${playbookLink(model, signIn)}: any root console sign-in (management account root sign-in only).`,
        rootUsage && `${playbookLink(model, rootUsage)}: any root API call (management account root sign-in only).`,
      ].filter((x): x is string => Boolean(x)),
    ),
    `Alerts go to the topic ${code(model.pipeline.topicArn)}, which delivers to:`,
    subscriptionsList(model),
    heading(2, 'What to record'),
    `In ${custody.recordLocation}, in the record ${code(ph('TICKET-ID'))}:`,
    bullets([
      'Who approved, and when.',
      'Who held the root password and who held the MFA device, if root was used.',
      'Which accounts, the role session name and your source identity.',
      'Start and end time of each session.',
      'Every change you made, and why.',
    ]),
    `When you are done, follow ${link('the after-use runbook', model.runbooks.afterUse)}.`,
  ]);

  return document([heading(1, 'Break glass'), generatedNote(model), placeholderSection(body), body.trimEnd()]);
}
