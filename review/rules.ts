/**
 * The review rules, as data (the cdk-nag way): each rule has an id, a severity, the resource types it looks at, a
 * predicate over the change (before, after, actions) and a plain-language explanation a reviewer can act on.
 *
 * A rule marked `fallback` fires only when no ordinary rule matched the change, and then only the first matching
 * fallback in this list: so a change always gets its most specific explanation, and every change gets one.
 */
import {
  addedItems,
  Change,
  isRemoval,
  nameOf,
  onlyCosmetic,
  removedItems,
  Severity,
  str,
  strings,
  turnedOff,
  value,
} from './change';
import { protectionRules } from './rules-protection';
import { allowedActions, effectiveMfaMaxAge, gained, guardsOn, judgePolicy, parsePolicy, trustedPrincipals, Verdict } from './policy';

export interface Rule {
  id: string;
  severity: Severity;
  /** Short title for the rule table (`--rules`). */
  title: string;
  /** Terraform resource types the rule looks at; '*' for every type. */
  resourceTypes: string[] | '*';
  fallback?: boolean;
  /** Does the rule fire on this change? */
  when(c: Change): boolean;
  /** One or two plain sentences: what changes and what it means for root-user security. */
  explain(c: Change): string;
}

// ---------------------------------------------------------------- identification

const ROOT_DENY = /root-deny/i;
const MONITORING_PROTECTION = /monitoring-protection/i;

function isGuardrailPolicy(c: Change): boolean {
  const t = value(c, 'type') ?? c.before.type ?? 'SERVICE_CONTROL_POLICY';
  return t === 'SERVICE_CONTROL_POLICY' || t === 'RESOURCE_CONTROL_POLICY';
}

function scpLabel(name: string): string {
  if (ROOT_DENY.test(name)) return `the root-deny SCP \`${name}\``;
  if (MONITORING_PROTECTION.test(name)) return `the monitoring-protection SCP \`${name}\``;
  return `the SCP \`${name}\``;
}

function scpConsequence(name: string): string {
  if (ROOT_DENY.test(name)) return 'member-account root users there are no longer denied outside AssumeRoot task sessions';
  if (MONITORING_PROTECTION.test(name)) return 'anyone with enough IAM permissions there can stop the trail, delete the alarms or edit the break-glass role';
  return 'the accounts there lose this guardrail';
}

export function isBreakGlassRole(c: Change): boolean {
  if (c.type !== 'aws_iam_role') return false;
  const name = str(c.before.name) ?? str(c.after.name) ?? '';
  return isBreakGlassName(c, name) || hasBreakGlassTag(c);
}

function isBreakGlassName(c: Change, name: string): boolean {
  return (c.options.breakGlassRoleNames ?? []).includes(name) || /break-?glass/i.test(name);
}

/** rootlock tags the role `RootlockPurpose = break-glass`; `rootlock:purpose` is accepted too. */
function hasBreakGlassTag(c: Change): boolean {
  for (const v of [c.before, c.after]) {
    for (const key of ['tags', 'tags_all']) {
      const tags = (v[key] ?? {}) as Record<string, unknown>;
      if (Object.entries(tags).some(([k, x]) => /^rootlock:?purpose$/i.test(k) && x === 'break-glass')) return true;
    }
  }
  return false;
}

/** A policy or attachment on the break-glass role (its `role` attribute is the role name). */
function isBreakGlassPermission(c: Change): boolean {
  const role = str(c.before.role) ?? str(c.after.role) ?? '';
  return (c.type === 'aws_iam_role_policy_attachment' || c.type === 'aws_iam_role_policy') && isBreakGlassName(c, role);
}

/** Roles the monitoring pipeline runs as (CloudTrail to Logs, the event forwarder, the Config recorder). */
function isPipelineRole(c: Change): boolean {
  const name = str(c.before.name) ?? str(c.after.name) ?? str(c.before.role) ?? str(c.after.role) ?? '';
  return /^rootlock-/.test(name) && !isBreakGlassRole(c) && !isBreakGlassName(c, name);
}

/** What each monitoring resource type is for, and what its loss means. */
const MONITORING: Record<string, { what: string; loss: string; dataBearing?: boolean }> = {
  aws_cloudtrail: { what: 'trail', loss: 'root-user activity stops being recorded, and every alarm fed by this trail goes blind' },
  aws_cloudwatch_log_group: { what: 'log group', loss: 'its history is deleted and the metric filters and alarms on it stop working', dataBearing: true },
  aws_cloudwatch_log_metric_filter: { what: 'metric filter', loss: 'the alarm fed by this filter can never fire again' },
  aws_cloudwatch_metric_alarm: { what: 'alarm', loss: 'root-user activity matching this detection no longer pages anyone' },
  aws_sns_topic: { what: 'alert topic', loss: 'alarms and rules have nowhere to send alerts: nobody is paged' },
  aws_sns_topic_subscription: { what: 'alert subscription', loss: 'this responder endpoint no longer receives root-activity alerts' },
  aws_sns_topic_policy: { what: 'alert topic policy', loss: 'CloudWatch and EventBridge may no longer be allowed to publish alerts' },
  aws_cloudwatch_event_rule: { what: 'EventBridge rule', loss: 'the root events it matches are no longer forwarded or alerted on' },
  aws_cloudwatch_event_target: { what: 'EventBridge target', loss: 'its rule still matches but delivers the event nowhere' },
  aws_cloudwatch_event_bus: { what: 'event bus', loss: 'events forwarded from member accounts are dropped' },
  aws_cloudwatch_event_bus_policy: { what: 'event bus policy', loss: 'member accounts may no longer be allowed to forward root events' },
  aws_kms_key: { what: 'KMS key', loss: 'it is scheduled for deletion: what it encrypts (trail logs or alerts) becomes unreadable or undeliverable', dataBearing: true },
  aws_kms_alias: { what: 'KMS alias', loss: 'the monitoring-protection SCP guards keys by this alias: the key loses that protection' },
  aws_s3_bucket: { what: 'S3 bucket', loss: 'the trail archive (or Config history) is deleted', dataBearing: true },
  aws_s3_bucket_policy: { what: 'bucket policy', loss: 'CloudTrail or Config may no longer be allowed to write, and the bucket loses its deny-delete guards' },
  aws_s3_bucket_server_side_encryption_configuration: { what: 'bucket encryption', loss: 'trail logs are no longer encrypted with the monitoring key' },
  aws_s3_bucket_ownership_controls: { what: 'bucket ownership controls', loss: 'objects written by other accounts may be owned by them again, and ACLs come back into play' },
  aws_s3_bucket_versioning: { what: 'bucket versioning', loss: 'overwritten or deleted trail logs can no longer be recovered' },
  aws_s3_bucket_public_access_block: { what: 'public access block', loss: 'the trail bucket may be made public' },
  aws_s3_bucket_object_lock_configuration: { what: 'object lock', loss: 'trail logs can be deleted before their retention ends' },
  aws_sqs_queue: { what: 'dead-letter queue', loss: 'alerts that fail delivery are lost without trace' },
  aws_sqs_queue_policy: { what: 'queue policy', loss: 'failed alert deliveries may no longer reach the dead-letter queue' },
  aws_guardduty_detector: { what: 'GuardDuty detector', loss: 'GuardDuty stops detecting root credential misuse in this account' },
  aws_guardduty_organization_admin_account: { what: 'GuardDuty delegated admin', loss: 'the security account no longer sees GuardDuty findings organization-wide' },
  aws_guardduty_organization_configuration: { what: 'GuardDuty organization configuration', loss: 'new accounts are no longer enrolled in GuardDuty' },
  aws_config_configuration_recorder: { what: 'Config recorder', loss: 'root MFA and access-key compliance is no longer evaluated' },
  aws_config_configuration_recorder_status: { what: 'Config recorder status', loss: 'the recorder stops' },
  aws_config_delivery_channel: { what: 'Config delivery channel', loss: 'Config results are no longer delivered' },
  aws_config_organization_managed_rule: { what: 'Config rule', loss: 'this root-user compliance check no longer runs in the organization' },
  aws_iam_role: { what: 'pipeline role', loss: 'the service that runs as it (CloudTrail to Logs, the event forwarder or Config) stops working' },
  aws_iam_role_policy: { what: 'pipeline role policy', loss: 'the service that runs as the role loses the permissions it needs' },
  aws_iam_role_policy_attachment: { what: 'pipeline role policy attachment', loss: 'the service that runs as the role loses the permissions it needs' },
};
const MONITORING_TYPES = Object.keys(MONITORING);

function isMonitoring(c: Change): boolean {
  if (!(c.type in MONITORING)) return false;
  if (c.type === 'aws_iam_role' || c.type === 'aws_iam_role_policy' || c.type === 'aws_iam_role_policy_attachment') return isPipelineRole(c);
  return true;
}

function monitoringLabel(c: Change): string {
  const m = MONITORING[c.type];
  if (c.type === 'aws_sns_topic_subscription') {
    const v = c.kind === 'delete' ? c.before : { ...c.before, ...c.after };
    const topic = String(v.topic_arn ?? '').split(':').pop();
    return `the alert subscription ${v.protocol ?? ''} \`${v.endpoint ?? '?'}\` on topic \`${topic}\``;
  }
  if (c.type === 'aws_cloudwatch_event_target') {
    const v = c.kind === 'delete' ? c.before : { ...c.before, ...c.after };
    return `the EventBridge target of rule \`${v.rule ?? '?'}\` (${String(v.arn ?? '?')})`;
  }
  if (c.type === 'aws_cloudwatch_log_metric_filter') return `the metric filter \`${nameOf(c)}\` on \`${String(value(c, 'log_group_name') ?? '?')}\``;
  if (c.type === 'aws_kms_key') return `the KMS key ${str(value(c, 'description')) ? `"${value(c, 'description')}"` : `\`${nameOf(c)}\``}`;
  return `the ${m.what} \`${nameOf(c)}\``;
}

function visibleChanges(c: Change): string {
  const list = c.changed.filter((k) => k !== 'tags_all');
  return list.length ? list.map((k) => `\`${k}\``).join(', ') : 'attributes known only after apply';
}

// ---------------------------------------------------------------- policy verdicts (memoized per change)

const verdicts = new WeakMap<Change, Verdict>();
function verdictOf(c: Change, attr: string): Verdict {
  let v = verdicts.get(c);
  if (!v) {
    const b = parsePolicy(c.before[attr]);
    const a = c.unknown.has(attr) ? undefined : parsePolicy(c.after[attr]);
    // Without both documents nothing can be judged: the fallback rules show the change instead.
    v = b && a ? judgePolicy(b, a) : { loosened: [], tightened: [], unclear: [] };
    verdicts.set(c, v);
  }
  return v;
}

function trustBefore(c: Change) {
  return parsePolicy(c.before.assume_role_policy);
}
function trustAfter(c: Change) {
  return parsePolicy(c.after.assume_role_policy);
}
function trustKnown(c: Change): boolean {
  return c.kind === 'update' && c.changed.includes('assume_role_policy') && !!trustBefore(c) && !!trustAfter(c);
}

function lostGuards(c: Change, key: string): string[] {
  const b = guardsOn(trustBefore(c), key);
  const a = new Set(guardsOn(trustAfter(c), key));
  return b.filter((g) => !a.has(g));
}

function seconds(n: number): string {
  if (!Number.isFinite(n)) return 'no limit';
  if (n % 3600 === 0) return `${n / 3600} h`;
  if (n % 60 === 0) return `${n / 60} min`;
  return `${n} s`;
}

// ---------------------------------------------------------------- the rules

export const RULES: Rule[] = [
  // ---- SCPs and their attachments
  {
    id: 'RL-SCP-DETACHED',
    severity: 'high',
    title: 'SCP detached from an OU, account or the root',
    resourceTypes: ['aws_organizations_policy_attachment'],
    when: (c) => isRemoval(c),
    explain: (c) => {
      const policy = c.index.resourceById(c.before.policy_id);
      const pname = str(policy?.values?.name) ?? '';
      const label = pname ? scpLabel(pname) : `the policy ${c.index.describeId(c.before.policy_id)}`;
      const target = c.index.describeId(c.before.target_id);
      const where = /^ou-/.test(String(c.before.target_id)) ? `OU ${target}` : target;
      return `Detaches ${label} from ${where}: ${scpConsequence(pname)}.`;
    },
  },
  {
    id: 'RL-SCP-REATTACHED',
    severity: 'medium',
    title: 'SCP attachment replaced (detached, then attached again)',
    resourceTypes: ['aws_organizations_policy_attachment'],
    when: (c) => c.kind === 'replace',
    explain: (c) => {
      const moved = c.changed.includes('target_id') && !c.unknown.has('target_id');
      return moved
        ? `Moves an SCP attachment from ${c.index.describeId(c.before.target_id)} to ${c.index.describeId(c.after.target_id)}: the old target loses the guardrail.`
        : `Detaches and re-attaches ${c.index.describeId(c.before.policy_id)} on ${c.index.describeId(c.before.target_id)} (${visibleChanges(c)}): for a moment, and for good if the apply fails half-way, the target has no such guardrail.`;
    },
  },
  {
    id: 'RL-SCP-DELETED',
    severity: 'high',
    title: 'SCP deleted',
    resourceTypes: ['aws_organizations_policy'],
    when: (c) => isRemoval(c) && isGuardrailPolicy(c),
    explain: (c) => `Deletes ${scpLabel(nameOf(c))} (with every attachment): ${scpConsequence(nameOf(c))} in any OU it protected.`,
  },
  {
    id: 'RL-SCP-LOOSENED',
    severity: 'high',
    title: 'SCP content loosened (Deny removed, narrowed or given an exception)',
    resourceTypes: ['aws_organizations_policy'],
    when: (c) => (c.kind === 'update' || c.kind === 'replace') && isGuardrailPolicy(c) && c.changed.includes('content') && verdictOf(c, 'content').loosened.length > 0,
    explain: (c) => {
      const name = nameOf(c);
      const who = ROOT_DENY.test(name) ? 'member-account root users' : MONITORING_PROTECTION.test(name) ? 'any principal with the IAM permissions, not only the deployment role,' : 'principals';
      return `Loosens ${scpLabel(name)}: ${verdictOf(c, 'content').loosened.join('; ')}. In every OU it is attached to, ${who} may now do what it denied before.`;
    },
  },
  {
    id: 'RL-SCP-REPLACED',
    severity: 'medium',
    title: 'SCP replaced (a new policy id; attachments re-created)',
    resourceTypes: ['aws_organizations_policy'],
    when: (c) => c.kind === 'replace' && isGuardrailPolicy(c),
    explain: (c) => `Destroys and re-creates ${scpLabel(nameOf(c))} (${visibleChanges(c)}): its attachments are re-created too, and the OUs are unprotected in between.`,
  },
  {
    id: 'RL-SCP-CHANGED',
    severity: 'medium',
    title: 'SCP content changed (no loosening found: check the diff, a wider Deny can lock out the deploy)',
    resourceTypes: ['aws_organizations_policy'],
    fallback: true,
    when: (c) => c.kind === 'update' && isGuardrailPolicy(c) && !onlyCosmetic(c),
    explain: (c) => {
      if (c.unknown.has('content')) return `Changes ${scpLabel(nameOf(c))} to content known only after apply: review the configuration change itself.`;
      const v = verdictOf(c, 'content');
      const parts = [...v.tightened.map((t) => `tighter: ${t}`), ...v.unclear.map((u) => `check: ${u}`)];
      return `Changes ${scpLabel(nameOf(c))}${parts.length ? ` (${parts.join('; ')})` : ` (${visibleChanges(c)})`}. Nothing is let through that was denied, but a wider Deny can stop the deploy role or legitimate work.`;
    },
  },

  // ---- centralized root access and the organization
  {
    id: 'RL-ROOT-ACCESS-DISABLED',
    severity: 'high',
    title: 'Centralized root access features disabled',
    resourceTypes: ['aws_iam_organizations_features'],
    when: (c) => isRemoval(c) || ((c.kind === 'update' || c.kind === 'replace') && removedItems(c, 'enabled_features').length > 0),
    explain: (c) => {
      const lost = isRemoval(c) ? strings(c.before.enabled_features) : removedItems(c, 'enabled_features');
      const what = lost.map((f) => (f === 'RootCredentialsManagement' ? 'RootCredentialsManagement (member accounts could get root passwords, keys and MFA again)' : f === 'RootSessions' ? 'RootSessions (no more AssumeRoot task sessions: root-only tasks would need real root credentials)' : f));
      return `${isRemoval(c) ? 'Removes the centralized root access resource, disabling' : 'Disables'} ${what.join(' and ') || 'centralized root access'}.`;
    },
  },
  {
    id: 'RL-ROOT-ACCESS-ENABLED',
    severity: 'low',
    title: 'Centralized root access features enabled (more protection)',
    resourceTypes: ['aws_iam_organizations_features'],
    when: (c) => c.kind === 'update' && c.changed.every((k) => k === 'enabled_features' || k === 'tags' || k === 'tags_all') && addedItems(c, 'enabled_features').length > 0 && removedItems(c, 'enabled_features').length === 0,
    explain: (c) => `Enables ${addedItems(c, 'enabled_features').join(' and ')}: more protection, nothing removed.`,
  },
  {
    id: 'RL-ORG-TRUSTED-ACCESS-REMOVED',
    severity: 'high',
    title: 'Organization trusted access (aws_service_access_principals) removed',
    resourceTypes: ['aws_organizations_organization'],
    when: (c) => c.kind === 'update' && removedItems(c, 'aws_service_access_principals').length > 0,
    explain: (c) => {
      const why: Record<string, string> = {
        'iam.amazonaws.com': 'centralized root access stops working',
        'cloudtrail.amazonaws.com': 'the organization trail stops covering member accounts',
        'guardduty.amazonaws.com': 'GuardDuty delegated administration stops',
        'config.amazonaws.com': 'organization Config rules stop',
        'config-multiaccountsetup.amazonaws.com': 'organization Config rules stop',
      };
      return `Removes trusted access for ${removedItems(c, 'aws_service_access_principals')
        .map((p) => `\`${p}\`${why[p] ? ` (${why[p]})` : ''}`)
        .join(', ')}. Disabling trusted access also deletes that service's organization-wide resources.`;
    },
  },
  {
    id: 'RL-ORG-SCP-TYPE-DISABLED',
    severity: 'high',
    title: 'SCP policy type disabled on the organization root',
    resourceTypes: ['aws_organizations_organization'],
    when: (c) => c.kind === 'update' && removedItems(c, 'enabled_policy_types').some((t) => t === 'SERVICE_CONTROL_POLICY' || t === 'RESOURCE_CONTROL_POLICY'),
    explain: (c) => `Disables ${removedItems(c, 'enabled_policy_types').join(', ')} on the organization root: every SCP is detached everywhere at once, root-deny included.`,
  },
  {
    id: 'RL-ORG-REMOVED',
    severity: 'high',
    title: 'Organization deleted, replaced or its feature set changed',
    resourceTypes: ['aws_organizations_organization'],
    when: (c) => isRemoval(c) || c.kind === 'replace' || (c.kind === 'update' && c.changed.includes('feature_set')),
    explain: (c) =>
      c.kind === 'update'
        ? `Changes the organization's feature set from ${c.before.feature_set} to ${c.after.feature_set ?? 'unknown'}: without ALL features there are no SCPs.`
        : `${c.kind === 'replace' ? 'Replaces' : 'Deletes'} the organization: every SCP, trusted access and delegated administration goes with it.`,
  },
  {
    id: 'RL-ORG-DELEGATION-REMOVED',
    severity: 'medium',
    title: 'Delegated administrator removed',
    resourceTypes: ['aws_organizations_delegated_administrator', 'aws_cloudtrail_organization_delegated_admin_account'],
    when: (c) => isRemoval(c) || c.kind === 'replace',
    explain: (c) =>
      `Removes account ${c.before.account_id} as delegated administrator for \`${c.before.service_principal ?? 'cloudtrail.amazonaws.com'}\`: the security account can no longer run that service for the organization.`,
  },

  // ---- the break-glass role
  {
    id: 'RL-BG-ROLE-REMOVED',
    severity: 'high',
    title: 'Break-glass role deleted',
    resourceTypes: ['aws_iam_role'],
    when: (c) => isBreakGlassRole(c) && isRemoval(c),
    explain: (c) => `Deletes the break-glass role \`${nameOf(c)}\`: there is no audited emergency path into this account, which pushes responders towards root credentials.`,
  },
  {
    id: 'RL-BG-PRINCIPAL-ADDED',
    severity: 'high',
    title: 'Break-glass trust policy trusts a new principal',
    resourceTypes: ['aws_iam_role'],
    when: (c) => isBreakGlassRole(c) && trustKnown(c) && gained(trustedPrincipals(trustBefore(c)), trustedPrincipals(trustAfter(c))).length > 0,
    explain: (c) => {
      const added = gained(trustedPrincipals(trustBefore(c)), trustedPrincipals(trustAfter(c)));
      return `Lets ${added.map((p) => `\`${p.replace(/^AWS:/, '')}\``).join(', ')} assume the break-glass role \`${nameOf(c)}\` (administrator access). Only named, custody-tracked humans belong here.`;
    },
  },
  {
    id: 'RL-BG-MFA-WEAKENED',
    severity: 'high',
    title: 'Break-glass MFA requirement removed or weakened',
    resourceTypes: ['aws_iam_role'],
    when: (c) =>
      isBreakGlassRole(c) &&
      trustKnown(c) &&
      (lostGuards(c, 'aws:MultiFactorAuthPresent').length > 0 || (effectiveMfaMaxAge(trustAfter(c)) === Infinity && effectiveMfaMaxAge(trustBefore(c)) !== Infinity)),
    explain: (c) => {
      const lost = lostGuards(c, 'aws:MultiFactorAuthPresent');
      const age = effectiveMfaMaxAge(trustAfter(c)) === Infinity && effectiveMfaMaxAge(trustBefore(c)) !== Infinity;
      const parts = [...lost.map((g) => `drops ${g}`), ...(age ? ['no longer limits aws:MultiFactorAuthAge at all'] : [])];
      return `The break-glass role \`${nameOf(c)}\` ${parts.join('; ')}: a stolen password or access key of a trusted principal could be enough to become administrator.`;
    },
  },
  {
    id: 'RL-BG-SOURCE-IDENTITY-WEAKENED',
    severity: 'high',
    title: 'Break-glass source-identity requirement removed or weakened',
    resourceTypes: ['aws_iam_role'],
    when: (c) => isBreakGlassRole(c) && trustKnown(c) && lostGuards(c, 'sts:SourceIdentity').length > 0,
    explain: (c) =>
      `The break-glass role \`${nameOf(c)}\` ${lostGuards(c, 'sts:SourceIdentity')
        .map((g) => `drops ${g}`)
        .join('; ')}: sessions may no longer carry the name of the person who opened them, so CloudTrail cannot attribute what they do.`,
  },
  {
    id: 'RL-BG-MFA-AGE-RAISED',
    severity: 'medium',
    title: 'Break-glass MultiFactorAuthAge limit raised',
    resourceTypes: ['aws_iam_role'],
    when: (c) => {
      if (!isBreakGlassRole(c) || !trustKnown(c)) return false;
      const b = effectiveMfaMaxAge(trustBefore(c));
      const a = effectiveMfaMaxAge(trustAfter(c));
      return a > b && Number.isFinite(a);
    },
    explain: (c) =>
      `The break-glass role \`${nameOf(c)}\` accepts an MFA sign-in up to ${seconds(effectiveMfaMaxAge(trustAfter(c)))} old (was ${seconds(effectiveMfaMaxAge(trustBefore(c)))}): a longer window for a hijacked console session to reach administrator.`,
  },
  {
    id: 'RL-BG-SESSION-LONGER',
    severity: 'medium',
    title: 'Break-glass session length raised',
    resourceTypes: ['aws_iam_role'],
    when: (c) => isBreakGlassRole(c) && c.kind === 'update' && c.changed.includes('max_session_duration') && Number(c.after.max_session_duration) > Number(c.before.max_session_duration),
    explain: (c) =>
      `Break-glass sessions on \`${nameOf(c)}\` may last ${seconds(Number(c.after.max_session_duration))} (was ${seconds(Number(c.before.max_session_duration))}): an emergency session outlives the emergency.`,
  },
  {
    id: 'RL-BG-ACTIONS-ADDED',
    severity: 'medium',
    title: 'Break-glass trust policy allows new actions',
    resourceTypes: ['aws_iam_role'],
    when: (c) => isBreakGlassRole(c) && trustKnown(c) && gained(allowedActions(trustBefore(c)), allowedActions(trustAfter(c))).length > 0,
    explain: (c) =>
      `The break-glass trust policy of \`${nameOf(c)}\` now allows ${gained(allowedActions(trustBefore(c)), allowedActions(trustAfter(c)))
        .map((a) => `\`${a}\``)
        .join(', ')} (e.g. sts:TagSession lets a caller set session tags the role's conditions may trust).`,
  },
  {
    id: 'RL-BG-PERMISSIONS-CHANGED',
    severity: 'medium',
    title: "Break-glass role's permissions changed",
    resourceTypes: ['aws_iam_role_policy_attachment', 'aws_iam_role_policy'],
    when: (c) => isBreakGlassPermission(c) && (c.kind === 'delete' || c.kind === 'replace' || c.kind === 'create' || (c.kind === 'update' && !onlyCosmetic(c))),
    explain: (c) => {
      const role = str(c.before.role) ?? str(c.after.role);
      const what = c.type === 'aws_iam_role_policy_attachment' ? `managed policy \`${value(c, 'policy_arn')}\`` : `inline policy \`${nameOf(c)}\``;
      const verb = c.kind === 'delete' ? 'detaches' : c.kind === 'create' ? 'attaches' : 'changes';
      return `${verb[0].toUpperCase()}${verb.slice(1)} the ${what} on the break-glass role \`${role}\`: the runbooks promise responders a known set of permissions (AdministratorAccess), and the role's permissions are what an attacker gets if its trust is ever bypassed.`;
    },
  },
  {
    id: 'RL-BG-CHANGED',
    severity: 'medium',
    title: 'Break-glass role changed in another way (check the diff)',
    resourceTypes: ['aws_iam_role'],
    fallback: true,
    when: (c) => isBreakGlassRole(c) && (c.kind === 'update' || c.kind === 'replace' || c.kind === 'forget') && !onlyCosmetic(c),
    explain: (c) => {
      if (c.kind === 'replace') return `Replaces the break-glass role \`${nameOf(c)}\` (${visibleChanges(c)}): its ARN in the runbooks and the monitoring-protection SCP must still match.`;
      if (c.kind === 'forget') return `Stops managing the break-glass role \`${nameOf(c)}\` (it stays in the account, no longer reverted if edited).`;
      const v = c.changed.includes('assume_role_policy') ? verdictOf(c, 'assume_role_policy') : undefined;
      const detail = v ? [...v.loosened.map((x) => `looser: ${x}`), ...v.tightened.map((x) => `tighter: ${x}`), ...v.unclear.map((x) => `check: ${x}`)] : [];
      return `Changes the break-glass role \`${nameOf(c)}\` (${detail.length ? detail.join('; ') : visibleChanges(c)}).`;
    },
  },

  // ---- the monitoring pipeline
  {
    id: 'RL-MONITORING-REMOVED',
    severity: 'high',
    title: 'Trail, log group, metric filter, alarm, topic, subscription, rule or key removed (or a data-bearing one replaced)',
    resourceTypes: MONITORING_TYPES,
    when: (c) => isMonitoring(c) && (isRemoval(c) || (c.kind === 'replace' && !!MONITORING[c.type].dataBearing)),
    explain: (c) => `${c.kind === 'replace' ? 'Destroys and re-creates' : 'Removes'} ${monitoringLabel(c)}: ${MONITORING[c.type].loss}.`,
  },
  {
    id: 'RL-TRAIL-WEAKENED',
    severity: 'high',
    title: 'Trail stopped, narrowed or disconnected from the alarms',
    resourceTypes: ['aws_cloudtrail'],
    when: (c) =>
      c.kind === 'update' &&
      (turnedOff(c, 'enable_logging') ||
        turnedOff(c, 'is_organization_trail') ||
        turnedOff(c, 'is_multi_region_trail') ||
        turnedOff(c, 'include_global_service_events') ||
        turnedOff(c, 'enable_log_file_validation') ||
        (c.changed.includes('cloud_watch_logs_group_arn') && !!c.before.cloud_watch_logs_group_arn) ||
        (c.changed.includes('s3_bucket_name') && !!c.before.s3_bucket_name)),
    explain: (c) => {
      const what: string[] = [];
      if (turnedOff(c, 'enable_logging')) what.push('stops logging');
      if (turnedOff(c, 'is_organization_trail')) what.push('stops covering the member accounts (no longer an organization trail)');
      if (turnedOff(c, 'is_multi_region_trail')) what.push('stops covering other regions');
      if (turnedOff(c, 'include_global_service_events')) what.push('drops global service events (IAM, STS, console sign-in)');
      if (turnedOff(c, 'enable_log_file_validation')) what.push('stops log file validation (tampering goes unnoticed)');
      if (c.changed.includes('cloud_watch_logs_group_arn') && c.before.cloud_watch_logs_group_arn) what.push(`no longer delivers to the alarm log group (${String(c.before.cloud_watch_logs_group_arn).replace(/:\*$/, '')})`);
      if (c.changed.includes('s3_bucket_name') && c.before.s3_bucket_name) what.push(`writes to bucket \`${c.after.s3_bucket_name ?? 'unknown'}\` instead of \`${c.before.s3_bucket_name}\``);
      return `The trail \`${nameOf(c)}\` ${what.join(', ')}.`;
    },
  },
  {
    id: 'RL-ALARM-SILENCED',
    severity: 'high',
    title: 'Alarm actions disabled or removed',
    resourceTypes: ['aws_cloudwatch_metric_alarm'],
    when: (c) => c.kind === 'update' && (turnedOff(c, 'actions_enabled') || removedItems(c, 'alarm_actions').length > 0),
    explain: (c) => {
      if (turnedOff(c, 'actions_enabled')) return `The alarm \`${nameOf(c)}\` keeps evaluating but its actions are disabled: it pages nobody.`;
      const left = strings(c.after.alarm_actions);
      return `The alarm \`${nameOf(c)}\` no longer notifies ${removedItems(c, 'alarm_actions')
        .map((a) => `\`${a}\``)
        .join(', ')}${left.length ? '' : ': it has no action left and pages nobody'}.`;
    },
  },
  {
    id: 'RL-RULE-DISABLED',
    severity: 'high',
    title: 'EventBridge rule disabled',
    resourceTypes: ['aws_cloudwatch_event_rule'],
    when: (c) => c.kind === 'update' && ((c.changed.includes('state') && c.after.state === 'DISABLED') || turnedOff(c, 'is_enabled')),
    explain: (c) => `Disables the EventBridge rule \`${nameOf(c)}\`: the root events it matches are no longer forwarded or alerted on.`,
  },
  {
    id: 'RL-KEY-DISABLED',
    severity: 'high',
    title: 'Monitoring KMS key disabled',
    resourceTypes: ['aws_kms_key'],
    when: (c) => c.kind === 'update' && turnedOff(c, 'is_enabled'),
    explain: (c) => `Disables ${monitoringLabel(c)}: what it encrypts (trail logs or alerts) can no longer be written or read.`,
  },
  {
    id: 'RL-LOG-RETENTION-SHORTER',
    severity: 'medium',
    title: 'Log retention shortened',
    resourceTypes: ['aws_cloudwatch_log_group'],
    when: (c) => {
      if (c.kind !== 'update' || !c.changed.includes('retention_in_days')) return false;
      const b = Number(c.before.retention_in_days) || Infinity;
      const a = Number(c.after.retention_in_days) || Infinity;
      return a < b;
    },
    explain: (c) => `Shortens the retention of \`${nameOf(c)}\` from ${Number(c.before.retention_in_days) || 'never expire'} to ${c.after.retention_in_days} days: less history to investigate a root-user incident with.`,
  },
  {
    id: 'RL-MONITORING-UNMANAGED',
    severity: 'medium',
    title: 'Security resource removed from Terraform but left running (forget)',
    resourceTypes: '*',
    when: (c) => c.kind === 'forget' && (isMonitoring(c) || isBreakGlassRole(c) || /^aws_organizations_|^aws_iam_organizations_/.test(c.type)),
    explain: (c) => `Stops managing \`${c.address}\` (${nameOf(c)}): it stays deployed, but drift is no longer detected or reverted.`,
  },
  {
    id: 'RL-MONITORING-CHANGED',
    severity: 'medium',
    title: 'Monitoring resource changed (check the diff)',
    resourceTypes: MONITORING_TYPES,
    fallback: true,
    when: (c) => isMonitoring(c) && (c.kind === 'update' || c.kind === 'replace') && !onlyCosmetic(c),
    explain: (c) => `${c.kind === 'replace' ? 'Replaces' : 'Changes'} ${monitoringLabel(c)} (${visibleChanges(c)}). If this changes what is matched or where it goes: ${MONITORING[c.type].loss}.`,
  },
  {
    id: 'RL-ORG-CHANGED',
    severity: 'medium',
    title: 'Organization, root-access or SCP attachment setting changed (check the diff)',
    resourceTypes: ['aws_organizations_organization', 'aws_iam_organizations_features', 'aws_organizations_policy_attachment', 'aws_organizations_delegated_administrator'],
    fallback: true,
    when: (c) => (c.kind === 'update' || c.kind === 'replace') && !onlyCosmetic(c),
    explain: (c) => `Changes \`${c.address}\` (${visibleChanges(c)}).`,
  },

  ...protectionRules,

  // ---- everything else
  {
    id: 'RL-COSMETIC',
    severity: 'low',
    title: 'Tags or descriptions only',
    resourceTypes: '*',
    when: (c) => onlyCosmetic(c),
    explain: (c) => `Tags or descriptions only (${visibleChanges(c)}): no effect on access or monitoring.`,
  },
  {
    id: 'RL-OTHER',
    severity: 'low',
    title: 'Any other change',
    resourceTypes: '*',
    fallback: true,
    when: (c) => c.kind !== 'no-op' && c.kind !== 'read',
    explain: (c) => {
      switch (c.kind) {
        case 'create':
          return 'Created: adds protection or supporting resources, removes none.';
        case 'delete':
          return `Destroyed (\`${nameOf(c)}\`): not a resource any rule treats as security-relevant.`;
        case 'replace':
          return `Replaced (${visibleChanges(c)}).`;
        case 'forget':
          return 'Removed from Terraform, left running.';
        default:
          return `Changed (${visibleChanges(c)}).`;
      }
    },
  },
];

export function appliesTo(rule: Rule, c: Change): boolean {
  return rule.resourceTypes === '*' || rule.resourceTypes.includes(c.type);
}

export interface Finding {
  rule: Rule;
  severity: Severity;
  change: Change;
  message: string;
}

/** Every ordinary rule that matches; when none does, the first matching fallback. */
export function evaluate(c: Change, rules: Rule[] = RULES): Finding[] {
  if (c.kind === 'no-op' || c.kind === 'read') return [];
  const hit = (r: Rule) => appliesTo(r, c) && r.when(c);
  const found = rules.filter((r) => !r.fallback && hit(r));
  if (found.length === 0) {
    const fb = rules.find((r) => r.fallback && hit(r));
    if (fb) found.push(fb);
  }
  return found.map((rule) => ({ rule, severity: rule.severity, change: c, message: rule.explain(c) }));
}
