/**
 * The ids of the accounts the management stack creates, as Terraform locals (`local.rootlock_account_id_<name>`,
 * config/model-created.ts), so every part of the model can name them before they exist.
 *
 * - In the management stack, each local is the `aws_organizations_account` resource's id: known after the account is
 *   created, in the same apply (SCPs, delegated administrators and outputs wait for it).
 * - In every other stack, each local is read at plan time from the organization (ListAccounts, paginated) through a
 *   provider with the caller's own credentials in the management account, by the account's email. The stacks are
 *   planned after the management stack is applied (`cdktf deploy '*'` follows the stack dependencies), so the ids are
 *   known when the providers that assume the deployment role in those accounts are configured: no id is copied by
 *   hand and nothing is synthesized twice. A postcondition names any created account that is not there yet.
 * Terraform lets a provider configuration refer to data sources of another provider, as long as the value is known
 * at plan time: https://developer.hashicorp.com/terraform/language/providers/configuration
 */
import { TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { DataAwsOrganizationsOrganization } from '@cdktf/provider-aws/lib/data-aws-organizations-organization';
import type { OrganizationsAccount } from '@cdktf/provider-aws/lib/organizations-account';
import type { Model } from '../config/model';
import type { CreatedAccount } from '../config/model-created';

/** Management stack: each created account's local is the id of the resource that creates it. */
export function createdAccountIdsFromResources(stack: TerraformStack, created: CreatedAccount[], resourceOf: (account: CreatedAccount) => OrganizationsAccount, addressOf: (r: OrganizationsAccount) => string): void {
  for (const account of created) stack.addOverride(`locals.${account.local}`, `\${${addressOf(resourceOf(account))}.id}`);
}

/** Every other stack: each created account's local is looked up by email in the organization, at plan time. */
export function createdAccountIdsFromOrganization(stack: TerraformStack, model: Model, addressOf: (d: DataAwsOrganizationsOrganization) => string): void {
  const created = model.createdAccounts;
  if (created.length === 0) return;
  const management = new AwsProvider(stack, 'aws_created_account_lookup', {
    alias: 'created_account_lookup',
    region: model.organization.homeRegion,
    allowedAccountIds: [model.organization.managementAccountId],
  });
  const emails = JSON.stringify(created.map((c) => c.email.toLowerCase()));
  const lookup = new DataAwsOrganizationsOrganization(stack, 'created_account_lookup', {
    provider: management,
    lifecycle: {
      postcondition: [
        {
          condition: `\${alltrue([for e in ${emails} : contains([for a in self.accounts : lower(a.email) if a.status == "ACTIVE"], e)])}`,
          errorMessage: `rootlock: an account the management stack creates is not an ACTIVE member of the organization yet (${created.map((c) => `${c.name} <${c.email}>`).join(', ')}). Deploy the management stack first: cdktf deploy '*' deploys it before every other stack.`,
        },
      ],
    },
  });
  const address = addressOf(lookup);
  for (const account of created) {
    stack.addOverride(`locals.${account.local}`, `\${one([for a in ${address}.accounts : a.id if lower(a.email) == ${JSON.stringify(account.email.toLowerCase())} && a.status == "ACTIVE"])}`);
  }
}
