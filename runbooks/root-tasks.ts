/** root-only-tasks.md: how this organization does each task only a root user can do. */
import type { AccountTarget, Model } from '../config/model';
import { PARTITION } from '../config/model';
import {
  sentence,
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
  custodyOf,
  GLOBAL_REGION,
  independentApprovers,
  MANAGEMENT_ROOT_SIGN_IN,
  NO_PAGER,
  stsEndpoint,
} from './common';
import { aws, bullets, code, document, fence, heading, link, raw, sh, slug, steps, table, prose, type Arg } from './markdown';

/** STS limits AssumeRoot task sessions to 900 seconds. */
export const TASK_SESSION_SECONDS = 900;

export interface RootTask {
  /** The AWS-managed task policy, under arn:aws:iam::aws:policy/root-task/. */
  policy: 'IAMAuditRootUserCredentials' | 'IAMCreateRootUserPassword' | 'IAMDeleteRootUserCredentials' | 'S3UnlockBucketPolicy' | 'SQSUnlockQueuePolicy';
  task: string;
  when: string;
  /** What to run inside the task session. */
  commands: string[];
  expect: string;
  management: string;
}

export function taskPolicyArn(policy: RootTask['policy']): string {
  return `arn:${PARTITION}:iam::aws:policy/root-task/${policy}`;
}

const IAM_REGION: [string, string] = ['--region', GLOBAL_REGION];
const audit = ['get-login-profile', 'list-access-keys', 'list-mfa-devices', 'list-signing-certificates'].map((op) => aws('iam', op, [IAM_REGION]));
/** The queue's region, read from its URL (https://sqs.<region>.amazonaws.com/...): the unlock must go there. */
const QUEUE_REGION = `QUEUE_REGION=$(echo ${sh(ph('QUEUE-URL'))} | cut -d. -f2)`;

export function rootTasks(model: Model): RootTask[] {
  const signIn = link('management account root sign-in', `#${slug(MANAGEMENT_ROOT_SIGN_IN)}`);
  const loop = (list: string, query: string, variable: string, del: string) =>
    `for ${variable} in $(${aws('iam', list, [
      IAM_REGION,
      ['--query', query],
      ['--output', 'text'],
    ])}); do ${del.replace('$VAR', `"$${variable}"`)}; done`;
  return [
    {
      policy: 'IAMAuditRootUserCredentials',
      task: 'Audit the root user credentials (password, access keys, MFA, signing certificates)',
      when: 'After any root alarm for a member account, after centralized root access was disabled, and after every break-glass use.',
      commands: audit,
      expect: `${code('get-login-profile')} fails with ${code(
        'NoSuchEntity',
      )} (no password), and every list is empty. Anything else: delete the credentials (${code('IAMDeleteRootUserCredentials')}) and open an incident.`,
      management: `Credential report from the management account: ${link('after-use runbook', model.runbooks.afterUse)}.`,
    },
    {
      policy: 'IAMCreateRootUserPassword',
      task: 'Let the root user recover a password',
      when: 'Only for a task that truly needs the member account root user to sign in, approved in the record. Delete the password again right after.',
      commands: [aws('iam', 'create-login-profile', [IAM_REGION])],
      expect:
        'The owner of the account root email address can now use "Forgot password" on the sign-in page. While the account is in an OU covered by the root-deny SCP, the root user can still do nothing outside task sessions.',
      management: `The password is in custody: ${signIn}.`,
    },
    {
      policy: 'IAMDeleteRootUserCredentials',
      task: 'Delete the root user credentials (password, access keys, signing certificates, MFA)',
      when: 'A member account root user has any credential: after a Config NON_COMPLIANT alarm, an audit finding, or a password recovery that is no longer needed.',
      commands: [
        aws('iam', 'delete-login-profile', [IAM_REGION]),
        loop('list-access-keys', 'AccessKeyMetadata[].AccessKeyId', 'KEY', aws('iam', 'delete-access-key', [IAM_REGION, ['--access-key-id', raw('$VAR')]])),
        loop(
          'list-signing-certificates',
          'Certificates[].CertificateId',
          'CERT',
          aws('iam', 'delete-signing-certificate', [IAM_REGION, ['--certificate-id', raw('$VAR')]]),
        ),
        loop('list-mfa-devices', 'MFADevices[].SerialNumber', 'MFA', aws('iam', 'deactivate-mfa-device', [IAM_REGION, ['--serial-number', raw('$VAR')]])),
        ...audit,
      ],
      expect: `${code('delete-login-profile')} may fail with ${code(
        'NoSuchEntity',
      )} when there was no password: that is fine. The audit at the end must show no credentials.`,
      management: `Never delete them: the management account root user keeps its password and hardware MFA under the two-person rule. Delete a management root access key through the ${signIn}.`,
    },
    {
      policy: 'S3UnlockBucketPolicy',
      task: 'Unlock an S3 bucket whose policy denies everyone',
      when: 'A bucket policy locks out every principal, including administrators.',
      commands: [
        aws('s3api', 'get-bucket-policy', [
          ['--region', model.organization.homeRegion],
          ['--bucket', ph('BUCKET-NAME')],
          ['--query', 'Policy'],
          ['--output', 'text'],
        ]),
        aws('s3api', 'delete-bucket-policy', [
          ['--region', model.organization.homeRegion],
          ['--bucket', ph('BUCKET-NAME')],
        ]),
      ],
      expect: `Paste the old policy into the record before you delete it. Afterwards the bucket has no policy: have the owner apply a corrected one. A bucket in another region than ${code(
        model.organization.homeRegion,
      )} is found by the CLI's redirect handling; if it reports a wrong region, use the bucket's region in ${code('--region')}.`,
      management: `The ${signIn}, then delete the policy in the S3 console.`,
    },
    {
      policy: 'SQSUnlockQueuePolicy',
      task: 'Unlock an SQS queue whose policy denies everyone',
      when: 'A queue policy locks out every principal, including administrators.',
      commands: [
        QUEUE_REGION,
        aws('sqs', 'get-queue-attributes', [
          ['--region', raw('"$QUEUE_REGION"')],
          ['--queue-url', ph('QUEUE-URL')],
          ['--attribute-names', 'Policy'],
        ]),
        aws('sqs', 'set-queue-attributes', [
          ['--region', raw('"$QUEUE_REGION"')],
          ['--queue-url', ph('QUEUE-URL')],
          ['--attributes', '{"Policy":""}'],
        ]),
      ],
      expect: 'Paste the old policy into the record first. The commands run in the region named in the queue URL.',
      management: `The ${signIn}, then delete the policy in the SQS console.`,
    },
  ];
}

/** One task session in a subshell against `target` (an account id, or a shell variable holding one). */
export function taskSessionCommands(model: Model, target: Arg, task: RootTask): string[] {
  return [
    '( # task session: its credentials end at the closing parenthesis',
    NO_PAGER,
    aws(
      'sts',
      'assume-root',
      [
        ['--region', model.organization.homeRegion],
        ['--endpoint-url', stsEndpoint(model.organization.homeRegion)],
        ['--target-principal', target],
        ['--task-policy-arn', `arn=${taskPolicyArn(task.policy)}`],
        ['--duration-seconds', String(TASK_SESSION_SECONDS)],
        ['--query', CREDENTIALS_QUERY],
        ['--output', 'text'],
      ],
      CREDS_VAR,
    ) + ' || exit 1',
    exportCredentials(),
    ...task.commands,
    ')',
  ];
}

export function taskSessionBlock(model: Model, account: AccountTarget, task: RootTask): string {
  return fence(taskSessionCommands(model, account.id, task));
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
    fence(accountManagementCommands()),
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
