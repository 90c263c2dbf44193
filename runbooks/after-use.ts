/** after-use.md: what happens after every break-glass or root use, before the record closes. */
import { GLOBAL_EVENTS_REGION, type Model } from '../config/model';
import { credentialReportCommands, detectionNames, GLOBAL_REGION, MANAGEMENT_ROOT_SIGN_IN, DROP_CREDENTIALS, generatedNote, insightsCommands, lookupEvents, people, ph, placeholderSection, respondersWith, timeWindow, custodyOf } from './common';
import { aws, bullets, code, document, fence, heading, link, slug, steps } from '../render/markdown';

const REVIEW_FIELDS = 'fields @timestamp, recipientAccountId, awsRegion, eventSource, eventName, readOnly, errorCode, requestParameters';

/** The break-glass IAM users' MFA devices, from IAM (a role principal has no device of its own). */
function mfaCheck(model: Model): Array<string | string[]> {
  const users = model.people.breakGlassPrincipals.filter((p) => p.kind === 'user');
  if (users.length === 0) return [];
  const list = (name: string) =>
    aws('iam', 'list-mfa-devices', [
      ['--region', GLOBAL_REGION],
      ['--user-name', name],
      ['--query', 'MFADevices[].SerialNumber'],
      ['--output', 'text'],
    ]);
  return [['The same from IAM:', fence(users.map((p) => list(p.name)))]];
}

export function renderAfterUse(model: Model): string {
  const home = model.organization.homeRegion;
  const bg = model.breakGlass;
  const custody = custodyOf(model);
  const p = model.pipeline;
  const alarmNames = model.detections.map((d) => d.metric?.alarmName).filter((n): n is string => Boolean(n));
  const sessionName = `break-glass-${ph('TICKET-ID')}`;
  const rootTasks = model.runbooks.rootTasks;

  const body = document([
    'Do every step, with a second person, before the record is closed. Write each result into the record.',
    heading(2, 'End the sessions'),
    steps([
      [
        'In every terminal that holds break-glass or task session credentials:',
        fence([DROP_CREDENTIALS, 'exit']),
      ],
      'Sign out of every console session that used the break-glass role or the root user.',
    ]),
    heading(2, 'Check what the session changed'),
    steps([
      `Get read access to the security account ${code(model.security.id)}: its log group ${code(
        p.logGroupName,
      )} holds the organization trail of every account.`,
      [
        `Every change made under the source identity, in every account (the queries keep the calls whose ${code('readOnly')} is false; each says how many records matched against the rows it returned, and says CUT when its limit dropped some):`,
        fence([
          ...timeWindow(24),
          ...insightsCommands(
            model,
            `${REVIEW_FIELDS} | filter userIdentity.sessionContext.sourceIdentity = "${ph('SOURCE-IDENTITY')}" or requestParameters.sourceIdentity = "${ph(
              'SOURCE-IDENTITY',
            )}" | filter readOnly = 0 | sort @timestamp asc | limit 1000`,
          ),
        ]),
      ],
      [
        `Every change made in the role session ${code(sessionName)} of ${code(bg.roleName)}:`,
        fence([
          ...timeWindow(24),
          ...insightsCommands(
            model,
            `${REVIEW_FIELDS} | filter userIdentity.arn like "assumed-role/${bg.roleName}/${sessionName}" | filter readOnly = 0 | sort @timestamp asc | limit 1000`,
          ),
        ]),
      ],
      [
        'Every change a root user made, including task sessions:',
        fence([
          ...timeWindow(24),
          ...insightsCommands(model, `${REVIEW_FIELDS}, userIdentity.arn | filter userIdentity.type = "Root" | filter readOnly = 0 | sort @timestamp asc | limit 1000`),
        ]),
      ],
      [
        `Cross-check in each account you used (CloudTrail lookup sees only its own account and region; IAM and STS calls are in ${code(
          GLOBAL_EVENTS_REGION,
        )}):`,
        fence([...timeWindow(24), ...model.eventRegions.map((r) => lookupEvents(r, 'Username', sessionName))]),
      ],
      'Every change must be in the record with its reason. Revert what was only needed during the incident; open a follow-up for the rest.',
    ]),
    heading(2, 'Rotate the root password'),
    steps([
      `Management account root used: repeat the ${link(
        'management account root sign-in',
        `${rootTasks}#${slug(MANAGEMENT_ROOT_SIGN_IN)}`,
      )} with both holders, open "Security credentials" and update the password. The password holder stores the new one: ${custody.rootPassword}.`,
      `Member account root password recovered (${code('IAMCreateRootUserPassword')}): delete it again with an ${link(
        `${code('IAMDeleteRootUserCredentials')} task session`,
        `${rootTasks}#${slug('Delete the root user credentials (password, access keys, signing certificates, MFA)')}`,
      )}.`,
      `Every member account you touched: run an ${link(
        `${code('IAMAuditRootUserCredentials')} task session`,
        `${rootTasks}#${slug('Audit the root user credentials (password, access keys, MFA, signing certificates)')}`,
      )} and check that no credential is left.`,
    ]),
    heading(2, 'Credential report'),
    steps([
      [
        `In the management account ${code(model.management.id)}, generate the credential report until it is complete, check when it was generated, and read it. AWS reuses a report for up to 4 hours: if the generation time is before the session ended, wait and run the block again.`,
        fence(credentialReportCommands()),
      ],
      `In the ${code('<root_account>')} row: ${code('mfa_active')} is ${code('true')}, ${code('access_key_1_active')} and ${code(
        'access_key_2_active',
      )} are ${code('false')}, and ${code('password_last_changed')} is after the session if root was used.`,
      `Check that the break-glass principals still hold their MFA devices and nobody new was added: ${model.people.breakGlassPrincipals
        .map((p) => `${code(p.arn)} with ${code(p.mfaDeviceArn)}`)
        .join(', ')}.`,
      ...mfaCheck(model),
    ]),
    heading(2, 'Re-seal'),
    steps([
      [
        'The MFA device goes back, checked by its holder:',
        people(respondersWith(model, 'mfa-device'), '**Nobody holds the root MFA device in the configuration.**'),
        `Place: ${custody.mfaDevice}`,
      ],
      [
        'The password holder confirms the new password is stored and nobody else read it:',
        people(respondersWith(model, 'root-password'), '**Nobody holds the root password in the configuration.**'),
        `Place: ${custody.rootPassword}`,
      ],
      [
        `Confirm the monitoring is intact, in the security account: the alarms are back to ${code(
          'OK',
        )}, the trail is logging, the alert subscriptions are confirmed.`,
        fence([
          aws('cloudwatch', 'describe-alarms', [
            ['--region', home],
            ['--alarm-names', alarmNames],
            ['--query', 'MetricAlarms[].[AlarmName,StateValue]'],
            ['--output', 'text'],
          ]),
          aws('cloudtrail', 'get-trail-status', [
            ['--region', home],
            ['--name', p.trailArn],
            ['--query', 'IsLogging'],
          ]),
          aws('sns', 'list-subscriptions-by-topic', [
            ['--region', home],
            ['--topic-arn', p.topicArn],
            ['--query', 'Subscriptions[].[Protocol,Endpoint,SubscriptionArn]'],
            ['--output', 'text'],
          ]),
        ]),
      ],
    ]),
    heading(2, 'Close the record'),
    `In ${custody.recordLocation}, the record ${code(ph('TICKET-ID'))} holds:`,
    bullets([
      'Who approved, who held the password and the MFA device, who broke glass (source identity).',
      'Every account, session and change, with the query output from "Check what the session changed".',
      'That the password was rotated, the credential report and the audits are clean, and both items are back in their place.',
      `Every page it caused (${model.detections
        .filter((d) => ['break-glass-assumed', 'root-console-sign-in', 'root-usage', 'root-task-session'].includes(d.id))
        .flatMap(detectionNames)
        .map(code)
        .join(', ')}), linked to this record.`,
      'Follow-ups for anything left open.',
    ]),
    'Then close it. A second person reviews it within one working day.',
  ]);

  return document([heading(1, 'After break-glass or root use'), generatedNote(model), placeholderSection(body), body.trimEnd()]);
}
