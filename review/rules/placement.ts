/**
 * Where member accounts sit (`aws_organizations_account`, the management stack's placement). Where an account sits
 * decides which SCPs reach it (SCPs are inherited from the root and every OU above it), so a move out of an OU, a
 * removal or a replacement is high; a move from the root into an OU (what placement does to a freshly vended account)
 * puts it under the rootlock SCPs and is shown for the record.
 *
 * A rule sees one change, not the attachments around it: every OU rootlock manages carries the root-deny SCP unless
 * exempted (exemptions are rejected where an ancestor carries it), so leaving any OU is treated as leaving coverage.
 * Forgetting an account (moved to unmanagedAccounts: a `removed` block, never a destroy) is left to the general
 * "stops managing" rule.
 */
import { Change, str } from '../change';
import { when } from '../evidence';
import { defineRule, FIRES, Rule } from '../rule';

const TYPE = 'aws_organizations_account';

function accountOf(c: Change): string {
  const id = str(c.before.id) ?? str(c.after.id) ?? c.address;
  const name = str(c.before.name) ?? str(c.after.name);
  return name ? `account ${id} (${name})` : `account ${id}`;
}

/** The old and new parent when an update moves the account; undefined otherwise. */
function move(c: Change): { from: string; to: string; fromRoot: boolean } | undefined {
  if (c.kind !== 'update' || !c.changed.includes('parent_id') || typeof c.before.parent_id !== 'string') return undefined;
  return {
    from: c.index.describeId(c.before.parent_id),
    to: c.unknown.has('parent_id') ? 'an OU created by this plan' : c.index.describeId(c.after.parent_id),
    fromRoot: /^r-/.test(c.before.parent_id),
  };
}

export const placementRules: Rule[] = [
  defineRule({
    id: 'RL-ACCOUNT-MOVED-OUT',
    severity: 'high',
    title: 'Member account moved out of an OU',
    firesOn: '`aws_organizations_account` `parent_id` changes from an OU (to the root or another OU)',
    resourceTypes: [TYPE],
    check: (c) => {
      const m = move(c);
      return m && !m.fromRoot ? m : undefined;
    },
    explain: (c, m) =>
      `Moves ${accountOf(c)} out of ${m.from} into ${m.to}: every SCP attached to the old OU (the root-deny SCP unless that OU is exempt) stops reaching it, and only what is attached to the new path applies. Check the new OU is covered, or that the move is a configuration change you made on purpose.`,
  }),
  defineRule({
    id: 'RL-ACCOUNT-PLACED',
    severity: 'medium',
    title: 'Member account moved from the root into its OU',
    firesOn: '`aws_organizations_account` `parent_id` changes from the root to an OU (placement of a vended account)',
    resourceTypes: [TYPE],
    check: (c) => {
      const m = move(c);
      return m && m.fromRoot ? m : undefined;
    },
    explain: (c, m) => `Moves ${accountOf(c)} from the organization root, where no rootlock SCP reaches it, into ${m.to}: from this apply on its root user is denied by the SCPs of that OU and its ancestors.`,
  }),
  defineRule({
    id: 'RL-ACCOUNT-CREATED',
    severity: 'medium',
    title: 'New AWS account created in its OU',
    firesOn: '`aws_organizations_account` created (an `accounts[]` entry with `email` and no `id`)',
    resourceTypes: [TYPE],
    check: (c) => when(c.kind === 'create', () => FIRES),
    explain: (c) => {
      const where = c.unknown.has('parent_id') ? 'an OU created by this plan' : typeof c.after.parent_id === 'string' ? c.index.describeId(c.after.parent_id) : 'the organization root (no parent_id: no rootlock SCP reaches it)';
      return `Creates a new AWS account ${str(c.after.name) ?? c.address} <${str(c.after.email) ?? '?'}> and moves it into ${where} in the same apply (CreateAccount takes no parent, so AWS starts it at the root until the move). An AWS account cannot be deleted, only closed (at most 10% of the member accounts in 30 days); rootlock never closes or removes it (close_on_deletion false, prevent_destroy). Check the email is a mailbox the organization controls: it can recover the account's root password.`;
    },
  }),
  defineRule({
    id: 'RL-ACCOUNT-REMOVED',
    severity: 'high',
    title: 'Member account removed, closed or replaced',
    firesOn: '`aws_organizations_account` destroyed or replaced (closes the account or removes it from the organization)',
    resourceTypes: [TYPE],
    check: (c) => when(c.kind === 'delete' || c.kind === 'replace', () => FIRES),
    explain: (c) =>
      c.kind === 'replace'
        ? `Replaces ${accountOf(c)} (${c.changed.join(', ') || 'a forcing attribute'} changed): that closes or removes the account and creates a new one. rootlock never replaces an adopted account; find which ignored attribute is no longer ignored.`
        : `Destroys ${accountOf(c)}: with close_on_deletion the account is closed, without it the account leaves the organization and every SCP, the organization trail and centralized root access. To stop managing an account, move it to unmanagedAccounts (the deploy then forgets it, README "Decommissioning an account").`,
  }),
];
