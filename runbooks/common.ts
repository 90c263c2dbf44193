/**
 * What every runbook shares: the values only a human has at that moment (placeholders), the people from the
 * configuration, and the shell snippets for credentials and time windows. Names and ARNs come from the model only.
 */
import type { Model } from '../config/model';
import type { Detection } from '../detections/catalog';
import { aws, bullets, code, heading, link, prose, raw, table } from './markdown';

/**
 * The only values a runbook leaves open: things only the responder knows at that moment. They appear as `<NAME>` in
 * single quotes inside commands, so a pasted command never turns them into shell redirections.
 */
export const PLACEHOLDERS: Record<string, string> = {
  'TICKET-ID': 'the id of the break-glass or incident record you opened (it names the role session)',
  'YOUR-USERNAME': 'your own user name; it becomes the source identity that CloudTrail stamps on every call you make',
  'MFA-DEVICE-ARN':
    "the ARN (serial number) of the MFA device of your break-glass principal: `aws iam list-mfa-devices --query 'MFADevices[].SerialNumber' --output text`",
  'MFA-CODE': 'the 6-digit code your MFA device shows now',
  'SOURCE-IDENTITY': 'the source identity of the session under review: the user name of whoever broke glass (from the record)',
  'BUCKET-NAME': 'the S3 bucket whose policy locks everyone out',
  'QUEUE-URL': 'the URL of the SQS queue whose policy locks everyone out',
};

export const PLACEHOLDER_PATTERN = /<([A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+)>/g;

export function ph(name: keyof typeof PLACEHOLDERS | string): string {
  if (!(name in PLACEHOLDERS)) throw new Error(`unknown runbook placeholder ${name}`);
  return `<${name}>`;
}

/** The "values only you have" section: every placeholder the body uses, in a fixed order. Throws on an unknown one. */
export function placeholderSection(body: string): string {
  const used = new Set([...body.matchAll(PLACEHOLDER_PATTERN)].map((m) => m[1]));
  for (const name of used) if (!(name in PLACEHOLDERS)) throw new Error(`runbook uses undefined placeholder <${name}>`);
  const names = Object.keys(PLACEHOLDERS).filter((n) => used.has(n));
  if (names.length === 0) return [heading(2, 'Values only you have'), 'None: every command below is complete. Copy and run it as written.'].join('\n\n');
  return [
    heading(2, 'Values only you have'),
    'Every command below is complete except these values. Replace each one, including the angle brackets; keep the quotes around it.',
    table(
      ['Write', 'What it is'],
      names.map((n) => [code(`<${n}>`), PLACEHOLDERS[n]]),
    ),
  ].join('\n\n');
}

export function generatedNote(model: Model): string {
  const org = model.organization.existingOrganizationId ? ` ${code(model.organization.existingOrganizationId)}` : '';
  return `Organization${org}, management account ${code(model.management.id)}, home region ${code(
    model.organization.homeRegion,
  )}. Generated from the rootlock configuration: to change this runbook, change the configuration and synthesize again.`;
}

// ---------------------------------------------------------------------------------------------------------------------
// People

type Responder = Model['config']['responders'][number];

export function respondersWith(model: Model, custody: 'root-password' | 'mfa-device' | 'approver'): Responder[] {
  return model.config.responders.filter((r) => r.custody.includes(custody));
}

export function person(r: Responder): string {
  return `${prose(r.name)} (${prose(r.role)}): ${prose(r.contact)}`;
}

export function people(list: Responder[], none: string): string {
  return list.length ? bullets(list.map(person)) : none;
}

export function respondersTable(model: Model): string {
  const label = { 'root-password': 'holds the root password', 'mfa-device': 'holds the root MFA device', approver: 'may approve break-glass' } as const;
  return table(
    ['Name', 'Role', 'Contact', 'Custody'],
    model.config.responders.map((r) => [prose(r.name), prose(r.role), prose(r.contact), r.custody.length ? r.custody.map((c) => label[c]).join('; ') : 'none']),
  );
}

/** Where the root credentials and the records are kept, as markdown. */
export function custodyOf(model: Model): { rootPassword: string; mfaDevice: string; recordLocation: string } {
  const c = model.config.custody;
  return { rootPassword: prose(c.rootPassword), mfaDevice: prose(c.mfaDevice), recordLocation: prose(c.recordLocation) };
}

// ---------------------------------------------------------------------------------------------------------------------
// Shell snippets

export const CREDS_VAR = 'CREDS';
export const CREDENTIALS_QUERY = 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]';

/** Turns the text output of assume-role / assume-root (three tab-separated fields) into the session's environment. */
export function exportCredentials(): string {
  return `export AWS_ACCESS_KEY_ID=$(echo "$${CREDS_VAR}" | cut -f1) AWS_SECRET_ACCESS_KEY=$(echo "$${CREDS_VAR}" | cut -f2) AWS_SESSION_TOKEN=$(echo "$${CREDS_VAR}" | cut -f3)`;
}

export const DROP_CREDENTIALS = 'unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN';

/** Epoch-second window variables, portable across bash and zsh on Linux and macOS. */
export function timeWindow(hours = 24): string[] {
  return [`START=$(( $(date +%s) - ${hours * 3600} ))  # ${hours} hours ago: widen if the event is older`, 'END=$(date +%s)'];
}

/** start-query on the organization trail's log group, then its results. */
export function insightsCommands(model: Model, queryString: string): string[] {
  const p = model.pipeline;
  return [
    aws(
      'logs',
      'start-query',
      [
        ['--region', model.organization.homeRegion],
        ['--log-group-name', p.logGroupName],
        ['--start-time', raw('"$START"')],
        ['--end-time', raw('"$END"')],
        ['--query-string', queryString],
        ['--query', 'queryId'],
        ['--output', 'text'],
      ],
      'QUERY_ID',
    ),
    'sleep 15',
    aws('logs', 'get-query-results', [
      ['--region', model.organization.homeRegion],
      ['--query-id', raw('"$QUERY_ID"')],
    ]),
  ];
}

export function lookupEvents(region: string, key: string, value: string): string {
  return aws('cloudtrail', 'lookup-events', [
    ['--region', region],
    ['--lookup-attributes', `AttributeKey=${key},AttributeValue=${value}`],
    ['--start-time', raw('"$START"')],
    ['--end-time', raw('"$END"')],
    ['--max-results', '50'],
  ]);
}

// ---------------------------------------------------------------------------------------------------------------------
// Detections

export function detectionNames(d: Detection): string[] {
  return [d.metric?.alarmName, d.event?.ruleName].filter((n): n is string => Boolean(n)).filter((n, i, all) => all.indexOf(n) === i);
}

/**
 * The playbook heading: the detection title, with API names such as sts:AssumeRoot in code so that no markdown
 * extension reads ":AssumeRoot" as a directive (GitHub and markdownlint then agree on the anchor).
 */
export function playbookHeading(d: Detection): string {
  return d.title.replace(/[A-Za-z0-9-]+:[A-Za-z0-9:/*-]+/g, (m) => code(m));
}

/**
 * Link to a detection's playbook, from the model's one link builder (the explicit anchor written before each playbook
 * heading); `local` inside alarm-playbooks.md itself, so markdownlint checks the anchor.
 */
export function playbookLink(model: Model, d: Detection, text = d.title, local = false): string {
  return link(text, local ? `#${model.playbooks.anchor(d.id)}` : model.playbooks.relativeUrl(d.id));
}

/** `<a id="...">` before a playbook heading: the anchor pages link to, stable when a title or role name changes. */
export function playbookAnchor(model: Model, id: string): string {
  return `<a id="${model.playbooks.anchor(id)}"></a>`;
}

/** Ends free text with exactly one full stop. */
export function sentence(text: string): string {
  const t = text.trim();
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

export function subscriptionsList(model: Model): string {
  return bullets(model.pipeline.subscriptions.map((s) => `${s.protocol}: ${s.protocol === 'https' ? `<${s.endpoint}>` : code(s.endpoint)}`));
}

export function detection(model: Model, id: string): Detection | undefined {
  return model.detections.find((d) => d.id === id);
}

export function accountLabel(a: { name: string; id: string }): string {
  return `${a.name} (${a.id})`;
}
