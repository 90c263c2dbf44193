/** Reads where every account really sits (root -> OUs -> accounts) and which SCPs are attached to each target. */
import {
  OrganizationsClient,
  paginateListAccountsForParent,
  paginateListOrganizationalUnitsForParent,
  paginateListPoliciesForTarget,
} from '@aws-sdk/client-organizations';
import { AwsAccess, clientConfig, mapLimit } from './aws';

export interface OrgTree {
  rootId: string;
  /** OU id -> its name and parent id (the root id or another OU's id). */
  ous: Map<string, { name: string; parentId: string }>;
  accounts: Array<{ id: string; name: string; status: string; parentId: string }>;
  /** Target id (root, OU or account) -> names of the SCPs attached directly to it. */
  scps: Map<string, string[]>;
}

/** Parent ids from the root down to the account's own parent, then the account: every target an SCP can reach it through. */
export function targetsOf(tree: OrgTree, accountId: string, parentId: string): string[] {
  const chain: string[] = [];
  let cursor: string | undefined = parentId;
  while (cursor && cursor !== tree.rootId) {
    chain.unshift(cursor);
    cursor = tree.ous.get(cursor)?.parentId;
  }
  return [tree.rootId, ...chain, accountId];
}

/** "Workloads/Prod" for an OU id; "" for the root. */
export function ouPath(tree: OrgTree, parentId: string): string {
  const names: string[] = [];
  let cursor: string | undefined = parentId;
  while (cursor && cursor !== tree.rootId) {
    const ou = tree.ous.get(cursor);
    if (!ou) break;
    names.unshift(ou.name);
    cursor = ou.parentId;
  }
  return names.join('/');
}

async function all<T>(pages: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const p of pages) out.push(p);
  return out;
}

export async function readOrgTree(access: AwsAccess, region: string, rootId: string, onProgress?: (done: number, total: number) => void): Promise<OrgTree> {
  const org = new OrganizationsClient(clientConfig(access, region));
  const tree: OrgTree = { rootId, ous: new Map(), accounts: [], scps: new Map() };
  const scpsOf = async (target: string) => {
    const pages = await all(paginateListPoliciesForTarget({ client: org }, { TargetId: target, Filter: 'SERVICE_CONTROL_POLICY' }));
    tree.scps.set(target, pages.flatMap((p) => (p.Policies ?? []).map((x) => x.Name!)).sort());
  };
  try {
    let level = [rootId];
    while (level.length > 0) {
      const children = await mapLimit(level, access.concurrency, async (parentId) => {
        const [ouPages, accountPages] = await Promise.all([
          all(paginateListOrganizationalUnitsForParent({ client: org }, { ParentId: parentId })),
          all(paginateListAccountsForParent({ client: org }, { ParentId: parentId })),
          scpsOf(parentId),
        ]);
        for (const a of accountPages.flatMap((p) => p.Accounts ?? [])) tree.accounts.push({ id: a.Id!, name: a.Name ?? '', status: a.Status ?? 'ACTIVE', parentId });
        const ous = ouPages.flatMap((p) => p.OrganizationalUnits ?? []);
        for (const ou of ous) tree.ous.set(ou.Id!, { name: ou.Name!, parentId });
        return ous.map((ou) => ou.Id!);
      });
      level = children.flat();
    }
    tree.accounts.sort((a, b) => (a.id < b.id ? -1 : 1));
    let done = 0;
    await mapLimit(tree.accounts, access.concurrency, async (a) => {
      await scpsOf(a.id);
      onProgress?.(++done, tree.accounts.length);
    });
    return tree;
  } finally {
    org.destroy();
  }
}
