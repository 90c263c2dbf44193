/**
 * An account the management stack creates (an `accounts[]` entry with `email` and no `id`).
 *
 * The provider's `aws_organizations_account` calls CreateAccount, waits for its CreateAccountStatus to leave
 * IN_PROGRESS, then, with `parent_id`, moves the account from the root into its OU (MoveAccount) before the resource
 * is done; every resource that needs the account's id (SCP content, delegated administrators, the baselines) waits for
 * it. CreateAccount itself takes no parent (AccountName, Email, RoleName, IamUserAccessToBilling, Tags:
 * https://docs.aws.amazon.com/organizations/latest/APIReference/API_CreateAccount.html), so AWS always starts a new
 * account at the root; the move follows in the same apply.
 * https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs/resources/organizations_account
 *
 * Never closed or removed by a deploy: `close_on_deletion = false` and `prevent_destroy`. `role_name` (the role
 * Organizations creates in the new account, default OrganizationAccountAccessRole, trusting the management account),
 * `iam_user_access_to_billing` and `create_govcloud` are inputs of CreateAccount only and force a new account when
 * changed, so they are ignored after creation, as are the tags others set. `email` and `name` are not ignored: they
 * identify the account, and a change would replace it, which `prevent_destroy` refuses at plan time.
 */
import { Construct } from 'constructs';
import { OrganizationsAccount } from '@cdktf/provider-aws/lib/organizations-account';
import type { AccountPlacement } from '../config/model-placement';

const CREATE_ONLY = ['role_name', 'iam_user_access_to_billing', 'create_govcloud', 'tags', 'tags_all'];

export function createAccount(scope: Construct, account: AccountPlacement, parentId: string): OrganizationsAccount {
  return new OrganizationsAccount(scope, account.key, {
    name: account.name,
    email: account.email!,
    parentId,
    closeOnDeletion: false,
    lifecycle: { preventDestroy: true, ignoreChanges: CREATE_ONLY },
  });
}
