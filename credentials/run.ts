/**
 * `npm run root-credentials` as functions: which member accounts, read every root user (the audit's reader,
 * `IAMAuditRootUserCredentials` sessions), delete (`IAMDeleteRootUserCredentials` sessions) and read again. Bounded
 * concurrency (`mapLimit`), throttling handled by the SDK's adaptive retry mode (`clientConfig`).
 */
import { DescribeOrganizationCommand, OrganizationsClient, paginateListAccounts } from '@aws-sdk/client-organizations';
import { AwsAccess, clientConfig, mapLimit } from '../audit/aws';
import { readRootCredentials, RootCredentialState } from '../audit/root-credentials';
import { deleteRootCredentials, DeletionOutcome } from './delete';

export interface MemberAccount {
  id: string;
  name: string;
}

export type Progress = (phase: string, done: number, total: number) => void;

/** Asked for an account that is not an ACTIVE member of the caller's organization: a usage error (exit 1). */
export class AccountSelectionError extends Error {}

/**
 * Every ACTIVE member account of the caller's organization (the management account has no task session: its root
 * user is the custody procedure's), or only `only` (each must be one of them), sorted by id.
 */
export async function memberAccounts(access: AwsAccess, region: string, only?: string[]): Promise<MemberAccount[]> {
  const org = new OrganizationsClient(clientConfig(access, region));
  try {
    const management = (await org.send(new DescribeOrganizationCommand({}))).Organization!.MasterAccountId!;
    const members: MemberAccount[] = [];
    for await (const page of paginateListAccounts({ client: org }, {})) {
      for (const a of page.Accounts ?? []) if (a.Id !== management && (a.Status ?? a.State) === 'ACTIVE') members.push({ id: a.Id!, name: a.Name ?? '' });
    }
    members.sort((a, b) => a.id.localeCompare(b.id));
    if (!only) return members;
    const byId = new Map(members.map((m) => [m.id, m]));
    const unknown = only.filter((id) => !byId.has(id));
    if (unknown.length > 0) {
      const why = unknown.includes(management) ? ` (${management} is the management account, whose root user is not reachable by a task session)` : '';
      throw new AccountSelectionError(`--accounts: ${unknown.join(', ')} is not an ACTIVE member account of organization managed by ${management}${why}`);
    }
    return [...new Set(only)].sort().map((id) => byId.get(id)!);
  } finally {
    org.destroy();
  }
}

/** True when the root user holds any credential. */
export const hasCredentials = (s: RootCredentialState) =>
  !s.error && (!!s.loginProfile || (s.accessKeys?.length ?? 0) > 0 || (s.certificates?.length ?? 0) > 0 || (s.mfaDevices?.length ?? 0) > 0);

export async function readAll(access: AwsAccess, region: string, accounts: MemberAccount[], progress: Progress = () => {}, phase = 'read'): Promise<RootCredentialState[]> {
  let done = 0;
  return mapLimit(accounts, access.concurrency, async (a) => {
    const state = await readRootCredentials(access, region, a);
    progress(phase, ++done, accounts.length);
    return state;
  });
}

export interface DeletionRun {
  before: RootCredentialState[];
  deletions: DeletionOutcome[];
  /** Read again after the deletions: what is left. */
  after: RootCredentialState[];
}

/** Deletes in the accounts where the first read found credentials (or could not read), then reads every account again. */
export async function deleteAll(access: AwsAccess, region: string, accounts: MemberAccount[], progress: Progress = () => {}): Promise<DeletionRun> {
  const before = await readAll(access, region, accounts, progress, 'read');
  const targets = accounts.filter((_, i) => hasCredentials(before[i]) || before[i].error);
  let done = 0;
  const deletions = await mapLimit(targets, access.concurrency, async (a) => {
    const outcome = await deleteRootCredentials(access, region, a);
    progress('delete', ++done, targets.length);
    return outcome;
  });
  const after = await readAll(access, region, accounts, progress, 're-read');
  return { before, deletions, after };
}
