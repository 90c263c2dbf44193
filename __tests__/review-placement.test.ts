/**
 * The placement review rules (review/rules-placement.ts) on plan-shaped changes of `aws_organizations_account`. The
 * moves are also reviewed on real plans against the emulator in placement.test.ts; removal, replacement and forget are
 * what a rootlock deploy never plans on its own (prevent_destroy, ignore_changes, removed blocks), so they are built here.
 */
import type { ResourceChange } from '../review/plan';
import { accountChangeFindings } from './support/account-plan';
import { placementRules } from '../review/rules/placement';
import { RULES } from '../review/rules';

const account = (parent: string) => ({ id: '444444444444', name: 'payments-prod', parent_id: parent, close_on_deletion: false, status: 'ACTIVE' });

function findings(actions: ResourceChange['change']['actions'], before: object | null, after: object | null, afterUnknown: object = {}) {
  return accountChangeFindings('placement_account_444444444444', actions, before, after, afterUnknown);
}

describe('placement review rules', () => {
  it('are registered in RULES', () => {
    for (const r of placementRules) expect(RULES).toContain(r);
  });

  it('an account moved out of an OU is high and names the OU it leaves', () => {
    const [f] = findings(['update'], account('ou-ex12-prod0001'), account('r-ex12'));
    expect(f).toMatchObject({ rule: 'RL-ACCOUNT-MOVED-OUT', severity: 'high' });
    expect(f.message).toContain('account 444444444444 (payments-prod) out of Prod (ou-ex12-prod0001) into the organization root (r-ex12)');
  });

  it('an account placed from the root into its OU is medium, also when the OU is created by the same plan', () => {
    expect(findings(['update'], account('r-ex12'), account('ou-ex12-prod0001'))).toEqual([expect.objectContaining({ rule: 'RL-ACCOUNT-PLACED', severity: 'medium' })]);
    const [f] = findings(['update'], account('r-ex12'), { ...account(''), parent_id: undefined }, { parent_id: true });
    expect(f.message).toContain('into an OU created by this plan');
  });

  it('removing or replacing an account is high; forgetting it (unmanagedAccounts) is medium, once', () => {
    expect(findings(['delete'], account('ou-ex12-prod0001'), null)).toEqual([expect.objectContaining({ rule: 'RL-ACCOUNT-REMOVED', severity: 'high' })]);
    expect(findings(['delete', 'create'], account('ou-ex12-prod0001'), { ...account('ou-ex12-prod0001'), name: 'renamed' })).toEqual([
      expect.objectContaining({ rule: 'RL-ACCOUNT-REMOVED', severity: 'high', message: expect.stringContaining('Replaces account 444444444444') }),
    ]);
    // Forget is the general "stops managing" rule: the account is neither moved nor removed.
    expect(findings(['forget'], account('ou-ex12-prod0001'), null)).toEqual([expect.objectContaining({ severity: 'medium' })]);
  });

  it('an unchanged parent is not a placement finding', () => {
    const rules = findings(['update'], { ...account('ou-ex12-prod0001'), tags: {} }, { ...account('ou-ex12-prod0001'), tags: { a: 'b' } }).map((f) => f.rule);
    expect(rules.filter((r) => r.startsWith('RL-ACCOUNT'))).toEqual([]);
  });
});
