/**
 * Reads the live organization for `init --from-organization`, read-only, every list followed to its last page (the
 * SDK paginators; ListAccounts and ListAccountsForParent return at most 20 per page: 1,000 accounts are 50 pages).
 * Where each account sits comes from ListAccountsForParent on the root and every OU (one paginated call per parent),
 * not from a ListParents per account.
 * https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListAccounts.html
 * https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListAccountsForParent.html
 */
import {
  DescribeOrganizationCommand,
  ListRootsCommand,
  OrganizationsClient,
  paginateListAccounts,
  paginateListAccountsForParent,
  paginateListAWSServiceAccessForOrganization,
  paginateListOrganizationalUnitsForParent,
} from '@aws-sdk/client-organizations';
import type { AccountSnapshot, OrganizationSnapshot, OuSnapshot } from './snapshot';

const PAGE = 20;

async function collect<T, P>(pages: AsyncIterable<P>, items: (page: P) => T[] | undefined): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) out.push(...(items(page) ?? []));
  return out;
}

export async function readOrganization(client: OrganizationsClient, homeRegion: string): Promise<OrganizationSnapshot> {
  const organization = (await client.send(new DescribeOrganizationCommand({}))).Organization!;
  const root = (await client.send(new ListRootsCommand({}))).Roots![0];
  const ous: OuSnapshot[] = [];
  const pending = [root.Id!];
  while (pending.length > 0) {
    const parentId = pending.shift()!;
    const children = await collect(paginateListOrganizationalUnitsForParent({ client, pageSize: PAGE }, { ParentId: parentId }), (p) => p.OrganizationalUnits);
    for (const ou of children) {
      ous.push({ id: ou.Id!, name: ou.Name!, parentId });
      pending.push(ou.Id!);
    }
  }
  const parentOf = new Map<string, string>();
  for (const parentId of [root.Id!, ...ous.map((o) => o.id)]) {
    const inParent = await collect(paginateListAccountsForParent({ client, pageSize: PAGE }, { ParentId: parentId }), (p) => p.Accounts);
    for (const a of inParent) parentOf.set(a.Id!, parentId);
  }
  const accounts: AccountSnapshot[] = (await collect(paginateListAccounts({ client, pageSize: PAGE }, {}), (p) => p.Accounts)).map((a) => ({
    id: a.Id!,
    name: a.Name ?? a.Id!,
    email: a.Email ?? '',
    status: String(a.State ?? a.Status ?? 'UNKNOWN'),
    parentId: parentOf.get(a.Id!),
  }));
  const servicePrincipals = (await collect(paginateListAWSServiceAccessForOrganization({ client, pageSize: PAGE }, {}), (p) => p.EnabledServicePrincipals)).map((s) => s.ServicePrincipal!);
  return {
    organizationId: organization.Id!,
    managementAccountId: organization.MasterAccountId!,
    rootId: root.Id!,
    homeRegion,
    policyTypes: (root.PolicyTypes ?? []).filter((t) => t.Status === 'ENABLED').map((t) => t.Type!),
    servicePrincipals,
    ous,
    accounts,
  };
}
