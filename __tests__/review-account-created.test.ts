/** The review rule for an account the management stack creates (RL-ACCOUNT-CREATED), on plan-shaped changes. */
import type { ResourceChange } from '../review/plan';
import { accountChangeFindings } from './support/account-plan';
import { placementRules } from '../review/rules/placement';

const created = { name: 'payments-prod', email: 'aws-payments-prod@example.com', parent_id: 'ou-ex12-prod0001', close_on_deletion: false };

function findings(actions: ResourceChange['change']['actions'], before: object | null, after: object | null, afterUnknown: object = {}) {
  return accountChangeFindings('placement_account_by_email_x', actions, before, after, afterUnknown).filter((f) => f.rule.startsWith('RL-ACCOUNT'));
}

describe('RL-ACCOUNT-CREATED', () => {
  it('is a placement rule', () => expect(placementRules.map((r) => r.id)).toContain('RL-ACCOUNT-CREATED'));

  it('a created account is medium and names the account, its email and the OU it is moved into', () => {
    const [f, ...rest] = findings(['create'], null, { ...created, id: undefined }, { id: true });
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ rule: 'RL-ACCOUNT-CREATED', severity: 'medium' });
    expect(f.message).toContain('payments-prod <aws-payments-prod@example.com>');
    expect(f.message).toContain('Prod (ou-ex12-prod0001)');
    const [g] = findings(['create'], null, { ...created, parent_id: undefined }, { parent_id: true, id: true });
    expect(g.message).toContain('into an OU created by this plan');
  });

  it('does not fire on an adopted account (import, update) or a move', () => {
    expect(findings(['no-op'], { ...created, id: '444444444444' }, { ...created, id: '444444444444' })).toEqual([]);
    expect(findings(['update'], { ...created, id: '444444444444', parent_id: 'r-ex12' }, { ...created, id: '444444444444' }).map((f) => f.rule)).toEqual(['RL-ACCOUNT-PLACED']);
  });
});
