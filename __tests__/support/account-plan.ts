/**
 * Plan-shaped changes of one `aws_organizations_account` in the management stack (an OU `prod` already in the prior
 * state), reviewed: the findings of the placement and account-creation rules, for tests that build what a rootlock
 * deploy never plans on its own.
 */
import { review } from '../../review/analyze';
import { asPlan, ResourceChange } from '../../review/plan';

export type AccountFinding = { rule: string; severity: string; message: string };

export function accountChangeFindings(
  name: string,
  actions: ResourceChange['change']['actions'],
  before: object | null,
  after: object | null,
  afterUnknown: object = {},
): AccountFinding[] {
  const plan = asPlan(
    {
      format_version: '1.2',
      terraform_version: '1.11.4',
      planned_values: { root_module: {} },
      prior_state: { values: { root_module: { resources: [{ address: 'aws_organizations_organizational_unit.prod', mode: 'managed', type: 'aws_organizations_organizational_unit', name: 'prod', values: { id: 'ou-ex12-prod0001', name: 'Prod' } }] } } },
      resource_changes: [{ address: `aws_organizations_account.${name}`, mode: 'managed', type: 'aws_organizations_account', name, change: { actions, before, after, after_unknown: afterUnknown } }],
    },
    'synthetic',
  );
  return review([{ stack: 'management', file: 'management.json', plan }]).findings.map((f) => ({ rule: f.rule.id, severity: f.severity, message: f.message }));
}
