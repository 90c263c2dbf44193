/**
 * Where every account sits and what reaches it, resolved once: the management stack places each declared account in
 * its OU, the guard judges every other account, and the runbooks show, per account, the SCPs that really apply
 * (attached to its OU or to an ancestor: SCPs are inherited down the tree).
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_inheritance_auth.html
 */
import type { RootlockConfig } from './schema';
import type { Model, ResolvedOu } from './model';
import { snake } from './naming';

export const REQUIRED_POLICY_TYPE = 'SERVICE_CONTROL_POLICY';
/** The RCPs of the trust model (config/model-trust.ts) need their type enabled on the root. */
export const RCP_POLICY_TYPE = 'RESOURCE_CONTROL_POLICY';

/** Text of the guard's messages; the tests and the README quote it. */
export const GUARD_TEXT = {
  undeclared: 'rootlock guard: ACTIVE member account(s) that the configuration neither declares nor leaves alone on purpose, so no rootlock SCP is sure to reach them:',
  undeclaredFix:
    'Fix: declare each under accounts ({ id, name, ou }: the next management deploy moves it into its OU, under the root-deny SCP), or list it under unmanagedAccounts ({ id, reason }) to leave it where it is, on purpose.',
  notMember: 'rootlock guard: declared account(s) that are not ACTIVE members of the organization:',
  notMemberFix:
    'Fix: correct the account id, invite the account into the organization, or (closed or leaving) decommission it as the README says: move it from accounts to unmanagedAccounts with the reason.',
  unknownParent: 'in an OU the configuration does not name (aws organizations list-parents --child-id ID)',
};


export interface ReachingScp {
  name: string;
  /** Path of the OU it is attached to: the account's own OU, or an ancestor it is inherited from. */
  attachedTo: string;
  inherited: boolean;
}

export interface AccountPlacement {
  id: string;
  name: string;
  /** Declared OU (name) and its path from the root. */
  ou: string;
  ouPath: string;
  /** Logical id suffix of the placement resource: by account id, so renaming an account never re-imports it. */
  key: string;
  /** The rootlock SCPs on the account's path, nearest first. */
  scps: ReachingScp[];
  /** Root user email from the configuration, when given (created accounts always have one). */
  email?: string;
  /** Created by the management stack (email, no id): `id` is a Terraform reference (config/model-created.ts). */
  created?: boolean;
}

export interface UnmanagedAccount {
  id: string;
  reason: string;
  /** The email its former `accounts[]` entry had, if any (its placement resource was keyed by it). */
  email?: string;
}

export interface Placement {
  accounts: AccountPlacement[];
  /** ACTIVE member accounts deliberately left where they are, with the reason. */
  unmanaged: UnmanagedAccount[];
  /** Every account id the guard accepts in the organization: management, declared, unmanaged (sorted). */
  knownAccountIds: string[];
  /** Policy types that stay enabled whatever the plan reads: SERVICE_CONTROL_POLICY plus organization.keepPolicyTypes. */
  policyTypes: string[];
}

/** The OU and its ancestors known to the configuration, nearest first (adopted OUs have no known parent). */
export function ouChain(ous: ResolvedOu[], name: string): ResolvedOu[] {
  const chain: ResolvedOu[] = [];
  let cursor = ous.find((o) => o.name === name);
  while (cursor && !chain.includes(cursor)) {
    chain.push(cursor);
    const parent: string | undefined = cursor.parent;
    cursor = parent && parent !== 'root' ? ous.find((o) => o.name === parent) : undefined;
  }
  return chain;
}

/** The rootlock SCPs that reach an OU: attached to it or to one of its ancestors. */
export function scpsReaching(model: Pick<Model, 'ous' | 'scps'>, ouName: string): ReachingScp[] {
  const chain = ouChain(model.ous, ouName);
  const reaching: ReachingScp[] = [];
  for (const scp of [model.scps.rootDeny, model.scps.monitoringProtection]) {
    const at = chain.find((o) => scp.targets.includes(o));
    if (at) reaching.push({ name: scp.name, attachedTo: at.path, inherited: at.name !== ouName });
  }
  return reaching;
}

export function resolvePlacement(model: Pick<Model, 'ous' | 'scps' | 'members' | 'management'>, config: RootlockConfig): Placement {
  const accounts = model.members.map((m) => {
    const ou = model.ous.find((o) => o.name === m.ou)!;
    // An account with an email is keyed by it, the one thing that identifies it before it has an id (AWS refuses a
    // second account with the same email): a created account whose entry later gains its `id` keeps its resource.
    const key = m.email ? `account_by_email_${snake(m.email)}` : `account_${m.id}`;
    return { id: m.id, name: m.name, ou: ou.name, ouPath: ou.path, key, scps: scpsReaching(model, ou.name), email: m.email, created: m.created };
  });
  const unmanaged = config.unmanagedAccounts.map((u) => ({ id: u.id, reason: (u.reason ?? '').trim(), ...(u.email ? { email: u.email } : {}) }));
  return {
    accounts,
    unmanaged,
    knownAccountIds: [model.management.id, ...accounts.filter((a) => !a.created).map((a) => a.id), ...unmanaged.map((u) => u.id)].sort(),
    policyTypes: [...new Set([REQUIRED_POLICY_TYPE, RCP_POLICY_TYPE, ...config.organization.keepPolicyTypes])].sort(),
  };
}
