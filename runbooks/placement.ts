/**
 * The inventory's placement section: per member account, the OU it is kept in and the rootlock SCPs that really reach
 * it (attached to that OU or inherited from an ancestor), the accounts left alone on purpose, and how to check both
 * against the organization. Rendered from `model.placement` only.
 */
import type { Model } from '../config/model';
import { GUARD_TEXT } from '../modules/organization-guard';
import { aws, bullets, code, fence, heading, prose, raw, table } from './markdown';

export function placementSection(model: Model): string[] {
  const p = model.placement;
  const scpCell = (scps: Model['placement']['accounts'][number]['scps']) =>
    scps.length ? scps.map((s) => `${code(s.name)} (${s.inherited ? `inherited from ${code(s.attachedTo)}` : `on ${code(s.attachedTo)}`})`).join('; ') : '**none**';
  return [
    heading(2, 'Where each account is kept, and what reaches it'),
    `The management stack adopts every declared account and keeps it in its OU (a move by hand is undone by the next deploy). ${
      'SCPs are inherited: an account is covered by what is attached to its OU and to every OU above it.'
    }`,
    table(
      ['Account', 'Kept in OU', 'rootlock SCPs that reach it'],
      p.accounts.map((a) => [`${code(a.id)} ${a.name}`, code(a.ouPath), scpCell(a.scps)]),
    ),
    p.unmanaged.length
      ? `Left outside rootlock on purpose (${code('unmanagedAccounts')}): not placed, no baseline, no rootlock SCP guaranteed:`
      : `No account is left outside rootlock: any ACTIVE member account not declared above fails the management plan.`,
    p.unmanaged.length ? bullets(p.unmanaged.map((u) => `${code(u.id)}: ${prose(u.reason)}`)) : undefined,
    `When the organization holds an ACTIVE account the configuration does not know, the management plan fails with ${code(
      GUARD_TEXT.undeclared.split(':')[0],
    )} and names it; declare it under ${code('accounts')} or list it under ${code('unmanagedAccounts')} with the reason.`,
    'Check where an account really is, and the SCPs on each step of its path up to the root:',
    fence([
      aws('organizations', 'list-parents', [
        ['--child-id', raw('"$ACCOUNT_ID"')],
        ['--query', 'Parents[].[Id,Type]'],
        ['--output', 'text'],
      ]),
      aws('organizations', 'list-policies-for-target', [
        ['--target-id', raw('"$PARENT_ID"')],
        ['--filter', 'SERVICE_CONTROL_POLICY'],
        ['--query', 'Policies[].Name'],
        ['--output', 'text'],
      ]),
    ]),
  ].filter((b): b is string => b !== undefined);
}
