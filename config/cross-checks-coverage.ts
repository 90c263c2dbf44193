/**
 * Coverage you cannot get by accident: an account declared into an OU exempt from root-deny keeps a root user that
 * nothing denies (the root-coverage SCP exempts it by account id), so the configuration must say so on the account
 * itself; an acknowledgement on an account in a covered OU is stale and refused.
 */
import type { RootlockConfig } from './schema';
import { Problem, show } from './errors';

export function exemptAccountsAcknowledged(c: RootlockConfig): Problem[] {
  const exempt = new Map(c.exemptions.map((e, i) => [e.ou, i]));
  const problems: Problem[] = [];
  c.accounts.forEach((a, i) => {
    const exemption = exempt.get(a.ou);
    if (exemption !== undefined && a.rootDenyExemptionAcknowledged !== true) {
      problems.push({
        path: `accounts[${i}].ou`,
        message: `${show(a.ou)} is exempt from the root-deny SCP (exemptions[${exemption}]), so the root user of ${a.name} (${a.id}) would be allowed everything: put the account in a covered OU, or acknowledge it with rootDenyExemptionAcknowledged: true on this account`,
      });
    }
    if (exemption === undefined && a.rootDenyExemptionAcknowledged === true) {
      problems.push({
        path: `accounts[${i}].rootDenyExemptionAcknowledged`,
        message: `true, but OU ${show(a.ou)} is covered by the root-deny SCP: remove the acknowledgement (it would be stale)`,
      });
    }
  });
  return problems;
}
