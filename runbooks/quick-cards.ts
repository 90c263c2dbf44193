/**
 * One-page quick cards, one per role (responder, approver, custodian): phones, account ids, MFA devices, the region,
 * the first three commands and the decision tree. A responder with only the card and a laptop can break glass.
 */
import type { Model } from '../config/model';
import {
  contactOf,
  credentialReportCommands,
  custodyOf,
  generatedNote,
  independentApprovers,
  insightsCommands,
  ph,
  placeholderSection,
  PREFLIGHT_FILE,
  respondersWith,
  selectPrincipal,
  timeWindow,
  type Responder,
} from './common';
import { asBreakGlassPrincipal, asManagement, fenceAs } from './common-runs-as';
import { breakGlassSubshell, rootTasks, taskSessionCommands } from './common-tasks';
import { bullets, code, document, fence, heading, link, prose, raw, steps, table } from '../render/markdown';

export const QUICK_CARD_ROLES = ['responder', 'approver', 'custodian'] as const;
export type QuickCardRole = (typeof QUICK_CARD_ROLES)[number];

function phones(list: Responder[]): string {
  return table(
    ['Who', 'Role', 'Phone and email'],
    list.map((r) => [prose(r.name), prose(r.role), contactOf(r)]),
  );
}

function accountsTable(model: Model): string {
  return table(
    ['Account', 'Id', 'Break-glass role'],
    model.allAccounts.map((a) => [`${a.name}${a.isSecurity ? ' (security)' : ''}`, code(a.id), code(a.breakGlassRoleArn)]),
  );
}

function decisionTree(model: Model): string[] {
  const f = model.runbooks;
  return [
    heading(2, 'Decision tree'),
    bullets([
      `The page or event says ${code('rootlock.drill')} or the record is marked drill: a drill. Follow the playbook as written and mark every step "drill".`,
      `A root sign-in, root API call, GuardDuty root finding or Config root rule: real root use. ${link('Alarm playbooks', f.alarms)}, call an approver now.`,
      `A root task session (${code('AssumeRoot')}): a task session. Match it to a record; no record: ${link('Alarm playbooks', f.alarms)}.`,
      `The break-glass role was assumed: break glass. Match it to a record; no record: contain (disable the user, revoke the sessions) from ${link(
        'Alarm playbooks',
        f.alarms,
      )}.`,
      `You need access yourself: ${link('Break glass', f.breakGlass)} (administrator) or ${link('Root-only tasks', f.rootTasks)} (root credentials, locked bucket or queue).`,
    ]),
  ];
}

/** The generic break-glass block of the card: one account per run, selected by its id from the table. */
export function cardBreakGlassBlock(model: Model): string[] {
  return [
    `ACCOUNT_ID=${`'${ph('ACCOUNT-ID')}'`}`,
    ...breakGlassSubshell(model, raw(`"${model.breakGlass.roleArnPattern.replace('*', '${ACCOUNT_ID}')}"`), { prompt: '$ACCOUNT_ID' }),
  ];
}

function responderCard(model: Model): string[] {
  const principals = model.people.breakGlassPrincipals;
  return [
    heading(2, 'Call first'),
    phones(independentApprovers(model)),
    heading(2, 'Where'),
    `Region ${code(model.organization.homeRegion)}. Management account ${code(model.management.id)}, security account ${code(model.security.id)}.`,
    accountsTable(model),
    heading(2, 'Your break-glass principal'),
    table(
      ['Profile', 'MFA device ARN', 'Credentials kept in'],
      principals.map((p) => [code(p.profile), code(p.mfaDeviceArn), prose(p.custody)]),
    ),
    heading(2, 'First three commands'),
    steps([
      [`Check the laptop (${code(PREFLIGHT_FILE)} is next to the runbooks and in the offline copy); it must print ${code('PREFLIGHT OK')}:`, fence(principals.map((p) => `bash ${PREFLIGHT_FILE} ${p.profile}`))],
      ['Select your principal (the lines of yours):', ...principals.map((p) => fence(selectPrincipal(p)))],
      [
        'Break glass into one account: put its id from the table in the first line. Run the block again for the next account; each run is its own subshell.',
        fenceAs(asBreakGlassPrincipal(model), cardBreakGlassBlock(model)),
      ],
    ]),
    heading(2, 'Root-only task in a member account'),
    `From the break-glass shell of the management account ${code(model.management.id)}: set the member account id, then run the block of the task. Details: ${link(
      'Root-only tasks',
      model.runbooks.rootTasks,
    )}; afterwards ${link('After use', model.runbooks.afterUse)}.`,
    ...rootTasks(model).flatMap((t) => [heading(3, t.task), fenceAs(asManagement(model), [`ACCOUNT_ID=${`'${ph('ACCOUNT-ID')}'`}`, ...taskSessionCommands(model, raw('"$ACCOUNT_ID"'), t)])]),
    ...decisionTree(model),
  ];
}

function approverCard(model: Model): string[] {
  const bgQuery = `fields @timestamp, recipientAccountId, userIdentity.arn, requestParameters.sourceIdentity, requestParameters.roleSessionName | filter eventName = "AssumeRole" and requestParameters.roleArn like "role/${model.breakGlass.roleName}" | sort @timestamp desc | limit 200`;
  return [
    heading(2, 'Before you say yes'),
    bullets([
      'Harm is happening now and the normal access path cannot fix it.',
      'The person asking is not you, and names the accounts and the end state.',
      'You hold neither the root password nor the root MFA device. Write your name, the time and the scope into the record.',
    ]),
    heading(2, 'Phones'),
    phones(model.people.responders),
    heading(2, 'Where'),
    `Region ${code(model.organization.homeRegion)}; the organization trail is the log group ${code(model.pipeline.logGroupName)} in the security account ${code(
      model.security.id,
    )}.`,
    accountsTable(model),
    heading(2, 'First three commands'),
    'Watch what the session you approved does, from the security account (read access is enough):',
    fence([...timeWindow(24), ...insightsCommands(model, bgQuery)]),
    ...decisionTree(model),
  ];
}

function custodianCard(model: Model): string[] {
  const custody = custodyOf(model);
  return [
    heading(2, 'What you hold'),
    table(
      ['Item', 'Held by', 'Kept in'],
      [
        ['Root password', respondersWith(model, 'root-password').map((r) => prose(r.name)).join(', '), custody.rootPassword],
        ['Root MFA device', respondersWith(model, 'mfa-device').map((r) => prose(r.name)).join(', '), custody.mfaDevice],
      ],
    ),
    'Never hand your item to anyone. A FIDO security key cannot be used over a video call: meet the other holder in person at the computer that signs in. An authenticator code may be read aloud on a call.',
    heading(2, 'Phones'),
    phones(model.people.responders),
    heading(2, 'Where'),
    `Management account ${code(model.management.id)}, region ${code(model.organization.homeRegion)}. Record: ${custody.recordLocation}.`,
    heading(2, 'First three commands'),
    'After the root user was used, from the management account: the credential report must show the root MFA active, no root access key, and the password changed after the session.',
    fence(credentialReportCommands()),
    ...decisionTree(model),
  ];
}

const TITLES: Record<QuickCardRole, string> = { responder: 'Quick card: responder', approver: 'Quick card: approver', custodian: 'Quick card: custodian' };

export function renderQuickCard(model: Model, role: QuickCardRole): string {
  const body = document(role === 'responder' ? responderCard(model) : role === 'approver' ? approverCard(model) : custodianCard(model));
  return document([heading(1, TITLES[role]), generatedNote(model), placeholderSection(body), body.trimEnd()]);
}
