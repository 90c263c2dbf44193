/** SCPs and their attachments: the root-deny and monitoring-protection guardrails. */
import { isRemoval, nameOf, onlyCosmetic, str } from '../change';
import { isGuardrailPolicy, isMonitoringProtectionScp, isRootDenyScp, policyVerdict, scpConsequence, scpLabel, visibleChanges, when } from '../evidence';
import { defineRule, FIRES, Rule } from '../rule';

export const scpRules: Rule[] = [
  defineRule({
    id: 'RL-SCP-DETACHED',
    severity: 'high',
    title: 'SCP detached from an OU, account or the root',
    firesOn: 'an SCP attachment destroyed (the SCP and OU are named from the prior state)',
    resourceTypes: ['aws_organizations_policy_attachment'],
    check: (c) => when(isRemoval(c), () => str(c.index.resourceById(c.before.policy_id)?.values?.name) ?? ''),
    explain: (c, policyName) => {
      const label = policyName ? scpLabel(policyName) : `the policy ${c.index.describeId(c.before.policy_id)}`;
      const target = c.index.describeId(c.before.target_id);
      const where = /^ou-/.test(String(c.before.target_id)) ? `OU ${target}` : target;
      return `Detaches ${label} from ${where}: ${scpConsequence(policyName)}.`;
    },
  }),
  defineRule({
    id: 'RL-SCP-REATTACHED',
    severity: 'medium',
    title: 'SCP attachment replaced (detached, then attached again)',
    firesOn: 'an SCP attachment replaced or moved',
    resourceTypes: ['aws_organizations_policy_attachment'],
    check: (c) => when(c.kind === 'replace', () => ({ moved: c.changed.includes('target_id') && !c.unknown.has('target_id') })),
    explain: (c, { moved }) =>
      moved
        ? `Moves an SCP attachment from ${c.index.describeId(c.before.target_id)} to ${c.index.describeId(c.after.target_id)}: the old target loses the guardrail.`
        : `Detaches and re-attaches ${c.index.describeId(c.before.policy_id)} on ${c.index.describeId(c.before.target_id)} (${visibleChanges(c)}): for a moment, and for good if the apply fails half-way, the target has no such guardrail.`,
  }),
  defineRule({
    id: 'RL-SCP-DELETED',
    severity: 'high',
    title: 'SCP deleted',
    firesOn: 'an SCP (or RCP) destroyed',
    resourceTypes: ['aws_organizations_policy'],
    check: (c) => when(isRemoval(c) && isGuardrailPolicy(c), () => nameOf(c)),
    explain: (_c, name) => `Deletes ${scpLabel(name)} (with every attachment): ${scpConsequence(name)} in any OU it protected.`,
  }),
  defineRule({
    id: 'RL-SCP-LOOSENED',
    severity: 'high',
    title: 'SCP content loosened (Deny removed, narrowed or given an exception)',
    firesOn:
      'SCP content loosened: a Deny removed or turned into Allow, its actions/resources narrowed, a condition added, a negated condition value added or a positive one removed, NotAction/NotResource extended',
    resourceTypes: ['aws_organizations_policy'],
    check: (c) => {
      if (!((c.kind === 'update' || c.kind === 'replace') && isGuardrailPolicy(c) && c.changed.includes('content'))) return undefined;
      const { loosened } = policyVerdict(c, 'content');
      return loosened.length > 0 ? loosened : undefined;
    },
    explain: (c, loosened) => {
      const name = nameOf(c);
      const who = isRootDenyScp(name) ? 'member-account root users' : isMonitoringProtectionScp(name) ? 'any principal with the IAM permissions, not only the deployment role,' : 'principals';
      return `Loosens ${scpLabel(name)}: ${loosened.join('; ')}. In every OU it is attached to, ${who} may now do what it denied before.`;
    },
  }),
  defineRule({
    id: 'RL-SCP-REPLACED',
    severity: 'medium',
    title: 'SCP replaced (a new policy id; attachments re-created)',
    firesOn: 'an SCP replaced (new id, attachments re-created)',
    resourceTypes: ['aws_organizations_policy'],
    check: (c) => when(c.kind === 'replace' && isGuardrailPolicy(c), () => FIRES),
    explain: (c) => `Destroys and re-creates ${scpLabel(nameOf(c))} (${visibleChanges(c)}): its attachments are re-created too, and the OUs are unprotected in between.`,
  }),
  defineRule({
    id: 'RL-SCP-CHANGED',
    severity: 'medium',
    title: 'SCP content changed (no loosening found: check the diff, a wider Deny can lock out the deploy)',
    firesOn: 'any other SCP content change, e.g. a wider Deny (can lock out the deploy), or content known only after apply',
    resourceTypes: ['aws_organizations_policy'],
    fallback: true,
    check: (c) =>
      when(c.kind === 'update' && isGuardrailPolicy(c) && !onlyCosmetic(c), () => {
        if (c.unknown.has('content')) return { unknownContent: true, parts: [] as string[] };
        const v = policyVerdict(c, 'content');
        return { unknownContent: false, parts: [...v.tightened.map((t) => `tighter: ${t}`), ...v.unclear.map((u) => `check: ${u}`)] };
      }),
    explain: (c, { unknownContent, parts }) => {
      if (unknownContent) return `Changes ${scpLabel(nameOf(c))} to content known only after apply: review the configuration change itself.`;
      return `Changes ${scpLabel(nameOf(c))}${parts.length ? ` (${parts.join('; ')})` : ` (${visibleChanges(c)})`}. Nothing is let through that was denied, but a wider Deny can stop the deploy role or legitimate work.`;
    },
  }),
];
