/**
 * Every audit check as data: a stable id (used in the report, the JSON, SARIF rule ids and by people who grep for
 * it), its family, severity and fix. Evaluation functions (one file per family) return results against these ids.
 */
export type Severity = 'high' | 'medium' | 'low';
export type Status = 'pass' | 'fail' | 'not-checked';
export type Family = 'organization' | 'accounts' | 'root-credentials' | 'pipeline' | 'deployed';

export interface CheckDef {
  id: string;
  family: Family;
  severity: Severity;
  title: string;
  fix: string;
}

/** One check applied to one resource (the organization, an account, an alarm...). */
export interface Result {
  check: string;
  status: Status;
  /** What was checked: an account id and name, an alarm name, a service principal. */
  resource: string;
  /** What was found, in a sentence; for not-checked, why. Never a timestamp that is not from the state itself. */
  detail: string;
  /** For a difference from the synthesized state: the attribute, and the expected and actual values side by side. */
  attribute?: string;
  expected?: string;
  actual?: string;
}

export const FAMILIES: Array<{ id: Family; title: string }> = [
  { id: 'organization', title: 'Organization' },
  { id: 'accounts', title: 'Accounts' },
  { id: 'root-credentials', title: 'Root credentials of member accounts' },
  { id: 'pipeline', title: 'Alarm pipeline health' },
  { id: 'deployed', title: 'Deployed state against the synthesized Terraform' },
];

export const CHECKS: CheckDef[] = [
  { id: 'org-all-features', family: 'organization', severity: 'high', title: 'The organization has all features enabled', fix: 'Enable all features in AWS Organizations: SCPs and centralized root access need them.' },
  { id: 'org-scp-policy-type', family: 'organization', severity: 'high', title: 'Service control policies are enabled on the root', fix: 'Deploy the management stack (it enables the SERVICE_CONTROL_POLICY policy type on the root).' },
  { id: 'org-trusted-access', family: 'organization', severity: 'high', title: 'Trusted access is enabled for every service rootlock needs', fix: 'Deploy the management stack; never disable trusted access for these principals by hand.' },
  { id: 'org-root-credentials-management', family: 'organization', severity: 'high', title: 'Centralized root credentials management (RootCredentialsManagement) is on', fix: 'Deploy the management stack, or `aws iam enable-organizations-root-credentials-management`.' },
  { id: 'org-root-sessions', family: 'organization', severity: 'high', title: 'Privileged root sessions (RootSessions) are on', fix: 'Deploy the management stack, or `aws iam enable-organizations-root-sessions`.' },
  { id: 'account-undeclared', family: 'accounts', severity: 'high', title: 'Every account of the organization is declared in the configuration', fix: 'Add the account to `accounts` with its OU and deploy its baseline stack, or remove it from the organization.' },
  { id: 'account-missing', family: 'accounts', severity: 'medium', title: 'Every declared account exists in the organization', fix: 'Remove the account from `accounts`, or invite or create it in the organization.' },
  { id: 'account-at-root', family: 'accounts', severity: 'high', title: 'No member account sits directly under the root', fix: 'Move the account into its declared OU (`aws organizations move-account`); SCPs on OUs do not reach accounts under the root.' },
  { id: 'account-ou-path', family: 'accounts', severity: 'medium', title: 'Every account sits in its declared OU', fix: 'Move the account into its declared OU, or change `accounts[].ou` to where it belongs and deploy.' },
  { id: 'account-root-deny-scp', family: 'accounts', severity: 'high', title: 'The root-deny SCP reaches every member account outside an exempt OU', fix: 'Deploy the management stack (it attaches the SCP to every non-exempt OU) and place the account in a covered OU.' },
  { id: 'account-monitoring-scp', family: 'accounts', severity: 'medium', title: 'The monitoring-protection SCP reaches every member account', fix: 'Deploy the management stack and place the account in a declared OU.' },
  { id: 'account-break-glass-role', family: 'accounts', severity: 'high', title: 'The break-glass role exists with the synthesized trust policy', fix: 'Deploy the account\'s baseline stack (`cdktf deploy baseline-<account>`); a hand-edited trust policy is drift.' },
  { id: 'root-login-profile', family: 'root-credentials', severity: 'high', title: 'No member account root user has a password', fix: 'Delete it in an `IAMDeleteRootUserCredentials` task session (root-only-tasks runbook).' },
  { id: 'root-access-keys', family: 'root-credentials', severity: 'high', title: 'No member account root user has an access key', fix: 'Delete the keys in an `IAMDeleteRootUserCredentials` task session and find out who created them.' },
  { id: 'root-signing-certificates', family: 'root-credentials', severity: 'high', title: 'No member account root user has a signing certificate', fix: 'Delete them in an `IAMDeleteRootUserCredentials` task session.' },
  { id: 'root-mfa-devices', family: 'root-credentials', severity: 'medium', title: 'No member account root user keeps an MFA device', fix: 'Deactivate it in an `IAMDeleteRootUserCredentials` task session: without a password it is unused, and it lets a recovered password be used.' },
  { id: 'pipeline-trail-logging', family: 'pipeline', severity: 'high', title: 'The organization trail exists and is logging', fix: 'Deploy the security stack; `aws cloudtrail start-logging` as the deployment role if it was stopped.' },
  { id: 'pipeline-trail-delivery', family: 'pipeline', severity: 'high', title: 'The trail delivered to CloudWatch Logs within the last 24 hours, without error', fix: 'Check the trail\'s CloudWatch Logs role and log group (security stack); the metric alarms see nothing without delivery.' },
  { id: 'pipeline-alarm-actions', family: 'pipeline', severity: 'high', title: 'Every root alarm exists, has its actions enabled and notifies the alert topic', fix: 'Deploy the security stack (`aws cloudwatch enable-alarm-actions` only as the deployment role).' },
  { id: 'pipeline-alarm-state', family: 'pipeline', severity: 'medium', title: 'No root alarm is in the ALARM state', fix: 'An alarm is firing: follow its playbook in the alarm runbooks.' },
  { id: 'pipeline-subscriptions', family: 'pipeline', severity: 'high', title: 'Every alert destination is subscribed and confirmed', fix: 'Confirm the subscription from the destination (the email link or the pager\'s confirmation), or deploy the security stack.' },
  { id: 'pipeline-dead-letter-queue', family: 'pipeline', severity: 'medium', title: 'The alert dead-letter queues are empty', fix: 'Read the messages (undelivered alerts), fix the delivery, then purge the queue.' },
  { id: 'pipeline-guardduty', family: 'pipeline', severity: 'high', title: 'GuardDuty is enabled in the security account', fix: 'Deploy the security stack.' },
  { id: 'pipeline-guardduty-filters', family: 'pipeline', severity: 'high', title: 'No GuardDuty filter archives root findings (a suppression rule keeps them from EventBridge)', fix: 'Delete the filter (`aws guardduty delete-filter`), or make its `type` criterion exclude the root finding type, and find out who created it.' },
  { id: 'pipeline-config-recorder', family: 'pipeline', severity: 'medium', title: 'AWS Config records in every account', fix: 'Deploy the account\'s baseline stack (`aws configservice start-configuration-recorder` if it was stopped).' },
  // Deployed state against the synthesized Terraform (audit/deployed.ts): one check per resource type, severity by its
  // effect on delivery. The fix is always a deploy of the named stack; a difference nobody deployed is tampering.
  { id: 'deployed-org-policy', family: 'deployed', severity: 'high', title: 'Every rootlock SCP and RCP has the synthesized content', fix: 'Deploy the management stack, and find out who edited the policy (the scp-changed detection pages on it).' },
  { id: 'deployed-org-policy-attachment', family: 'deployed', severity: 'high', title: 'Every rootlock SCP and RCP is attached where the synthesized Terraform attaches it', fix: 'Deploy the management stack (it re-attaches the policy), and find out who detached it.' },
  { id: 'deployed-event-rule', family: 'deployed', severity: 'high', title: 'Every rootlock EventBridge rule is enabled with the synthesized pattern', fix: 'Deploy the stack named in the resource; a disabled rule or a changed pattern pages nobody. `terraform apply` does not re-enable a rule whose synthesized Terraform leaves `state` out: `aws events enable-rule` as the deployment role.' },
  { id: 'deployed-event-target', family: 'deployed', severity: 'high', title: 'Every rule target delivers where, as whom and with the dead-letter queue synthesized', fix: 'Deploy the stack named in the resource with `terraform apply -replace=<address>`: the provider does not read a removed dead_letter_config back, so a plain apply sees no change.' },
  { id: 'deployed-metric-filter', family: 'deployed', severity: 'high', title: 'Every metric filter has the synthesized pattern and metric', fix: 'Deploy the security stack; a changed pattern counts nothing.' },
  { id: 'deployed-alarm', family: 'deployed', severity: 'high', title: 'Every alarm has the synthesized definition, actions and actions enabled', fix: 'Deploy the stack named in the resource (`aws cloudwatch enable-alarm-actions` only as the deployment role).' },
  { id: 'deployed-subscription', family: 'deployed', severity: 'high', title: 'Every alert subscription has the synthesized attributes (no filter policy that drops pages)', fix: 'Deploy the security stack; a filter policy on a pager subscription can silently drop every page.' },
  { id: 'deployed-resource-policy', family: 'deployed', severity: 'high', title: 'Topic, queue, bus and bucket policies, and the topics\' keys, are the synthesized ones', fix: 'Deploy the stack named in the resource; a changed resource policy can stop delivery or let others in.' },
  { id: 'deployed-trail', family: 'deployed', severity: 'high', title: 'The organization trail logs, multi-region and organization-wide, with the synthesized selectors and destinations', fix: 'Deploy the security stack.' },
  { id: 'deployed-guardduty', family: 'deployed', severity: 'high', title: 'GuardDuty is enabled with the synthesized publishing frequency', fix: 'Deploy the security stack.' },
  { id: 'deployed-role-trust', family: 'deployed', severity: 'high', title: 'Every rootlock role (break-glass, forwarding, trail, Config) has the synthesized trust policy', fix: 'Deploy the stack named in the resource; a widened trust policy lets someone else in.' },
  { id: 'deployed-config-rule', family: 'deployed', severity: 'medium', title: 'Every AWS Config organization rule on the root user checks what the synthesized rule checks, in every account', fix: 'Deploy the config-rules stack; an excluded account or a changed identifier leaves root credentials unchecked there.' },
  { id: 'deployed-kms-key', family: 'deployed', severity: 'high', title: 'Every rootlock KMS key (alert, health, trail, Config) is enabled, rotates, and has the synthesized key policy', fix: 'Deploy the stack named in the resource; `aws kms cancel-key-deletion` and `aws kms enable-key` as the deployment role for a key pending deletion or disabled. A key policy without the publishing service stops every page it encrypts.' },
  { id: 'deployed-config-recorder', family: 'deployed', severity: 'medium', title: 'Every AWS Config recorder records, as synthesized', fix: 'Deploy the account\'s baseline stack.' },
];

const BY_ID = new Map(CHECKS.map((c) => [c.id, c]));

export function checkDef(id: string): CheckDef {
  const def = BY_ID.get(id);
  if (!def) throw new Error(`unknown audit check ${id}`);
  return def;
}

/** Results in a fixed order: by the catalog's check order, then by resource. */
export function sortResults(results: Result[]): Result[] {
  const order = new Map(CHECKS.map((c, i) => [c.id, i]));
  const cmp = (x = '', y = '') => (x < y ? -1 : x > y ? 1 : 0);
  return [...results].sort((a, b) => order.get(a.check)! - order.get(b.check)! || cmp(a.resource, b.resource) || cmp(a.attribute, b.attribute));
}

export const pass = (check: string, resource: string, detail: string): Result => ({ check, status: 'pass', resource, detail });
export const fail = (check: string, resource: string, detail: string): Result => ({ check, status: 'fail', resource, detail });
export const notChecked = (check: string, resource: string, detail: string): Result => ({ check, status: 'not-checked', resource, detail });
