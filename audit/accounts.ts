/**
 * Account checks: declared or not, the real OU path, the rootlock SCPs that reach each account (attached to it, its
 * OUs or the root), and the break-glass role with the trust policy rootlock synthesizes.
 */
import { ConfigServiceClient, DescribeConfigurationRecorderStatusCommand } from '@aws-sdk/client-config-service';
import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { iamRoleArn } from '../config/arn';
import { JOB_ROLE_NAMES } from '../config/contract';
import type { AccountTarget, Model } from '../config/model';
import { breakGlassTrustPolicy } from '../policies/break-glass';
import { scpSpecs } from '../policies/scp';
import { AwsAccess, clientConfig, Credentials, errorText, assumeRole } from './aws';
import { fail, notChecked, pass, Result } from './checks';
import { sameDocument } from '../policies/judgement';
import { OrgTree, ouPath, targetsOf } from './org-tree';

/** What one declared account's own APIs said, read with its deployment role (the caller's own for the management account). */
export interface AccountSnapshot {
  accountId: string;
  /** Why the account could not be read at all (its deployment role could not be assumed). */
  error?: string;
  /** The break-glass role's trust policy as IAM returns it; null when the role does not exist. */
  breakGlassTrust?: unknown | null;
  breakGlassError?: string;
  /** `recording` of each AWS Config recorder in the home region, or why it could not be read. */
  configRecorders?: boolean[] | { error: string };
}

export const label = (id: string, name?: string) => (name ? `${id} (${name})` : id);

/** The audit's role in an account (JOB_ROLE_NAMES.audit unless --role). */
export const auditRoleArn = (access: AwsAccess, accountId: string) => iamRoleArn(accountId, access.roleName ?? JOB_ROLE_NAMES.audit);

/** The caller's own credentials for its own account; the audit's read-only role in any other account. */
export async function credentialsFor(access: AwsAccess, model: Model, account: AccountTarget, callerAccountId: string): Promise<Credentials | undefined> {
  if (account.id === callerAccountId) return undefined;
  return assumeRole(access, model.organization.homeRegion, auditRoleArn(access, account.id));
}

export async function readAccount(access: AwsAccess, model: Model, account: AccountTarget, callerAccountId: string): Promise<AccountSnapshot> {
  const region = model.organization.homeRegion;
  let creds: Credentials | undefined;
  try {
    creds = await credentialsFor(access, model, account, callerAccountId);
  } catch (e) {
    return { accountId: account.id, error: `cannot read the account through ${auditRoleArn(access, account.id)}: ${errorText(e)}` };
  }
  const snapshot: AccountSnapshot = { accountId: account.id };
  const iam = new IAMClient(clientConfig(access, region, creds));
  try {
    const role = await iam.send(new GetRoleCommand({ RoleName: model.breakGlass.roleName }));
    snapshot.breakGlassTrust = role.Role?.AssumeRolePolicyDocument ?? null;
  } catch (e) {
    if ((e as { name?: string }).name === 'NoSuchEntityException' || (e as { name?: string }).name === 'NoSuchEntity') snapshot.breakGlassTrust = null;
    else snapshot.breakGlassError = errorText(e);
  } finally {
    iam.destroy();
  }
  if (model.monitoring.config) {
    const cfg = new ConfigServiceClient(clientConfig(access, region, creds));
    try {
      const status = await cfg.send(new DescribeConfigurationRecorderStatusCommand({}));
      snapshot.configRecorders = (status.ConfigurationRecordersStatus ?? []).map((s) => s.recording === true);
    } catch (e) {
      snapshot.configRecorders = { error: errorText(e) };
    } finally {
      cfg.destroy();
    }
  }
  return snapshot;
}

export function evaluateAccounts(model: Model, tree: OrgTree, snapshots: AccountSnapshot[]): Result[] {
  const results: Result[] = [];
  const declared = new Map(model.allAccounts.map((a) => [a.id, a]));
  const inOrg = new Map(tree.accounts.map((a) => [a.id, a]));
  const rootDeny = model.scps.rootDeny.name;
  // Every part of the monitoring protection (rootlock-monitoring-protection-1, -2, ...: as many as the size limit needs).
  const monitoringParts = scpSpecs(model).filter((p) => p.key.startsWith('monitoring_protection')).map((p) => p.name);

  for (const member of model.members) {
    if (!inOrg.has(member.id)) results.push(fail('account-missing', label(member.id, member.name), 'Declared in the configuration but not in the organization.'));
  }

  for (const account of tree.accounts) {
    if (account.id === model.organization.managementAccountId) continue;
    const target = declared.get(account.id);
    const who = label(account.id, target?.name ?? account.name);
    const path = ouPath(tree, account.parentId);
    const where = path ? `OU ${path}` : 'the root';
    if (!target) results.push(fail('account-undeclared', who, `In the organization (${where}, ${account.status}) but not in the configuration: no baseline, no break-glass role, no forwarding.`));
    else results.push(pass('account-undeclared', who, 'Declared.'));

    if (account.parentId === tree.rootId) results.push(fail('account-at-root', who, 'Sits directly under the root: no OU-attached SCP reaches it.'));
    else results.push(pass('account-at-root', who, `In ${where}.`));

    const declaredOu = target ? model.ous.find((o) => o.name === target.ou) : undefined;
    if (declaredOu && account.parentId !== tree.rootId) {
      const matches = declaredOu.existingId ? account.parentId === declaredOu.existingId : path === declaredOu.path;
      results.push(
        matches ? pass('account-ou-path', who, `In ${where}, as declared.`) : fail('account-ou-path', who, `In ${where}; declared in OU ${declaredOu.path}.`),
      );
    }

    const reaching = targetsOf(tree, account.id, account.parentId).flatMap((t) => tree.scps.get(t) ?? []);
    const exemptReason = declaredOu?.rootDenyExemptReason;
    if (reaching.includes(rootDeny)) results.push(pass('account-root-deny-scp', who, `${rootDeny} reaches it through ${where}.`));
    else if (exemptReason) results.push(pass('account-root-deny-scp', who, `Exempt by configuration: ${exemptReason}`));
    else results.push(fail('account-root-deny-scp', who, `${rootDeny} does not reach it (${where}): its root user is not denied.`));
    results.push(
      monitoringParts.every((m) => reaching.includes(m))
        ? pass('account-monitoring-scp', who, `${monitoringParts.join(', ')} reach it.`)
        : fail('account-monitoring-scp', who, `${monitoringParts.filter((m) => !reaching.includes(m)).join(', ')} do not reach it (${where}).`),
    );
  }

  const expectedTrust = breakGlassTrustPolicy(model);
  for (const snap of snapshots) {
    const target = declared.get(snap.accountId)!;
    const who = label(target.id, target.name);
    const role = model.breakGlass.roleName;
    if (snap.error) results.push(notChecked('account-break-glass-role', who, snap.error));
    else if (snap.breakGlassError) results.push(notChecked('account-break-glass-role', who, `cannot read role ${role}: ${snap.breakGlassError}`));
    else if (snap.breakGlassTrust === null || snap.breakGlassTrust === undefined) results.push(fail('account-break-glass-role', who, `Role ${role} does not exist.`));
    else if (!trustMatches(snap.breakGlassTrust, expectedTrust)) results.push(fail('account-break-glass-role', who, `Role ${role} has a trust policy that differs from the synthesized one.`));
    else results.push(pass('account-break-glass-role', who, `Role ${role} trust policy matches.`));
  }
  return results;
}

/** The one semantic comparison (policies/judgement.ts); an unparseable document never matches. */
const trustMatches = (actual: unknown, expected: unknown): boolean => sameDocument(actual, expected);
