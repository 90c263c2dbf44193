/**
 * Accounts the management stack creates (an `accounts[]` entry with `email` and no `id`). Their id does not exist
 * when the configuration is synthesized, so the model gives each one a Terraform reference instead of a literal:
 * `${local.rootlock_account_id_<name>}`. Every stack that names such an account defines that local (see
 * `modules/created-account-ids.ts`): the management stack from the `aws_organizations_account` it creates, every other
 * stack from the organization read at plan time through the management account's credentials (ListAccounts, by
 * email), so a stack planned after the management stack was applied knows every id, with no second synth.
 */
import { snake } from './naming';

export interface CreatedAccount {
  name: string;
  email: string;
  ou: string;
  /** Name of the Terraform local that holds the account id in every stack. */
  local: string;
  /** The id as every part of the model uses it: a Terraform reference to `local`. */
  idRef: string;
}

const LOCAL_PREFIX = 'rootlock_account_id_';
const REF = /\$\{local\.rootlock_account_id_([a-z0-9_]+)\}/g;

export function createdAccountLocal(name: string): string {
  return `${LOCAL_PREFIX}${snake(name)}`;
}

export function createdAccountIdRef(name: string): string {
  return `\${local.${createdAccountLocal(name)}}`;
}

/** True when `id` is a created account's reference, not a literal 12-digit id. */
export function isCreatedAccountRef(id: string): boolean {
  return id.startsWith(`\${local.${LOCAL_PREFIX}`);
}

/** The locals of created accounts that a piece of synthesized text refers to (sorted, unique). */
export function createdAccountLocalsIn(text: string): string[] {
  return [...new Set([...text.matchAll(REF)].map((m) => `${LOCAL_PREFIX}${m[1]}`))].sort();
}

/**
 * The length `text` will have once Terraform has put the real ids in (12 digits each): what size limits (SCP content)
 * must be measured on, so that the same policies pack the same way before and after an entry gains its `id`.
 */
export function lengthOnceResolved(text: string): number {
  return text.replace(REF, '000000000000').length;
}

/**
 * Sort order of strings as they will read once Terraform has put the real ids in (a created account's reference
 * counts as 12 digits), then as written: a policy's sorted lists keep their order when an entry gains its `id`, so the
 * plan after that stays empty. Without references it is the default `sort()` order.
 */
export function compareOnceResolved(a: string, b: string): number {
  const ra = a.replace(REF, '000000000000');
  const rb = b.replace(REF, '000000000000');
  if (ra !== rb) return ra < rb ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

export function resolveCreatedAccounts(accounts: Array<{ id?: string; email?: string; name: string; ou: string }>): CreatedAccount[] {
  return accounts
    .filter((a) => !a.id && a.email)
    .map((a) => ({ name: a.name, email: a.email!, ou: a.ou, local: createdAccountLocal(a.name), idRef: createdAccountIdRef(a.name) }));
}

/** How runbooks write the id of an account created after they were rendered. */
export function createdAccountPlaceholder(name: string): string {
  return `ACCOUNT-ID-OF-${name}`;
}

/**
 * For humans (runbooks, read at 3 a.m.): a created account's reference replaced by ACCOUNT-ID-OF-<name>, and a note
 * at the end saying where to read the id. Runbooks are rendered at synth time, before the account exists; once the
 * entry gains its `id` (adopt, with the email checked), the next synth renders the real id everywhere.
 */
export function humanizeCreatedAccountRefs(text: string, created: CreatedAccount[], opts: { note: boolean } = { note: true }): string {
  // Most text names no created account: not scanned with the pattern (12 MiB of runbooks at 1,000 accounts).
  if (created.length === 0) return text;
  const used = new Set<string>();
  const out = text.replace(REF, (whole) => {
    const account = created.find((c) => c.idRef === whole);
    if (!account) return whole;
    used.add(account.name);
    return createdAccountPlaceholder(account.name);
  });
  if (used.size === 0 || !opts.note) return out;
  return `${out.trimEnd()}\n\n${CREATED_ACCOUNT_NOTE([...used].sort())}\n`;
}

export const CREATED_ACCOUNT_NOTE = (names: string[]): string =>
  `Accounts created by the management stack after these runbooks were generated: ${names.map(createdAccountPlaceholder).join(', ')} stand for their ids. Read them with \`terraform output -json placement_created_account_ids\` in \`cdktf.out/stacks/management\` (or \`aws organizations list-accounts\`), then add each \`id\` to its \`accounts[]\` entry and synthesize again: the runbooks then show the real ids.`;
