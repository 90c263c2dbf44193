/**
 * Places every declared member account in its declared OU and keeps it there. Each account is adopted by import
 * (`aws_organizations_account`, import id = account id): a deploy never creates, closes or removes one. Changing
 * `parent_id` is a MoveAccount; the provider reads the current parent with ListParents, so an account moved by hand is
 * moved back by the next deploy (and the plan shows it).
 * https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs/resources/organizations_account
 */
import { Construct } from 'constructs';
import { TerraformOutput, TerraformStack } from 'cdktf';
import { OrganizationsAccount } from '@cdktf/provider-aws/lib/organizations-account';
import type { Model } from '../config/model';
import { importExisting } from './import-existing';
import { createAccount } from './account-creation';
import { createdAccountIdsFromResources } from './created-account-ids';
import { RootlockStack } from './rootlock-stack';
import { snake } from '../config/naming';

export interface AccountPlacementProps {
  readonly model: Model;
  /** OU id by OU name (literal for adopted OUs, a reference for created ones). */
  readonly ouIds: Map<string, string>;
}

/**
 * What the configuration does not know or must never change on an existing account. email, name, role_name,
 * iam_user_access_to_billing and create_govcloud force a replacement (a new account) in the provider; tags belong to
 * whoever set them. All are required or optional inputs of CreateAccount only, never sent for an adopted account.
 */
const NEVER_CHANGED = ['email', 'name', 'role_name', 'iam_user_access_to_billing', 'create_govcloud', 'tags', 'tags_all'];

export class AccountPlacement extends Construct {
  readonly accounts = new Map<string, OrganizationsAccount>();

  constructor(scope: Construct, id: string, props: AccountPlacementProps) {
    super(scope, id);
    const placement = props.model.placement;
    for (const a of placement.accounts) {
      if (a.created) {
        this.accounts.set(a.id, createAccount(this, a, props.ouIds.get(a.ou)!));
        continue;
      }
      const account = new OrganizationsAccount(this, a.key, {
        // Required by the provider's schema, ignored below: the real name and email come from the import.
        name: a.name,
        email: `${a.id}@adopted-account.invalid`,
        parentId: props.ouIds.get(a.ou)!,
        // A destroy would close the account (true) or remove it from the organization (false): prevent_destroy
        // blocks both while the account is declared; decommissioning is README "Decommissioning an account".
        closeOnDeletion: false,
        lifecycle: { preventDestroy: true, ignoreChanges: NEVER_CHANGED },
      });
      importExisting(account, a.id);
      this.accounts.set(a.id, account);
    }
    // An account moved to unmanagedAccounts is forgotten, never destroyed: the account stays where and what it is.
    const stack = TerraformStack.of(this);
    // An entry that gains an email (adopted by id, then `email` added) keeps its resource: state moves to the email key.
    const movedToEmail = placement.accounts.filter((a) => a.email && !a.created);
    if (movedToEmail.length > 0) {
      stack.addOverride(
        'moved',
        movedToEmail.map((a) => ({ from: `${OrganizationsAccount.tfResourceType}.${this.logicalIdFor(`account_${a.id}`)}`, to: `${OrganizationsAccount.tfResourceType}.${this.logicalIdFor(a.key)}` })),
      );
    }
    createdAccountIdsFromResources(stack, props.model.createdAccounts, (c) => this.accounts.get(c.idRef)!, (r) => RootlockStack.addressOf(r));
    // Every account declared with an email, created or adopted: the output reads the same once a created account's
    // entry gains its id.
    new TerraformOutput(this, 'created_account_ids', {
      value: Object.fromEntries(placement.accounts.filter((a) => a.email).map((a) => [a.name, this.accounts.get(a.id)!.id])),
      description: 'Id by account name of every account declared with an email: created by the management stack (email, no id) or adopted with its email checked.',
    });
    if (placement.unmanaged.length > 0) {
      stack.addOverride(
        'removed',
        placement.unmanaged.flatMap((u) =>
          [`account_${u.id}`, ...(u.email ? [`account_by_email_${snake(u.email)}`] : [])].map((key) => ({ from: `${OrganizationsAccount.tfResourceType}.${this.logicalIdFor(key)}`, lifecycle: { destroy: false } })),
        ),
      );
    }
    new TerraformOutput(this, 'accounts', {
      value: Object.fromEntries(placement.accounts.map((a) => [a.id, a.ouPath])),
      description: 'Declared OU path by member account id: each account is moved there and kept there.',
    });
    new TerraformOutput(this, 'unmanaged_accounts', {
      value: Object.fromEntries(placement.unmanaged.map((u) => [u.id, u.reason])),
      description: 'ACTIVE member accounts deliberately left outside rootlock, with the reason from the configuration.',
    });
  }

  /** The logical id a placement resource of this construct gets (RootlockStack: construct path, snake_case). */
  private logicalIdFor(key: string): string {
    return [...this.node.scopes.slice(2).map((s) => s.node.id), key].join('_').replace(/[^A-Za-z0-9_]+/g, '_').replace(/_+/g, '_').toLowerCase();
  }
}
