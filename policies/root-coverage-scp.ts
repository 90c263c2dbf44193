/**
 * The SCP attached at the organization root, so no path can skip it: an account left at the root by CreateAccount, in
 * an OU made by hand, or vended with a baseline whose management stack never ran is still covered. It repeats the
 * root-deny statement and the LeaveOrganization deny of the OU-level SCPs; the OU-level ones stay (a detached root
 * attachment still leaves every declared OU covered).
 *
 * Exemptions cannot be "not attached here" at the root, so they are conditions on `aws:PrincipalAccount`, a key in the
 * request context of every signed request, the root user's included ("This key is included in the request context
 * for all signed requests": https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalaccount).
 * By account, not by OU path: an account moved by hand into an exempt OU stays covered; only the accounts the
 * configuration declares in an exempt OU (each acknowledged, `rootDenyExemptionAcknowledged`) are exempt.
 */
import type { AccountTarget, Model, ResolvedOu } from '../config/model';
import { policy, PolicyDocument, policyJson, Statement } from './document';
import { PolicyLimitError, SCP_MAX_CHARS } from './scp';
import { SCP_NAMES } from '../config/contract';
import { rootUserArn } from '../config/arn';
import { DENY_TO_EVERYONE } from './protection-classification';

/** A member account the configuration declares in an OU exempt from root-deny, with the exemption's reason. */
export interface RootDenyExemptAccount {
  id: string;
  name: string;
  ou: string;
  reason: string;
}

/** The exempt OU an account sits in, if its own OU is exempt from root-deny. */
function exemptOuOf(model: Pick<Model, 'ous'>, account: { ou?: string }): (ResolvedOu & { rootDenyExemptReason: string }) | undefined {
  const ou = account.ou === undefined ? undefined : model.ous.find((o) => o.name === account.ou);
  return ou?.rootDenyExemptReason ? (ou as ResolvedOu & { rootDenyExemptReason: string }) : undefined;
}

/** True when the account's own OU is exempt from root-deny (one account: no walk over every member). */
export function isRootDenyExempt(model: Pick<Model, 'ous'>, account: { ou?: string }): boolean {
  return exemptOuOf(model, account) !== undefined;
}

/** The declared accounts whose own OU is exempt from root-deny, sorted by id (deterministic policy text). */
export function rootDenyExemptAccounts(model: Pick<Model, 'members' | 'ous'>): RootDenyExemptAccount[] {
  return model.members
    .map((m) => ({ m, ou: exemptOuOf(model, m) }))
    .filter((e): e is { m: AccountTarget; ou: ResolvedOu & { rootDenyExemptReason: string } } => e.ou !== undefined)
    .map(({ m, ou }) => ({ id: m.id, name: m.name, ou: ou.name, reason: ou.rootDenyExemptReason }))
    .sort((a, b) => a.id.localeCompare(b.id));
}

export function rootCoverageScp(model: Pick<Model, 'members' | 'ous'>): PolicyDocument {
  const exempt = rootDenyExemptAccounts(model).map((a) => a.id);
  const denyRoot: Statement = {
    Sid: 'DenyRootUserOutsideAssumeRootTaskSessionsEverywhere',
    Effect: 'Deny',
    Action: '*',
    Resource: '*',
    Condition: {
      ArnLike: { 'aws:PrincipalArn': rootUserArn('*') },
      Null: { 'aws:AssumedRoot': 'true' },
      ...(exempt.length ? { StringNotEquals: { 'aws:PrincipalAccount': exempt } } : {}),
    },
  };
  const denyLeave: Statement = { Sid: 'DenyLeavingTheOrganizationEverywhere', Effect: 'Deny', Action: [...DENY_TO_EVERYONE], Resource: '*' };
  return policy(denyRoot, denyLeave);
}

export interface RootCoverageSpec {
  name: string;
  description: string;
  json: string;
  exempt: RootDenyExemptAccount[];
}

/** The root SCP as it goes into Terraform, measured against the Organizations size limit. */
export function rootCoverageSpec(model: Pick<Model, 'members' | 'ous'>): RootCoverageSpec {
  const exempt = rootDenyExemptAccounts(model);
  const json = policyJson(rootCoverageScp(model));
  if (json.length > SCP_MAX_CHARS) {
    throw new PolicyLimitError(
      `SCP ${SCP_NAMES.rootCoverage} is ${json.length} characters minified with ${exempt.length} exempt accounts, over the Organizations limit of ${SCP_MAX_CHARS}: declare fewer accounts in exempt OUs (close or remove them, or list them under unmanagedAccounts)`,
    );
  }
  const note = exempt.length ? ` Exempt: ${exempt.map((a) => `${a.name} (${a.id}, ${a.ou})`).join(', ')}.` : '';
  return {
    name: SCP_NAMES.rootCoverage,
    description: `At the organization root: member root users denied outside sts:AssumeRoot task sessions, and no member account may leave the organization, wherever the account sits.${note}`.slice(0, 512),
    json,
    exempt,
  };
}
