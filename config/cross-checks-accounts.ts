/**
 * How each declared account is identified: by `id` (adopt an existing member), by `email` alone (the management stack
 * creates it, CreateAccount), or both (adopt, and the plan checks the email). Ids and emails are unique: AWS refuses a
 * second account with the same root email ("This email address must not already be associated with another Amazon Web
 * Services account", https://docs.aws.amazon.com/organizations/latest/APIReference/API_CreateAccount.html).
 */
import type { RootlockConfig } from './schema';
import { Problem, show } from './errors';

function firstSeen(values: Array<string | undefined>, path: (i: number) => string, what: string): Problem[] {
  const seen = new Map<string, number>();
  const problems: Problem[] = [];
  values.forEach((value, i) => {
    if (value === undefined) return;
    const first = seen.get(value);
    if (first === undefined) seen.set(value, i);
    else problems.push({ path: path(i), message: `${show(value)} duplicates ${path(first)}: each ${what} must be unique` });
  });
  return problems;
}

export function accountIdentity(c: RootlockConfig): Problem[] {
  const problems: Problem[] = [
    ...firstSeen(c.accounts.map((a) => a.id), (i) => `accounts[${i}].id`, 'account id'),
    // AWS compares root emails without regard to case.
    ...firstSeen(c.accounts.map((a) => a.email?.toLowerCase()), (i) => `accounts[${i}].email`, 'account email (ignoring case)'),
  ];
  c.accounts.forEach((a, i) => {
    if (!a.id && !a.email) {
      problems.push({
        path: `accounts[${i}]`,
        message: `account ${show(a.name)} has neither id nor email: give \`id\` to adopt an existing member account, or \`email\` (its root user's address) to have the management stack create it in ${show(a.ou)}`,
      });
    }
  });
  return problems;
}
