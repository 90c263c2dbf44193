/** root-only-tasks.md: how this organization does each task only a root user can do. */
import type { AccountTarget, Model } from '../config/model';
import { SCP_NAMES } from '../config/contract';
import {
  sentence,
  accountLabel,
  detection,
  generatedNote,
  people,
  ph,
  placeholderSection,
  playbookLink,
  respondersWith,
  custodyOf,
  GLOBAL_REGION,
  independentApprovers,
  MANAGEMENT_ROOT_SIGN_IN,
  stsEndpoint,
} from './common';
import { asManagement, fenceAs } from './common-runs-as';
import { aws, bullets, code, document, heading, link, slug, steps, table, prose, } from '../render/markdown';

import { rootTasks, taskSessionCommands, type RootTask } from './common-tasks';
import { taskPolicyArn, TASK_SESSION_SECONDS } from '../config/root-tasks';

export function taskSessionBlock(model: Model, account: AccountTarget, task: RootTask): string {
  return fenceAs(asManagement(model), taskSessionCommands(model, account.id, task));
}

function ouNote(model: Model, account: AccountTarget): string {
  const ou = model.ous.find((o) => o.name === account.ou);
  if (!ou) return '';
  return ou.rootDenyExemptReason
    ? ` OU ${code(ou.path)} is exempt from ${code(model.scps.rootDeny.name)}: ${sentence(prose(ou.rootDenyExemptReason ?? ''))}`
    : ` OU ${code(ou.path)}, covered by ${code(model.scps.rootDeny.name)}.`;
}

/** Account name and root email of any account, from the management account, with the Account Management API. */
function accountManagementCommands(): string[] {
  const account: [string, string] = ['--account-id', ph('ACCOUNT-ID')];
  const region: [string, string] = ['--region', GLOBAL_REGION];
  return [
    aws('account', 'put-account-name', [region, account, ['--account-name', ph('NEW-ACCOUNT-NAME')]]),
    aws('account', 'start-primary-email-update', [region, account, ['--primary-email', ph('NEW-ROOT-EMAIL')]]),
    aws('account', 'accept-primary-email-update', [region, account, ['--primary-email', ph('NEW-ROOT-EMAIL')], ['--otp', ph('EMAIL-OTP')]]),
  ];
}

function overviewSection(model: Model, tasks: RootTask[]): string[] {
  const exempt = model.ous.filter((o) => o.rootDenyExemptReason);
  const signIn = link('management account root sign-in', `#${slug(MANAGEMENT_ROOT_SIGN_IN)}`);
  return [
    heading(2, 'How this organization does root-only tasks'),
    `Member account root users have no credentials and ${code(model.scps.rootDeny.name)} denies them everything outside a privileged ${code(
      'sts:AssumeRoot',
    )} task session. A task session lasts at most ${TASK_SESSION_SECONDS} seconds and may do only what its AWS-managed task policy allows. The management account is never covered by SCPs: its root user is used only under the two-person rule.`,
    `${code(SCP_NAMES.rootCoverage)}, attached at the organization root, denies the same to the root user of every member account wherever it sits (at the root after \`CreateAccount\`, in an OU made by hand), and \`organizations:LeaveOrganization\` to everyone; it exempts only the accounts declared in an exempt OU, by account id.`,
    exempt.length
      ? `Exempt from ${code(model.scps.rootDeny.name)}: ${exempt.map((o) => `${code(o.path)}: ${sentence(prose(o.rootDenyExemptReason ?? ''))}`).join(' ')}`
      : `No OU is exempt from ${code(model.scps.rootDeny.name)}.`,
    table(
      ['Task', 'Member account', 'Management account'],
      [
        ...tasks.map((t) => [t.task, `${link(`${code(t.policy)} task session`, `#${slug(t.task)}`)}`, t.management]),
        [
          'Change the account name or the root email address',
          `No root needed: ${link('the Account Management API', `#${slug(ACCOUNT_SETTINGS)}`)} from the management account.`,
          `The same API with the management account's own id, or the ${signIn}.`,
        ],
        [
          'Change the root password or the support plan; restore IAM access when every administrator is locked out',
          `Recover a password first (${code('IAMCreateRootUserPassword')}), and only in an exempt OU. To close a member account, run ${code(
            'aws organizations close-account',
          )} from the management account.`,
          `The ${signIn}.`,
        ],
      ],
    ),
  ];
}

function startSection(model: Model): string[] {
  const taskSession = detection(model, 'root-task-session');
  return [
    heading(2, 'Start a task session'),
    steps([
      `Open a record in ${custodyOf(model).recordLocation}. Name the account, the task and why.`,
      `Get credentials in the management account ${code(model.management.id)} that may call ${code('sts:AssumeRoot')}: the break-glass shell of the management account (${link(
        'break-glass runbook',
        model.runbooks.breakGlass,
      )}) or your own administrator role.`,
      `Find the task below, then the account, and run its block in that shell. Each block is one task session in a subshell: when it ends, you have your management credentials back. ${code(
        'assume-root',
      )} goes to the regional STS endpoint ${code(stsEndpoint(model.organization.homeRegion))}: the global endpoint rejects it.`,
      taskSession
        ? `Expect the ${playbookLink(model, taskSession, 'root task session alarm')} to page. Reply to it with the record id.`
        : 'Write the session into the record.',
    ]),
  ];
}

function taskSections(model: Model, tasks: RootTask[]): string[] {
  return tasks.flatMap((t) => [
    heading(2, t.task),
    `Task policy ${code(taskPolicyArn(t.policy))}.`,
    `When: ${t.when}`,
    `Expect: ${t.expect}`,
    ...model.members.flatMap((a) => [
      heading(3, `${t.policy} in ${accountLabel(a)}`),
      `${a.isSecurity ? 'Security account.' : ''}${ouNote(model, a)}`.trim(),
      taskSessionBlock(model, a, t),
    ]),
  ]);
}

const ACCOUNT_SETTINGS = 'Account name and root email address';

function accountSettingsSection(model: Model): string[] {
  return [
    heading(2, ACCOUNT_SETTINGS),
    `From the management account ${code(model.management.id)} (its break-glass shell or your administrator role), with trusted access for ${code(
      'account.amazonaws.com',
    )} enabled in Organizations. The new email address receives a one-time code that confirms the change. No root sign-in is needed, also for a member account whose root user has no password.`,
    fenceAs(asManagement(model), accountManagementCommands()),
    `Not for the management account ${code(
      model.management.id,
    )} itself: the Account Management API cannot change the management account's own root email address (it answers ${code(
      'AccessDeniedException',
    )}). Its root user signs in under the two-person rule (below) and changes it on the console's Account page; the new address confirms with a code. Tell the owner of the root mailbox first: the old address receives the notice.`,
  ];
}

function managementSignInSection(model: Model): string[] {
  const custody = custodyOf(model);
  const signIn = detection(model, 'root-console-sign-in');
  const rootUsage = detection(model, 'root-usage');
  return [
    heading(2, MANAGEMENT_ROOT_SIGN_IN),
    `Only for what the management account root user alone can do. SCPs never apply to the management account ${code(
      model.management.id,
    )}, so nothing but these people and this procedure stands between the root user and the organization.`,
    steps([
      [
        'An approver who holds neither the password nor the MFA device approves, by phone, and writes it in the record:',
        people(independentApprovers(model), '**No independent approver is configured.** Stop: nobody may approve this.'),
      ],
      [
        'Call the password holder; they take the password from its place:',
        people(respondersWith(model, 'root-password'), '**Nobody holds the root password in the configuration.** Stop and escalate.'),
        `Kept in: ${custody.rootPassword}`,
      ],
      [
        'Call the MFA holder; they take the MFA device from its place:',
        people(respondersWith(model, 'mfa-device'), '**Nobody holds the root MFA device in the configuration.** Stop and escalate.'),
        `Kept in: ${custody.mfaDevice}`,
      ],
      'A FIDO security key works only when it is plugged into the computer that signs in and touched there: it cannot be pressed over a video call. With a security key both holders meet in person at one computer; the password holder types the password, the MFA holder plugs in and touches the key. With an authenticator app or hardware code device, a video call works: the MFA holder reads the current code aloud. Neither hands theirs to the other.',
      `Sign in at <https://signin.aws.amazon.com/console> as "Root user" with the management account root email address (stored with the password).`,
      [
        'These will page; reply to the page with the record id:',
        bullets([signIn && playbookLink(model, signIn), rootUsage && playbookLink(model, rootUsage)].filter((x): x is string => Boolean(x))),
      ],
      'Do only the approved task. Write each action into the record as you do it. Sign out.',
      `Follow ${link('the after-use runbook', model.runbooks.afterUse)}: the password is rotated and both items go back before the record closes.`,
    ]),
  ];
}

export function renderRootTasks(model: Model): string {
  const tasks = rootTasks(model);
  const body = document([
    ...overviewSection(model, tasks),
    ...startSection(model),
    ...taskSections(model, tasks),
    ...accountSettingsSection(model),
    ...managementSignInSection(model),
  ]);
  return document([heading(1, 'Root-only tasks'), generatedNote(model), placeholderSection(body), body.trimEnd()]);
}
