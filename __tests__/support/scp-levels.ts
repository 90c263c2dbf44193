/**
 * The SCPs that apply to an account, level by level, as Organizations evaluates them: FullAWSAccess at every level,
 * each rootlock SCP at the OUs its `targets` name, parsed from the Terraform text (`json`), not the in-memory document.
 */
import type { Model, ResolvedOu } from '../../config/model';
import type { ScpSpec } from '../../policies/scp';
import { FULL_AWS_ACCESS, parsePolicy, ScpLevel } from './iam';

/** A stable identifier per OU for the simulation's organization tree. */
export const ouId = (ou: ResolvedOu) => ou.existingId ?? `ou-ex12-${ou.key.replace(/_/g, '')}00`;

/** The chain of OUs from the root down to `ouName`, root-most first. */
export function ouChainOf(model: Model, ouName: string): ResolvedOu[] {
  const chain: ResolvedOu[] = [];
  let cursor: ResolvedOu | undefined = model.ous.find((o) => o.name === ouName);
  while (cursor) {
    chain.unshift(cursor);
    const parent = cursor.parent;
    cursor = parent && parent !== 'root' ? model.ous.find((o) => o.name === parent) : undefined;
  }
  return chain;
}

/** `only`: keep the SCPs whose key starts with one of these (e.g. 'monitoring_protection' for all its parts). */
export function scpLevels(model: Model, specs: ScpSpec[], accountId: string, ouName: string, only?: string[]): ScpLevel[] {
  const levels: ScpLevel[] = [{ id: model.organization.rootId ?? 'r-ex12', policies: [{ name: 'FullAWSAccess', policy: FULL_AWS_ACCESS }] }];
  for (const ou of ouChainOf(model, ouName)) {
    const attached = specs.filter((s) => s.targets.includes(ou) && (!only || only.some((k) => s.key.startsWith(k))));
    levels.push({
      id: ouId(ou),
      policies: [{ name: 'FullAWSAccess', policy: FULL_AWS_ACCESS }, ...attached.map((s) => ({ name: s.name, policy: parsePolicy(s.json) }))],
    });
  }
  levels.push({ id: accountId, policies: [{ name: 'FullAWSAccess', policy: FULL_AWS_ACCESS }] });
  return levels;
}
