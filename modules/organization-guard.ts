/**
 * The guard on the real organization: the management plan fails when the organization holds an ACTIVE member account
 * the configuration neither declares nor leaves alone on purpose (`unmanagedAccounts`), or when a declared account is
 * not an ACTIVE member. The organization is read with data sources at plan time (ListAccounts, paginated: one read
 * for 1,000 accounts, plus ListAccountsForParent for the root and each adopted OU to say where an account sits).
 *
 * A declared account that sits anywhere else (at the root, as CreateAccount leaves it, or in another OU) is not an
 * error: the placement in the same plan moves it into its OU, and the plan shows that move.
 *
 * The checks are `precondition`s of a `terraform_data` resource, not a `check` block: a failed precondition stops
 * the plan (a `check` block only warns).
 * https://developer.hashicorp.com/terraform/language/expressions/custom-conditions#preconditions-and-postconditions
 */
import { Construct } from 'constructs';
import { DataResource } from 'cdktf';
import type { DataAwsOrganizationsOrganization } from '@cdktf/provider-aws/lib/data-aws-organizations-organization';
import { DataAwsOrganizationsOrganizationalUnitChildAccounts } from '@cdktf/provider-aws/lib/data-aws-organizations-organizational-unit-child-accounts';
import type { Model } from '../config/model';
import { GUARD_TEXT } from '../config/model-placement';
import { RootlockStack } from './rootlock-stack';
import { adoptedEmailChecks } from './organization-guard-emails';

export interface OrganizationGuardProps {
  readonly model: Model;
  /** The organization read at plan time. */
  readonly live: DataAwsOrganizationsOrganization;
}


export class OrganizationGuard extends Construct {
  constructor(scope: Construct, id: string, props: OrganizationGuardProps) {
    super(scope, id);
    const { model, live } = props;
    const accounts = `${RootlockStack.addressOf(live)}.accounts`;
    const known = JSON.stringify(model.placement.knownAccountIds);
    const declared = JSON.stringify(model.placement.accounts.filter((a) => !a.created).map((a) => a.id));
    // Accounts the management stack creates are known by their email (they have no id in the configuration).
    const createdEmails = JSON.stringify(model.createdAccounts.map((c) => c.email.toLowerCase()));

    // Where an account sits, for the message: parents whose ids are literal (known at plan time) only, so that a
    // parent created by this same plan never makes the message unknown.
    const parents: Array<{ key: string; id: string; label: string }> = [];
    if (model.organization.rootId) parents.push({ key: 'root', id: model.organization.rootId, label: `at the root ${model.organization.rootId} (no rootlock SCP)` });
    for (const ou of model.ous.filter((o) => o.existingId)) parents.push({ key: ou.key, id: ou.existingId!, label: `in OU ${ou.path} (${ou.existingId})` });
    const where = parents.map((p) => {
      const children = new DataAwsOrganizationsOrganizationalUnitChildAccounts(this, `accounts_in_${p.key}`, { parentId: p.id });
      return `{ for a in ${RootlockStack.addressOf(children)}.accounts : a.id => ${JSON.stringify(p.label)} }`;
    });
    const whereMap = where.length ? `merge(${where.join(', ')})` : '{}';

    const undeclared = (item: string) => `[for a in ${accounts} : ${item} if a.status == "ACTIVE" && !contains(${known}, a.id) && !contains(${createdEmails}, lower(a.email))]`;
    const activeIds = `[for a in ${accounts} : a.id if a.status == "ACTIVE"]`;
    const notMember = (item: string) => `[for id in ${declared} : ${item} if !contains(${activeIds}, id)]`;
    const statusOf = `{ for a in ${accounts} : a.id => a.status }`;

    new DataResource(this, 'organization_guard', {
      // With created accounts, their ids (resolved by Terraform) join the list, so it reads the same once the entries
      // gain their ids: no change to this resource then (a `for` expression makes a tuple, as the literal list is).
      input: {
        knownAccountIds: model.createdAccounts.length
          ? `\${[for id in sort(concat(${known}, [${model.createdAccounts.map((c) => `local.${c.local}`).join(', ')}])) : id]}`
          : model.placement.knownAccountIds,
      },
      lifecycle: {
        precondition: [
          {
            condition: `\${length(${undeclared('a.id')}) == 0}`,
            errorMessage: `${GUARD_TEXT.undeclared} \${join("; ", ${undeclared(`"\${a.id} (\${a.name}) \${lookup(${whereMap}, a.id, ${JSON.stringify(GUARD_TEXT.unknownParent)})}"`)})}. ${GUARD_TEXT.undeclaredFix}`,
          },
          ...adoptedEmailChecks(model, accounts),
          {
            condition: `\${length(${notMember('id')}) == 0}`,
            errorMessage: `${GUARD_TEXT.notMember} \${join("; ", ${notMember(`"\${id} (\${lookup(${statusOf}, id, "not a member")})"`)})}. ${GUARD_TEXT.notMemberFix}`,
          },
        ],
      },
    });
  }
}
