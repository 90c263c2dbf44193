/**
 * The guard's check of `accounts[]` entries with both `id` and `email`: the account is adopted, and its root email in
 * the organization must be the configured one, so an entry never silently adopts a different account than its author
 * meant (a mistyped id). The email of an existing account is changed by its root user, not by rootlock.
 */
import type { Model } from '../config/model';

export function adoptedEmailChecks(model: Model, accounts: string): Array<{ condition: string; errorMessage: string }> {
  const expected = model.placement.accounts.filter((a) => !a.created && a.email).map((a) => ({ id: a.id, name: a.name, email: a.email!.toLowerCase() }));
  if (expected.length === 0) return [];
  const emailOf = `{ for a in ${accounts} : a.id => lower(a.email) }`;
  const wrong = (item: string) => `[for e in ${JSON.stringify(expected)} : ${item} if lookup(${emailOf}, e.id, e.email) != e.email]`;
  return [
    {
      condition: `\${length(${wrong('e.id')}) == 0}`,
      errorMessage: `rootlock guard: declared account(s) whose root email in the organization is not the configured accounts[].email: \${join("; ", ${wrong('"${e.id} (${e.name}): configured ${e.email}, organization has ${lookup(' + emailOf + ', e.id, "?")}"')})}. Fix: correct the id or the email of the entry (an account's email is changed by its root user, never by rootlock).`,
    },
  ];
}
