/** The break-glass role: who may assume it, with which MFA and source identity, for how long, with what rights. */
import { isRemoval, nameOf, onlyCosmetic, str, value } from '../change';
import { effectiveMfaMaxAge, gained, allowedActions, trustedPrincipals } from '../policy';
import { isBreakGlassPermission, isBreakGlassRole, lostGuards, policyVerdict, seconds, trustChange, visibleChanges, when } from '../evidence';
import { defineRule, FIRES, Rule } from '../rule';

/** The evidence of a rule on the break-glass trust policy: the change must be a known trust-policy update. */
function onTrust<E>(c: Parameters<typeof trustChange>[0], pick: (t: NonNullable<ReturnType<typeof trustChange>>) => E | undefined): E | undefined {
  if (!isBreakGlassRole(c)) return undefined;
  const t = trustChange(c);
  return t ? pick(t) : undefined;
}

const nonEmpty = <T>(list: T[]): T[] | undefined => (list.length > 0 ? list : undefined);

export const breakGlassRules: Rule[] = [
  defineRule({
    id: 'RL-BG-ROLE-REMOVED',
    severity: 'high',
    title: 'Break-glass role deleted',
    firesOn: 'the break-glass role destroyed',
    resourceTypes: ['aws_iam_role'],
    check: (c) => when(isBreakGlassRole(c) && isRemoval(c), () => FIRES),
    explain: (c) => `Deletes the break-glass role \`${nameOf(c)}\`: there is no audited emergency path into this account, which pushes responders towards root credentials.`,
  }),
  defineRule({
    id: 'RL-BG-PRINCIPAL-ADDED',
    severity: 'high',
    title: 'Break-glass trust policy trusts a new principal',
    firesOn: 'the trust policy trusts a principal it did not before',
    resourceTypes: ['aws_iam_role'],
    check: (c) => onTrust(c, (t) => nonEmpty(gained(trustedPrincipals(t.before), trustedPrincipals(t.after)))),
    explain: (c, added) =>
      `Lets ${added.map((p) => `\`${p.replace(/^AWS:/, '')}\``).join(', ')} assume the break-glass role \`${nameOf(c)}\` (administrator access). Only named, custody-tracked humans belong here.`,
  }),
  defineRule({
    id: 'RL-BG-MFA-WEAKENED',
    severity: 'high',
    title: 'Break-glass MFA requirement removed or weakened',
    firesOn: 'an `aws:MultiFactorAuthPresent` condition (in the Allow or the explicit Deny) removed or changed, or the MFA age no longer limited',
    resourceTypes: ['aws_iam_role'],
    check: (c) =>
      onTrust(c, (t) => {
        const ageUnlimited = effectiveMfaMaxAge(t.after) === Infinity && effectiveMfaMaxAge(t.before) !== Infinity;
        const parts = [...lostGuards(t, 'aws:MultiFactorAuthPresent').map((g) => `drops ${g}`), ...(ageUnlimited ? ['no longer limits aws:MultiFactorAuthAge at all'] : [])];
        return nonEmpty(parts);
      }),
    explain: (c, parts) =>
      `The break-glass role \`${nameOf(c)}\` ${parts.join('; ')}: a stolen password or access key of a trusted principal could be enough to become administrator.`,
  }),
  defineRule({
    id: 'RL-BG-SOURCE-IDENTITY-WEAKENED',
    severity: 'high',
    title: 'Break-glass source-identity requirement removed or weakened',
    firesOn: 'an `sts:SourceIdentity` condition removed or changed',
    resourceTypes: ['aws_iam_role'],
    check: (c) => onTrust(c, (t) => nonEmpty(lostGuards(t, 'sts:SourceIdentity'))),
    explain: (c, lost) =>
      `The break-glass role \`${nameOf(c)}\` ${lost
        .map((g) => `drops ${g}`)
        .join('; ')}: sessions may no longer carry the name of the person who opened them, so CloudTrail cannot attribute what they do.`,
  }),
  defineRule({
    id: 'RL-BG-MFA-AGE-RAISED',
    severity: 'medium',
    title: 'Break-glass MultiFactorAuthAge limit raised',
    firesOn: 'the effective `aws:MultiFactorAuthAge` limit (Allow and Deny together) raised',
    resourceTypes: ['aws_iam_role'],
    check: (c) =>
      onTrust(c, (t) => {
        const before = effectiveMfaMaxAge(t.before);
        const after = effectiveMfaMaxAge(t.after);
        return after > before && Number.isFinite(after) ? { before, after } : undefined;
      }),
    explain: (c, { before, after }) =>
      `The break-glass role \`${nameOf(c)}\` accepts an MFA sign-in up to ${seconds(after)} old (was ${seconds(before)}): a longer window for a hijacked console session to reach administrator.`,
  }),
  defineRule({
    id: 'RL-BG-SESSION-LONGER',
    severity: 'medium',
    title: 'Break-glass session length raised',
    firesOn: '`max_session_duration` raised',
    resourceTypes: ['aws_iam_role'],
    check: (c) =>
      when(isBreakGlassRole(c) && c.kind === 'update' && c.changed.includes('max_session_duration') && Number(c.after.max_session_duration) > Number(c.before.max_session_duration), () => ({
        before: Number(c.before.max_session_duration),
        after: Number(c.after.max_session_duration),
      })),
    explain: (c, { before, after }) => `Break-glass sessions on \`${nameOf(c)}\` may last ${seconds(after)} (was ${seconds(before)}): an emergency session outlives the emergency.`,
  }),
  defineRule({
    id: 'RL-BG-ACTIONS-ADDED',
    severity: 'medium',
    title: 'Break-glass trust policy allows new actions',
    firesOn: 'the trust policy allows new actions (e.g. `sts:TagSession`)',
    resourceTypes: ['aws_iam_role'],
    check: (c) => onTrust(c, (t) => nonEmpty(gained(allowedActions(t.before), allowedActions(t.after)))),
    explain: (c, added) =>
      `The break-glass trust policy of \`${nameOf(c)}\` now allows ${added
        .map((a) => `\`${a}\``)
        .join(', ')} (e.g. sts:TagSession lets a caller set session tags the role's conditions may trust).`,
  }),
  defineRule({
    id: 'RL-BG-PERMISSIONS-CHANGED',
    severity: 'medium',
    title: "Break-glass role's permissions changed",
    firesOn: 'a managed or inline policy of the break-glass role attached, detached or changed',
    resourceTypes: ['aws_iam_role_policy_attachment', 'aws_iam_role_policy'],
    check: (c) => when(isBreakGlassPermission(c) && (c.kind === 'delete' || c.kind === 'replace' || c.kind === 'create' || (c.kind === 'update' && !onlyCosmetic(c))), () => FIRES),
    explain: (c) => {
      const role = str(c.before.role) ?? str(c.after.role);
      const what = c.type === 'aws_iam_role_policy_attachment' ? `managed policy \`${value(c, 'policy_arn')}\`` : `inline policy \`${nameOf(c)}\``;
      const verb = c.kind === 'delete' ? 'Detaches' : c.kind === 'create' ? 'Attaches' : 'Changes';
      return `${verb} the ${what} on the break-glass role \`${role}\`: the runbooks promise responders a known set of permissions (AdministratorAccess), and the role's permissions are what an attacker gets if its trust is ever bypassed.`;
    },
  }),
  defineRule({
    id: 'RL-BG-CHANGED',
    severity: 'medium',
    title: 'Break-glass role changed in another way (check the diff)',
    firesOn: 'any other non-cosmetic change to the break-glass role',
    resourceTypes: ['aws_iam_role'],
    fallback: true,
    check: (c) =>
      when(isBreakGlassRole(c) && (c.kind === 'update' || c.kind === 'replace' || c.kind === 'forget') && !onlyCosmetic(c), () => {
        if (c.kind !== 'update' || !c.changed.includes('assume_role_policy')) return [] as string[];
        const v = policyVerdict(c, 'assume_role_policy');
        return [...v.loosened.map((x) => `looser: ${x}`), ...v.tightened.map((x) => `tighter: ${x}`), ...v.unclear.map((x) => `check: ${x}`)];
      }),
    explain: (c, detail) => {
      if (c.kind === 'replace') return `Replaces the break-glass role \`${nameOf(c)}\` (${visibleChanges(c)}): its ARN in the runbooks and the monitoring-protection SCP must still match.`;
      if (c.kind === 'forget') return `Stops managing the break-glass role \`${nameOf(c)}\` (it stays in the account, no longer reverted if edited).`;
      return `Changes the break-glass role \`${nameOf(c)}\` (${detail.length ? detail.join('; ') : visibleChanges(c)}).`;
    },
  }),
];
