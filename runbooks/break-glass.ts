/** break-glass.md: when to break glass, who approves, the two-person rule, a fresh-laptop setup and one block per account. */
import type { AccountTarget, Model } from '../config/model';
import {
  accountLabel,
  custodyOf,
  detection,
  generatedNote,
  GLOBAL_REGION,
  independentApprovers,
  MANAGEMENT_ROOT_SIGN_IN,
  MIN_CLI_VERSION,
  CLI_V1_END_OF_SUPPORT,
  CLI_V1_OPT_OUT,
  people,
  ph,
  placeholderSection,
  playbookLink,
  PREFLIGHT_FILE,
  respondersWith,
  selectPrincipal,
  subscriptionsList,
} from './common';
import { bullets, code, document, fence, heading, link, prose, slug, steps, table } from '../render/markdown';
import { breakGlassSubshell } from './common-tasks';
import { asBreakGlassPrincipal, fenceAs } from './common-runs-as';

/** One account's break-glass session in a subshell (see `breakGlassSubshell`). */
export function assumeBreakGlassCommands(model: Model, account: AccountTarget): string[] {
  return breakGlassSubshell(model, account.breakGlassRoleArn, { prompt: account.name });
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
        `Assume the role (session of ${bg.sessionDurationSeconds} seconds = ${hours} h). The identity printed must show ${code(
          `assumed-role/${bg.roleName}/`,
        )}; then a shell opens with these credentials only; type ${code('exit')} to drop them (they never reach your own shell).`,
        fenceAs(asBreakGlassPrincipal(model), assumeBreakGlassCommands(model, account)),
      ],
      [
        'Console instead of the CLI, only when your console session already carries a source identity (a federated sign-in that sets one); from an IAM user sign-in the role denies it because the source identity is missing:',
        `<${account.switchRoleUrl}>`,
      ],
    ]),
  ].join('\n\n');
}

function whenSection(model: Model): string[] {
  return [
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
  ];
}

function authorizeSection(model: Model): string[] {
  return [
    heading(2, 'Who may authorize'),
    'An approver who is not the person breaking glass and holds neither the root password nor the root MFA device. Call them on the phone; a chat message is not enough at 3 a.m.',
    people(independentApprovers(model), '**No independent approver is configured.** Nobody may authorize break-glass: add a responder with custody `approver` only.'),
  ];
}

function twoPersonSection(model: Model): string[] {
  const custody = custodyOf(model);
  const names = (role: 'root-password' | 'mfa-device' | 'root-mailbox') => respondersWith(model, role).map((r) => prose(r.name)).join(', ') || '**nobody configured**';
  return [
    heading(2, 'The two-person rule'),
    'The management account root user needs two people: one holds the password, the other holds an MFA device. Neither ever holds both, and neither hands theirs over. A third person, the approver, holds neither. Each secret has a deputy (a second holder; for the MFA device, a second device registered on the root user), so one person out of reach never blocks a sign-in: call the next name in the row.',
    table(
      ['What', 'Held by', 'Kept in'],
      [
        ['Root password', names('root-password'), custody.rootPassword],
        ['Root MFA device', names('mfa-device'), custody.mfaDevice],
        ['Root mailbox (password resets, account notices)', names('root-mailbox'), 'the root email address of the management account'],
      ],
    ),
    `The break-glass role below is the first resort. Root sign-in to the management account is the last resort: follow ${link(
      'the management account root sign-in procedure',
      `${model.runbooks.rootTasks}#${slug(MANAGEMENT_ROOT_SIGN_IN)}`,
    )}.`,
  ];
}

function beforeYouStartSection(model: Model): string[] {
  const bg = model.breakGlass;
  const principals = model.people.breakGlassPrincipals;
  const home = model.organization.homeRegion;
  return [
    heading(2, 'Before you start'),
    'This works from a fresh laptop with only the AWS CLI installed; nothing else in your configuration is used.',
    steps([
      `Open a record in ${custodyOf(model).recordLocation}. Its id is your ${code(ph('TICKET-ID'))}.`,
      'Call an approver (above) and write their name and the time of approval in the record.',
      'Tell the people who receive the alerts that a page is coming and which record it belongs to.',
      [
        `Check the AWS CLI: version 2, ${MIN_CLI_VERSION.v2} or later (AWS CLI v1 ${CLI_V1_END_OF_SUPPORT.text}; the preflight refuses it unless ${code(`${CLI_V1_OPT_OUT}=1`)} is set). Older versions do not know ${code(
          'sts assume-root',
        )}.`,
        fence(['aws --version']),
      ],
      [
        `Take your break-glass principal's credentials (an access key of the IAM user) from where they are kept and put them into its named profile. Only these may assume the role, with an MFA code younger than ${bg.mfaMaxAgeSeconds} seconds and a source identity:`,
        table(
          ['Principal', 'CLI profile', 'MFA device ARN', 'Credentials kept in'],
          principals.map((p) => [code(p.arn), code(p.profile), code(p.mfaDeviceArn), prose(p.custody)]),
        ),
        `It asks for the access key id and secret; answer ${code(home)} for the region and ${code('json')} for the output format.`,
        fence(principals.map((p) => `aws configure --profile ${p.profile}`)),
      ],
      [
        `Run the preflight check with your profile: ${code(PREFLIGHT_FILE)} is generated next to these runbooks (and printed at the end of the offline copy). It checks the CLI version, the region, the pager, the STS endpoint setting and who the profile signs in as, before anything else. It prints ${code(
          'PREFLIGHT OK',
        )} or what to fix.`,
        fence(principals.map((p) => `bash ${PREFLIGHT_FILE} ${p.profile}`)),
      ],
      [
        'Select your principal for this terminal: run the two lines of yours. Every account block below reads them.',
        ...principals.flatMap((p) => [`${code(p.name)}:`, fence(selectPrincipal(p))]),
      ],
    ]),
    `Region: every command names ${code(home)} (or ${code(GLOBAL_REGION)} for IAM and Organizations), so no profile or environment setting decides where a call goes.`,
  ];
}

function assumeSection(model: Model): string[] {
  const bg = model.breakGlass;
  return [
    heading(2, 'Assume the break-glass role'),
    `Role ${code(bg.roleName)} exists in every account with ${code(
      bg.adminPolicyArn,
    )}. Run the block of the account you need. Each block is a subshell: the role's credentials exist only in the shell it opens, and ${code(
      'exit',
    )} drops them, so the next account's block starts again from your own principal.`,
    ...model.allAccounts.map((a) => accountSection(model, a)),
  ];
}

function pagesSection(model: Model): string[] {
  const assumed = detection(model, 'break-glass-assumed');
  const signIn = detection(model, 'root-console-sign-in');
  const rootUsage = detection(model, 'root-usage');
  return [
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
  ];
}

function recordSection(model: Model): string[] {
  return [
    heading(2, 'What to record'),
    `In ${custodyOf(model).recordLocation}, in the record ${code(ph('TICKET-ID'))}:`,
    bullets([
      'Who approved, and when.',
      'Who held the root password and who held the MFA device, if root was used.',
      'Which accounts, the role session name and your source identity.',
      'Start and end time of each session.',
      'Every change you made, and why.',
    ]),
    `When you are done, follow ${link('the after-use runbook', model.runbooks.afterUse)}.`,
  ];
}

export function renderBreakGlass(model: Model): string {
  const body = document([
    ...whenSection(model),
    ...authorizeSection(model),
    ...twoPersonSection(model),
    ...beforeYouStartSection(model),
    ...assumeSection(model),
    ...pagesSection(model),
    ...recordSection(model),
  ]);
  return document([heading(1, 'Break glass'), generatedNote(model), placeholderSection(body), body.trimEnd()]);
}
