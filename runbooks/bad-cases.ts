/**
 * bad-cases.md: the procedures for when the normal path is gone. The security account itself compromised, a custodian
 * out of reach, a break-glass MFA device lost, a page about an account the configuration does not declare, the
 * pipeline itself silent; then what every incident needs: AWS Support, evidence kept, persistence hunted. Every block
 * that changes anything states its account and principal (common-runs-as.ts), so the authorization test holds it
 * against rootlock's own SCPs and RCPs.
 */
import type { AccountTarget, Model } from '../config/model';
import { iamRoleArn } from '../config/arn';
import { GLOBAL_REGION, generatedNote, insightsCommands, NO_PAGER, people, ph, placeholderSection, respondersWith, timeWindow } from './common';
import { asManagement, fenceAs } from './common-runs-as';
import { recoverKeys, restartTrail } from './common-contain';
import { deploymentRoleSubshell } from './common-tasks';
import { evidence, persistence, support } from './bad-cases-incident';
import { aws, bullets, code, document, fence, heading, link, raw, sh, slug, steps } from '../render/markdown';

export const BAD_CASE_HEADINGS = {
  securityCompromised: 'The security account is compromised',
  custodianUnreachable: 'A custodian cannot be reached',
  mfaLost: 'A break-glass MFA device is lost',
  undeclaredAccount: 'A page names an account the configuration does not declare',
  pipelineDown: 'Is the pipeline alive? (liveness check)',
  support: 'Engage AWS Support',
  evidence: 'Preserve the evidence',
  persistence: 'Hunt for persistence',
} as const;

/** Name of the quarantine SCP for an account (one per account, so lifting one never lifts another). */
const quarantineName = (accountId: string) => `incident-quarantine-${accountId}`;

/**
 * A service control policy that denies every action in the account to every principal but the ones named. SCPs are
 * checked on every request, so sessions already issued stop working at once, root included in a member account; they
 * never restrict service-linked roles or service principals, so the organization trail keeps delivering
 * (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html).
 */
function quarantine(accountId: string, allowed: string[]): string[] {
  const content = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Sid: 'RootlockQuarantine', Effect: 'Deny', Action: '*', Resource: '*', Condition: { ArnNotLike: { 'aws:PrincipalArn': allowed } } }],
  });
  return [
    NO_PAGER,
    aws(
      'organizations',
      'create-policy',
      [
        ['--region', GLOBAL_REGION],
        ['--type', 'SERVICE_CONTROL_POLICY'],
        ['--name', quarantineName(accountId)],
        ['--description', 'rootlock bad-cases.md: quarantine during an incident'],
        ['--content', content],
        ['--query', 'Policy.PolicySummary.Id'],
        ['--output', 'text'],
      ],
      'POLICY_ID',
    ),
    aws('organizations', 'attach-policy', [
      ['--region', GLOBAL_REGION],
      ['--policy-id', raw('"$POLICY_ID"')],
      ['--target-id', accountId],
    ]),
    `echo "quarantine policy $POLICY_ID attached to" ${sh(accountId)}`,
  ];
}

/** Detach and delete the quarantine SCP of an account, found by its name. */
function liftQuarantine(accountId: string): string[] {
  return [
    NO_PAGER,
    aws(
      'organizations',
      'list-policies',
      [
        ['--region', GLOBAL_REGION],
        ['--filter', 'SERVICE_CONTROL_POLICY'],
        ['--query', `Policies[?Name==\`"${quarantineName(accountId)}"\`].Id`],
        ['--output', 'text'],
      ],
      'POLICY_ID',
    ),
    aws('organizations', 'detach-policy', [
      ['--region', GLOBAL_REGION],
      ['--policy-id', raw('"$POLICY_ID"')],
      ['--target-id', accountId],
    ]),
    aws('organizations', 'delete-policy', [
      ['--region', GLOBAL_REGION],
      ['--policy-id', raw('"$POLICY_ID"')],
    ]),
  ];
}

/** Every change in the organization trail for the window, of one account (or every account). */
function changesIn(model: Model, accountId: string, hours: number): string[] {
  return [
    ...timeWindow(hours),
    ...insightsCommands(
      model,
      `fields @timestamp, awsRegion, eventSource, eventName, userIdentity.arn, errorCode | filter recipientAccountId = "${accountId}" | filter readOnly = 0 | sort @timestamp asc | limit 1000`,
    ),
  ];
}

function securityCompromised(model: Model): Array<string | string[]> {
  const sec = model.security;
  const p = model.pipeline;
  // Roles AWS services assume to deliver (trail to logs, forwarding, Config) are ordinary roles: SCPs apply to them.
  const deliveryRoles = [p.cloudTrailToLogsRoleName, p.forwarderRoleName, p.configRoleName].map((name) => iamRoleArn(sec.id, name));
  const allowed = [sec.deployRoleArn!, sec.breakGlassRoleArn, ...deliveryRoles];
  return [
    `Everything here runs from the management account ${code(model.management.id)}: service control policies never apply there, and the organization trail belongs to it, so an intruder in the security account ${code(sec.id)} cannot stop these steps.`,
    [
      `Quarantine the security account now: a service control policy that denies everything there to everyone but its deployment role, its break-glass role and the roles AWS services assume to deliver into the pipeline (${deliveryRoles.map(code).join(', ')}: SCPs restrict those too, only service-linked roles are exempt). Every session already issued stops at its next call; the trail, the alarms and the pages keep flowing.`,
      fenceAs(asManagement(model), quarantine(sec.id, allowed)),
    ],
    ...restartTrail(model),
    [
      `Read every change made in the security account in the last 72 hours, as its deployment role (the quarantine lets it through). Look for changes to the trail, its bucket, the log group, the alert topic and its subscriptions, the keys, the rules and the alarms, and for new users, keys and roles (${link(
        BAD_CASE_HEADINGS.persistence,
        `#${slug(BAD_CASE_HEADINGS.persistence)}`,
      )}).`,
      fenceAs(asManagement(model), deploymentRoleSubshell(model, sec, `bad-case-${ph('TICKET-ID')}`, changesIn(model, sec.id, 72))),
    ],
    ...recoverKeys(model),
    `Run the ${link('liveness check', `#${slug(BAD_CASE_HEADINGS.pipelineDown)}`)} and ${link(BAD_CASE_HEADINGS.support, `#${slug(BAD_CASE_HEADINGS.support)}`)}. Then redeploy the security stack from a clean checkout (${code('npm run deploy')} with the deployment role): it restores every resource rootlock owns there.`,
    [
      'When the incident is closed and the account is clean, lift the quarantine:',
      fenceAs(asManagement(model), liftQuarantine(sec.id)),
    ],
  ];
}

function custodianUnreachable(model: Model): Array<string | string[]> {
  return [
    'Call the holders in the order listed. Give each 15 minutes to answer, then call the next. The approver writes into the record who stood in for whom, and why.',
    ['Root password (each has their own copy):', people(respondersWith(model, 'root-password'), '**Nobody holds the root password in the configuration.**')],
    [
      'Root MFA device (each holds their own device, registered on the management account root user; at sign-in AWS accepts any registered device):',
      people(respondersWith(model, 'mfa-device'), '**Nobody holds a root MFA device in the configuration.**'),
    ],
    ['Root mailbox (password resets and AWS notices arrive there):', people(respondersWith(model, 'root-mailbox'), '**Nobody owns the root mailbox in the configuration.**')],
    `Nobody with the password answers: the root mailbox owner and an MFA holder reset the password together ("Forgot password?" on the root sign-in page; the link goes to the root mailbox). Nobody with a device answers: an MFA holder is replaced only by AWS's identity verification for a lost root MFA device (email to the root mailbox and a call to the account's phone number: ${link('AWS: lost or broken MFA device', 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_lost-or-broken.html')}); if the member account is what you need, use a root-only task session instead (${link(
      'root-only tasks',
      model.runbooks.rootTasks,
    )}), which needs no root secret.`,
    [
      `After the sign-in, from the management account: the root user still has MFA and no access keys (${code('AccountMFAEnabled')} 1, ${code('AccountAccessKeysPresent')} 0).`,
      fence([aws('iam', 'get-account-summary', [['--region', GLOBAL_REGION], ['--query', 'SummaryMap.[AccountMFAEnabled,AccountAccessKeysPresent]'], ['--output', 'text']])]),
    ],
  ];
}

/** Where a principal lives: the management account, the security account or a member. */
function accountOf(model: Model, id: string): AccountTarget | undefined {
  return [model.management, model.security, ...model.members].find((a) => a.id === id);
}

function mfaLost(model: Model): Array<string | string[]> {
  const users = model.people.breakGlassPrincipals.filter((p) => p.kind === 'user');
  const others = (name: string) => model.people.breakGlassPrincipals.filter((p) => p.name !== name).map((p) => code(p.arn));
  const items: Array<string | string[]> = [
    'Until the device is replaced, its principal cannot break glass: MFA-protected calls accept only a code from the registered device. Another break-glass principal breaks glass meanwhile.',
  ];
  for (const p of users) {
    const target = accountOf(model, p.accountId);
    const resource = p.mfaDeviceArn.split(':').slice(5).join(':').replace(/^mfa\//, '');
    const name = resource.slice(resource.lastIndexOf('/') + 1);
    const path = resource.includes('/') ? `/${resource.slice(0, resource.lastIndexOf('/'))}/` : '/';
    const commands = [
      aws('iam', 'deactivate-mfa-device', [['--region', GLOBAL_REGION], ['--user-name', p.name], ['--serial-number', p.mfaDeviceArn]]),
      aws('iam', 'delete-virtual-mfa-device', [['--region', GLOBAL_REGION], ['--serial-number', p.mfaDeviceArn]]),
      aws('iam', 'create-virtual-mfa-device', [
        ['--region', GLOBAL_REGION],
        ['--virtual-mfa-device-name', name],
        ['--path', path],
        ['--outfile', `${name}-qr.png`],
        ['--bootstrap-method', 'QRCodePNG'],
        ['--query', 'VirtualMFADevice.SerialNumber'],
        ['--output', 'text'],
      ]),
      `echo "${p.name}: scan ${name}-qr.png with the new device now"`,
    ];
    const enable = [
      aws('iam', 'enable-mfa-device', [
        ['--region', GLOBAL_REGION],
        ['--user-name', p.name],
        ['--serial-number', p.mfaDeviceArn],
        ['--authentication-code1', ph('MFA-CODE')],
        ['--authentication-code2', ph('NEXT-MFA-CODE')],
      ]),
      `rm -f ${name}-qr.png`,
    ];
    const wrap = (lines: string[]) =>
      target && target.deployRoleArn
        ? fenceAs(asManagement(model), deploymentRoleSubshell(model, target, `bad-case-${ph('TICKET-ID')}`, lines))
        : fenceAs(asManagement(model), [NO_PAGER, ...lines]);
    items.push([
      `${code(p.arn)} lost ${code(p.mfaDeviceArn)}. Not the holder: an administrator of account ${code(p.accountId)} (${
        target?.deployRoleArn ? 'from the management account, as its deployment role' : 'the management account'
      }), with the holder beside them and another break-glass holder (${others(p.name).join(', ') || 'none configured'}) as witness, deactivates and deletes the device and creates its replacement under the same name, so the ARN in the configuration and in the break-glass trust stays right:`,
      wrap([NO_PAGER, ...commands]),
      'The holder scans the QR code, then the administrator enables the device with two consecutive codes and deletes the QR code:',
      wrap([NO_PAGER, ...enable]),
      `Then the holder runs ${code('preflight.sh')}: it checks the device is the configured one.`,
    ]);
  }
  if (users.length === 0) items.push('Every break-glass principal is a role: its MFA is on the user who assumes it; replace that device in its own account.');
  return items;
}

function undeclaredAccount(model: Model): Array<string | string[]> {
  const acct = ph('ACCOUNT-ID');
  const home = model.organization.homeRegion;
  return [
    [
      'In the management account: who is it, where does it sit, which SCPs reach it? An error AccountNotFoundException means it is not a member of the organization.',
      fence([
        NO_PAGER,
        aws('organizations', 'describe-account', [['--region', GLOBAL_REGION], ['--account-id', acct], ['--query', 'Account.[Id,Name,Email,Status,JoinedMethod,JoinedTimestamp]'], ['--output', 'text']]),
        aws('organizations', 'list-parents', [['--region', GLOBAL_REGION], ['--child-id', acct], ['--query', 'Parents[].[Id,Type]'], ['--output', 'text']]),
        aws('organizations', 'list-policies-for-target', [['--region', GLOBAL_REGION], ['--target-id', acct], ['--filter', 'SERVICE_CONTROL_POLICY'], ['--query', 'Policies[].Name'], ['--output', 'text']]),
      ]),
    ],
    [
      `A member the configuration does not know (created or invited outside rootlock): treat the page as real. Quarantine it until its owner is known (nobody but ${code(
        'OrganizationAccountAccessRole',
      )}, the role the organization creates in it, can act there), read what was done in it, then add it to the configuration and deploy, or remove it from the organization.`,
      fenceAs(asManagement(model), quarantine(acct, [`arn:aws:iam::${acct}:role/OrganizationAccountAccessRole`])),
      fence(changesIn(model, acct, 72)),
    ],
    [
      `Not a member: the page reached the central bus from outside the organization. Read the bus policy in the security account ${code(model.security.id)}; only the organization may put events on it.`,
      fence([NO_PAGER, aws('events', 'describe-event-bus', [['--region', home], ['--name', model.pipeline.busName], ['--query', 'Policy'], ['--output', 'text']])]),
    ],
    ['Lift the quarantine when the account is declared or gone:', fenceAs(asManagement(model), liftQuarantine(acct))],
  ];
}

function pipelineDown(model: Model): Array<string | string[]> {
  const home = model.organization.homeRegion;
  const p = model.pipeline;
  const alarms = [
    ...model.detections.map((d) => d.metric?.alarmName).filter((n): n is string => Boolean(n)),
    model.delivery.watch.trailDelivery.alarmName,
    ...model.delivery.deadLetterQueues.filter((q) => q.region === home && q.accountName === model.security.name).map((q) => q.alarmName),
  ];
  const rules = model.delivery.centralRules;
  const onBus = (bus: string | undefined) => rules.filter((r) => r.eventBusName === bus).map((r) => r.ruleName);
  const ruleLoop = (bus: string | undefined) =>
    `for RULE in ${onBus(bus).join(' ')}; do ${aws(
      'events',
      'describe-rule',
      [
        ['--region', home],
        ['--name', raw('"$RULE"')],
        ...(bus ? ([['--event-bus-name', bus]] as Array<[string, string]>) : []),
        ['--query', 'State'],
        ['--output', 'text'],
      ],
      'STATE',
    )}; echo "$RULE $STATE"; done`;
  const buses = [...new Set(rules.map((r) => r.eventBusName))];
  return [
    [
      `Trail, in the management account ${code(model.management.id)}: logging, the last delivery to S3 and to the log group, and any delivery error. ${code('True')}, two recent times and two ${code('None')}: alive.`,
      fence([
        NO_PAGER,
        aws('cloudtrail', 'get-trail-status', [
          ['--region', home],
          ['--name', p.trailArn],
          ['--query', '[IsLogging,LatestDeliveryTime,LatestCloudWatchLogsDeliveryTime,LatestDeliveryError,LatestCloudWatchLogsDeliveryError]'],
          ['--output', 'text'],
        ]),
      ]),
    ],
    [
      `In the security account ${code(model.security.id)} (read access is enough): every central rule ${code('ENABLED')}, every subscription confirmed (a ${code('PendingConfirmation')} subscription pages nobody), every alarm with its state and its actions enabled (${code('True')}).`,
      fence([
        NO_PAGER,
        ...buses.map(ruleLoop),
        aws('sns', 'list-subscriptions-by-topic', [['--region', home], ['--topic-arn', p.topicArn], ['--query', 'Subscriptions[].[Protocol,Endpoint,SubscriptionArn]'], ['--output', 'text']]),
        aws('cloudwatch', 'describe-alarms', [['--region', home], ['--alarm-names', alarms], ['--query', 'MetricAlarms[].[AlarmName,StateValue,ActionsEnabled]'], ['--output', 'text']]),
      ]),
    ],
    `Anything else than alive: the trail stopped (restart it: ${link('the security account is compromised', `#${slug(BAD_CASE_HEADINGS.securityCompromised)}`)} has the block), a rule disabled or an alarm without actions (redeploy the security stack), a subscription pending (confirm it from the pager). Then prove the whole path with ${code('npm run drill')}.`,
  ];
}

export function renderBadCases(model: Model): string {
  const h = BAD_CASE_HEADINGS;
  const body = document([
    `When the normal path is gone. Open a record first (${code(ph('TICKET-ID'))}); every block says who runs it. Commands need AWS CLI v2 and run as pasted in bash or zsh.`,
    bullets(Object.values(h).map((t) => link(t, `#${slug(t)}`))),
    ...(
      [
        [h.securityCompromised, securityCompromised],
        [h.custodianUnreachable, custodianUnreachable],
        [h.mfaLost, mfaLost],
        [h.undeclaredAccount, undeclaredAccount],
        [h.pipelineDown, pipelineDown],
        [h.support, support],
        [h.evidence, evidence],
        [h.persistence, persistence],
      ] as const
    ).flatMap(([title, procedure]) => [heading(2, title), steps(procedure(model))]),
  ]);
  return document([heading(1, 'Bad cases'), generatedNote(model), placeholderSection(body), body.trimEnd()]);
}
