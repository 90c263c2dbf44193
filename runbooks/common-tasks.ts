/** The root-only tasks as data and the task-session block: shared by root-only-tasks.md and the quick cards. */
import type { AccountTarget, Model } from '../config/model';
import { TASK_SESSION_SECONDS, taskPolicyArn, type RootTaskPolicy } from '../config/root-tasks';
import {
  CREDENTIALS_QUERY,
  CREDS_VAR,
  exportCredentials,
  MFA_VAR,
  PROFILE_VAR,
  ph,
  GLOBAL_REGION,
  MANAGEMENT_ROOT_SIGN_IN,
  NO_PAGER,
  stsEndpoint,
} from './common';
import { aws, code, link, raw, sh, slug, type Arg } from '../render/markdown';

export interface RootTask {
  /** The AWS-managed task policy, under arn:aws:iam::aws:policy/root-task/. */
  policy: RootTaskPolicy;
  task: string;
  when: string;
  /** What to run inside the task session. */
  commands: string[];
  expect: string;
  management: string;
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
    '(',
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

/**
 * One break-glass session in a subshell: the responder's own principal (profile and MFA device set in "Before you
 * start") assumes the role; the credentials live only in the shell started at the end, and `exit` drops them, so
 * nothing leaks into the next account's block. Shared by break-glass.md (one block per account) and the quick cards
 * (one block for the account id the responder picks).
 */
export function breakGlassSubshell(model: Model, roleArn: Arg, scope: { prompt: string }): string[] {
  const home = model.organization.homeRegion;
  return [
    '(',
    aws(
      'sts',
      'assume-role',
      [
        ['--profile', raw(`"$${PROFILE_VAR}"`)],
        ['--region', home],
        ['--role-arn', roleArn],
        ['--role-session-name', `break-glass-${ph('TICKET-ID')}`],
        ['--source-identity', ph('YOUR-USERNAME')],
        ['--serial-number', raw(`"$${MFA_VAR}"`)],
        ['--token-code', ph('MFA-CODE')],
        ['--duration-seconds', String(model.breakGlass.sessionDurationSeconds)],
        ['--query', CREDENTIALS_QUERY],
        ['--output', 'text'],
      ],
      CREDS_VAR,
    ) + ' || exit 1',
    exportCredentials(),
    aws('sts', 'get-caller-identity', [['--region', home]]),
    `PS1="break-glass ${scope.prompt} \\$ " "\${SHELL:-bash}"`,
    ')',
  ];
}

/**
 * Commands run as an account's deployment role, from the management account, in a subshell: the monitoring-protection
 * SCP lets only that role change the pipeline (keys, queues, the break-glass role) in a member account. Its credentials
 * end at the closing parenthesis.
 */
export function deploymentRoleSubshell(model: Model, account: AccountTarget, sessionName: string, commands: string[], opts: { sourceIdentity?: string } = {}): string[] {
  if (!account.deployRoleArn) return commands;
  return [
    '(',
    NO_PAGER,
    aws(
      'sts',
      'assume-role',
      [
        ['--region', model.organization.homeRegion],
        ['--role-arn', account.deployRoleArn],
        ['--role-session-name', sessionName],
        ...(opts.sourceIdentity ? [['--source-identity', opts.sourceIdentity] as [string, string]] : []),
        ['--query', CREDENTIALS_QUERY],
        ['--output', 'text'],
      ],
      CREDS_VAR,
    ) + ' || exit 1',
    exportCredentials(),
    ...commands,
    ')',
  ];
}
