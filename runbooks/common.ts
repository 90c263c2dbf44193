/**
 * What every runbook shares: the values only a human has at that moment (placeholders), the people from the
 * configuration, and the shell snippets for credentials and time windows. Names and ARNs come from the model only.
 */
import { GLOBAL_EVENTS_REGION, type Model } from '../config/model';
import type { CustodyRole, ResolvedResponder } from '../config/model-people';
import type { Detection } from '../detections/catalog';
import { aws, bullets, code, heading, link, prose, raw, sh, table } from '../render/markdown';

/**
 * The only values a runbook leaves open: things only the responder knows at that moment. They appear as `<NAME>` in
 * single quotes inside commands, so a pasted command never turns them into shell redirections.
 */
export const PLACEHOLDERS: Record<string, string> = {
  'TICKET-ID': 'the id of the break-glass or incident record you opened (it names the role session)',
  'YOUR-USERNAME': 'your own user name; it becomes the source identity that CloudTrail stamps on every call you make',
  'MFA-CODE': 'the 6-digit code your MFA device shows now',
  'SOURCE-IDENTITY': 'the source identity of the session under review: the user name of whoever broke glass (from the record)',
  'BUCKET-NAME': 'the S3 bucket whose policy locks everyone out',
  'QUEUE-URL': 'the URL of the SQS queue whose policy locks everyone out (its region is read from the URL)',
  'NEW-ACCOUNT-NAME': 'the new name of the account, as approved in the record',
  'NEW-ROOT-EMAIL': 'the new root email address of the account, as approved in the record',
  'EMAIL-OTP': 'the one-time code AWS sent to the new root email address',
  'ACCOUNT-ID': 'the 12-digit id of the account concerned (from the page or the record)',
  'NEXT-MFA-CODE': 'the next 6-digit code the same MFA device shows, after the one you gave as MFA-CODE',
  'SUPPORT-SERVICE-CODE': 'the AWS Support service code that fits the incident, from the describe-services output',
  'SUPPORT-CATEGORY-CODE': 'a category code of that service, from the describe-services output',
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
// People (from the resolved model only)

export type Responder = ResolvedResponder;

export function respondersWith(model: Model, custody: CustodyRole): Responder[] {
  return model.people.responders.filter((r) => r.custody.includes(custody));
}

/** Approvers who hold neither secret: the only ones who may approve a root sign-in or someone else's break-glass. */
export function independentApprovers(model: Model): Responder[] {
  return model.people.responders.filter((r) => r.independentApprover);
}

export function contactOf(r: Responder): string {
  return [r.phone ? `phone ${prose(r.phone)}` : undefined, prose(r.email)].filter(Boolean).join(', ');
}

export function person(r: Responder): string {
  return `${prose(r.name)} (${prose(r.role)}): ${contactOf(r)}`;
}

export function people(list: Responder[], none: string): string {
  return list.length ? bullets(list.map(person)) : none;
}

const CUSTODY_LABEL = { 'root-password': 'holds the root password', 'mfa-device': 'holds the root MFA device', approver: 'may approve break-glass', 'root-mailbox': 'owns the root mailbox' } as const;

export function respondersTable(model: Model): string {
  return table(
    ['Name', 'Role', 'Phone', 'Email', 'Custody'],
    model.people.responders.map((r) => [
      prose(r.name),
      prose(r.role),
      r.phone ? prose(r.phone) : 'none',
      prose(r.email),
      r.custody.length ? r.custody.map((c) => CUSTODY_LABEL[c]).join('; ') : 'none',
    ]),
  );
}

/** Where the root credentials and the records are kept, as markdown. */
export function custodyOf(model: Model): { rootPassword: string; mfaDevice: string; recordLocation: string } {
  const c = model.people.custody;
  return { rootPassword: prose(c.rootPassword), mfaDevice: prose(c.mfaDevice), recordLocation: prose(c.recordLocation) };
}

/** Heading of the management account root sign-in procedure in root-only-tasks.md (linked from other runbooks). */
export const MANAGEMENT_ROOT_SIGN_IN = 'Management account root sign-in';

// ---------------------------------------------------------------------------------------------------------------------
// Shell snippets

export const CREDS_VAR = 'CREDS';
export const CREDENTIALS_QUERY = 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]';
/** Shell variables "Before you start" sets for the responder's own break-glass principal. */
export const PROFILE_VAR = 'BG_PROFILE';
export const MFA_VAR = 'BG_MFA_DEVICE';

/**
 * IAM, Organizations, Account Management and the credential report are global services whose endpoint is in
 * us-east-1; every call names its region anyway so no profile or environment decides where it goes.
 */
export const GLOBAL_REGION = GLOBAL_EVENTS_REGION;

/** The regional STS endpoint: AssumeRoot is rejected on the global endpoint that `sts_regional_endpoints=legacy` uses. */
export function stsEndpoint(region: string): string {
  return `https://sts.${region}.amazonaws.com`;
}

/** Turns the text output of assume-role / assume-root (three tab-separated fields) into the session's environment. */
export function exportCredentials(): string {
  return `export AWS_ACCESS_KEY_ID=$(echo "$${CREDS_VAR}" | cut -f1) AWS_SECRET_ACCESS_KEY=$(echo "$${CREDS_VAR}" | cut -f2) AWS_SESSION_TOKEN=$(echo "$${CREDS_VAR}" | cut -f3)`;
}

export const DROP_CREDENTIALS = 'unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN';
/** No pager: CLI v2 pipes output through `less`, which can swallow it in a pasted block. */
export const NO_PAGER = 'export AWS_PAGER=""';

/** Epoch-second window variables, portable across bash and zsh on Linux and macOS. */
export function timeWindow(hours = 24): string[] {
  return [`START=$(( $(date +%s) - ${hours * 3600} ))`, 'END=$(date +%s)'];
}

/** Seconds between two polls of an asynchronous result. */
const POLL_SECONDS = 5;

/**
 * start-query on the organization trail's log group, then poll until the query is no longer Scheduled or Running
 * (a running query returns partial or no results, which reads as "nothing happened"), then read its results.
 */
export function insightsCommands(model: Model, queryString: string): string[] {
  const p = model.pipeline;
  const region = model.organization.homeRegion;
  const status = aws(
    'logs',
    'get-query-results',
    [
      ['--region', region],
      ['--query-id', raw('"$QUERY_ID"')],
      ['--query', 'status'],
      ['--output', 'text'],
    ],
    'STATUS',
  );
  return [
    aws(
      'logs',
      'start-query',
      [
        ['--region', region],
        ['--log-group-name', p.logGroupName],
        ['--start-time', raw('"$START"')],
        ['--end-time', raw('"$END"')],
        ['--query-string', queryString],
        ['--query', 'queryId'],
        ['--output', 'text'],
      ],
      'QUERY_ID',
    ),
    'STATUS=Scheduled',
    `while [ "$STATUS" = Scheduled ] || [ "$STATUS" = Running ]; do sleep ${POLL_SECONDS}; ${status}; done`,
    'echo "query status: $STATUS (must be Complete)"',
    aws('logs', 'get-query-results', [
      ['--region', region],
      ['--query-id', raw('"$QUERY_ID"')],
    ]),
    ...queryCutReport(region),
  ];
}

/**
 * How many log events the query matched against how many rows it returned (QueryStatistics.recordsMatched:
 * https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_QueryStatistics.html), and a line saying
 * so when the query's `limit` cut the result: a cut is never silent. awk compares, so a non-number never breaks the block.
 */
function queryCutReport(region: string): string[] {
  const statistic = (query: string, into: string) =>
    aws(
      'logs',
      'get-query-results',
      [
        ['--region', region],
        ['--query-id', raw('"$QUERY_ID"')],
        ['--query', query],
        ['--output', 'text'],
      ],
      into,
    );
  return [
    statistic('statistics.recordsMatched', 'MATCHED'),
    statistic('length(results)', 'RETURNED'),
    'echo "records matched: $MATCHED, rows returned: $RETURNED"',
    `awk -v m="$MATCHED" -v r="$RETURNED" 'BEGIN { if (m + 0 > r + 0) print "CUT: the query matched more records than it returned (its limit); narrow the time window or the filter and run it again" }'`,
  ];
}

/** CloudTrail lookup for the window; no --max-results, so the CLI follows every page and nothing is dropped. */
export function lookupEvents(region: string, key: string, value: string): string {
  return aws('cloudtrail', 'lookup-events', [
    ['--region', region],
    ['--lookup-attributes', `AttributeKey=${key},AttributeValue=${value}`],
    ['--start-time', raw('"$START"')],
    ['--end-time', raw('"$END"')],
  ]);
}

/**
 * Generate the credential report until it is COMPLETE, show when it was generated (AWS reuses a report for up to four
 * hours, so it can predate what you are checking), then decode it.
 */
export function credentialReportCommands(): string[] {
  const generate = aws(
    'iam',
    'generate-credential-report',
    [
      ['--region', GLOBAL_REGION],
      ['--query', 'State'],
      ['--output', 'text'],
    ],
    'STATE',
  );
  return [
    'STATE=STARTED',
    `while [ "$STATE" != COMPLETE ]; do ${generate} || break; [ "$STATE" = COMPLETE ] || sleep ${POLL_SECONDS}; done`,
    `${aws('iam', 'get-credential-report', [
      ['--region', GLOBAL_REGION],
      ['--query', 'GeneratedTime'],
      ['--output', 'text'],
    ])}`,
    `${aws('iam', 'get-credential-report', [
      ['--region', GLOBAL_REGION],
      ['--query', 'Content'],
      ['--output', 'text'],
    ])} | base64 --decode`,
  ];
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

// ---------------------------------------------------------------------------------------------------------------------
// Laptop requirements

/**
 * Oldest AWS CLI releases that know `sts assume-root` (AssumeRoot, November 2024). The preflight script also checks
 * the command itself, so an older CLI cannot pass on a wrong version floor.
 */
export const MIN_CLI_VERSION = { v2: '2.22.0', v1: '1.36.0' } as const;
export const PREFLIGHT_FILE = 'preflight.sh';

/**
 * AWS CLI v1 entered maintenance mode on 2026-07-15 and reaches end of support on 2027-07-15
 * (https://aws.amazon.com/blogs/developer/aws-cli-v1-maintenance-mode-announcing-changes-to-dependency-updates/):
 * the preflight requires v2; v1 passes only with the explicit opt-out below, with a note.
 */
export const CLI_V1_END_OF_SUPPORT = { date: '2027-07-15', text: 'is in maintenance mode and reaches end of support on 2027-07-15' } as const;
/** Environment variable that lets the preflight accept a recent AWS CLI v1 (with a note), for a laptop mid-migration. */
export const CLI_V1_OPT_OUT = 'ROOTLOCK_PREFLIGHT_ALLOW_CLI_V1';

/** The shell lines that select the responder's own break-glass principal for this terminal. */
export function selectPrincipal(p: { profile: string; mfaDeviceArn: string }): string[] {
  return [`${PROFILE_VAR}=${sh(p.profile)} ${MFA_VAR}=${sh(p.mfaDeviceArn)}`, NO_PAGER];
}

/**
 * Where an account really sits and the SCPs attached at each step up to the root (management account credentials):
 * the account itself, then each parent from ListParents until the root (`r-...`).
 */
export function scpPathCommands(): string[] {
  const parentOf = aws(
    'organizations',
    'list-parents',
    [
      ['--region', GLOBAL_REGION],
      ['--child-id', raw('"$TARGET"')],
      ['--query', 'Parents[0].Id'],
      ['--output', 'text'],
    ],
    'TARGET',
  );
  const policies = aws('organizations', 'list-policies-for-target', [
    ['--region', GLOBAL_REGION],
    ['--target-id', raw('"$TARGET"')],
    ['--filter', 'SERVICE_CONTROL_POLICY'],
    ['--query', 'Policies[].Name'],
    ['--output', 'text'],
  ]);
  return [
    `ACCOUNT_ID='${ph('ACCOUNT-ID')}'`,
    'TARGET="$ACCOUNT_ID"',
    'while [ -n "$TARGET" ] && [ "$TARGET" != None ]; do',
    '  echo "$TARGET:"',
    `  ${policies}`,
    '  case "$TARGET" in r-*) break ;; esac',
    `  ${parentOf}`,
    'done',
  ];
}
