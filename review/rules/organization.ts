/** The organization itself: centralized root access, trusted access, policy types, delegated administrators. */
import { addedItems, isRemoval, onlyCosmetic, removedItems, strings } from '../change';
import { visibleChanges, when } from '../evidence';
import { defineRule, FIRES, Rule } from '../rule';

const FEATURE_LOSS: Record<string, string> = {
  RootCredentialsManagement: 'RootCredentialsManagement (member accounts could get root passwords, keys and MFA again)',
  RootSessions: 'RootSessions (no more AssumeRoot task sessions: root-only tasks would need real root credentials)',
};

/** What each trusted-access principal rootlock relies on stops doing when it is removed. */
const TRUSTED_ACCESS_LOSS: Record<string, string> = {
  'iam.amazonaws.com': 'centralized root access stops working',
  'cloudtrail.amazonaws.com': 'the organization trail stops covering member accounts',
  'guardduty.amazonaws.com': 'GuardDuty delegated administration stops',
  'config.amazonaws.com': 'organization Config rules stop',
  'config-multiaccountsetup.amazonaws.com': 'organization Config rules stop',
};

const GUARDRAIL_TYPES = ['SERVICE_CONTROL_POLICY', 'RESOURCE_CONTROL_POLICY'];

export const organizationRules: Rule[] = [
  defineRule({
    id: 'RL-ROOT-ACCESS-DISABLED',
    severity: 'high',
    title: 'Centralized root access features disabled',
    firesOn: '`aws_iam_organizations_features` destroyed or `enabled_features` shrinks',
    resourceTypes: ['aws_iam_organizations_features'],
    check: (c) => {
      if (isRemoval(c)) return strings(c.before.enabled_features);
      if (c.kind !== 'update' && c.kind !== 'replace') return undefined;
      const lost = removedItems(c, 'enabled_features');
      return lost.length > 0 ? lost : undefined;
    },
    explain: (c, lost) => {
      const what = lost.map((f) => FEATURE_LOSS[f] ?? f);
      return `${isRemoval(c) ? 'Removes the centralized root access resource, disabling' : 'Disables'} ${what.join(' and ') || 'centralized root access'}.`;
    },
  }),
  defineRule({
    id: 'RL-ROOT-ACCESS-ENABLED',
    severity: 'low',
    title: 'Centralized root access features enabled (more protection)',
    firesOn: 'a root access feature enabled, none disabled',
    resourceTypes: ['aws_iam_organizations_features'],
    check: (c) => {
      if (c.kind !== 'update' || !c.changed.every((k) => k === 'enabled_features' || k === 'tags' || k === 'tags_all')) return undefined;
      const added = addedItems(c, 'enabled_features');
      return added.length > 0 && removedItems(c, 'enabled_features').length === 0 ? added : undefined;
    },
    explain: (_c, added) => `Enables ${added.join(' and ')}: more protection, nothing removed.`,
  }),
  defineRule({
    id: 'RL-ORG-TRUSTED-ACCESS-REMOVED',
    severity: 'high',
    title: 'Organization trusted access (aws_service_access_principals) removed',
    firesOn: '`aws_service_access_principals` loses a principal',
    resourceTypes: ['aws_organizations_organization'],
    check: (c) => {
      const removed = c.kind === 'update' ? removedItems(c, 'aws_service_access_principals') : [];
      return removed.length > 0 ? removed : undefined;
    },
    explain: (_c, removed) =>
      `Removes trusted access for ${removed
        .map((p) => `\`${p}\`${TRUSTED_ACCESS_LOSS[p] ? ` (${TRUSTED_ACCESS_LOSS[p]})` : ''}`)
        .join(', ')}. Disabling trusted access also deletes that service's organization-wide resources.`,
  }),
  defineRule({
    id: 'RL-ORG-SCP-TYPE-DISABLED',
    severity: 'high',
    title: 'SCP policy type disabled on the organization root',
    firesOn: '`enabled_policy_types` loses SERVICE_CONTROL_POLICY (or RESOURCE_CONTROL_POLICY)',
    resourceTypes: ['aws_organizations_organization'],
    check: (c) => {
      const removed = c.kind === 'update' ? removedItems(c, 'enabled_policy_types') : [];
      return removed.some((t) => GUARDRAIL_TYPES.includes(t)) ? removed : undefined;
    },
    explain: (_c, removed) => `Disables ${removed.join(', ')} on the organization root: every SCP is detached everywhere at once, root-deny included.`,
  }),
  defineRule({
    id: 'RL-ORG-REMOVED',
    severity: 'high',
    title: 'Organization deleted, replaced or its feature set changed',
    firesOn: 'the organization destroyed, replaced, or its feature set changed',
    resourceTypes: ['aws_organizations_organization'],
    check: (c) => when(isRemoval(c) || c.kind === 'replace' || (c.kind === 'update' && c.changed.includes('feature_set')), () => FIRES),
    explain: (c) =>
      c.kind === 'update'
        ? `Changes the organization's feature set from ${c.before.feature_set} to ${c.after.feature_set ?? 'unknown'}: without ALL features there are no SCPs.`
        : `${c.kind === 'replace' ? 'Replaces' : 'Deletes'} the organization: every SCP, trusted access and delegated administration goes with it.`,
  }),
  defineRule({
    id: 'RL-ORG-DELEGATION-REMOVED',
    severity: 'medium',
    title: 'Delegated administrator removed',
    firesOn: 'a delegated administrator (Organizations or CloudTrail) removed',
    resourceTypes: ['aws_organizations_delegated_administrator', 'aws_cloudtrail_organization_delegated_admin_account'],
    check: (c) => when(isRemoval(c) || c.kind === 'replace', () => FIRES),
    explain: (c) =>
      `Removes account ${c.before.account_id} as delegated administrator for \`${c.before.service_principal ?? 'cloudtrail.amazonaws.com'}\`: the security account can no longer run that service for the organization.`,
  }),
  defineRule({
    id: 'RL-ORG-CHANGED',
    severity: 'medium',
    title: 'Organization, root-access or SCP attachment setting changed (check the diff)',
    firesOn: 'any other change to the organization, root-access features or an attachment',
    resourceTypes: ['aws_organizations_organization', 'aws_iam_organizations_features', 'aws_organizations_policy_attachment', 'aws_organizations_delegated_administrator'],
    fallback: true,
    check: (c) => when((c.kind === 'update' || c.kind === 'replace') && !onlyCosmetic(c), () => FIRES),
    explain: (c) => `Changes \`${c.address}\` (${visibleChanges(c)}).`,
  }),
];
