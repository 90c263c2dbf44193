/**
 * What `npm run root-credentials` prints: markdown (a PR or a ticket; one row per account that holds a credential or
 * could not be read, accounts without credentials counted) or JSON (shape below, validated in the tests), and the
 * exit code. No timestamp: two runs on the same state print the same bytes.
 */
import { z } from 'zod';
import type { RootCredentialState } from '../audit/root-credentials';
import { code, document, heading, prose, table } from '../render/markdown';
import type { DeletionOutcome } from './delete';
import { hasCredentials } from './run';

export type Mode = 'read' | 'dry-run' | 'delete';

export interface CredentialsReport {
  mode: Mode;
  /** The read that decides the exit code: the only read (read, dry-run) or the read after the deletions (delete). */
  states: RootCredentialState[];
  deletions?: DeletionOutcome[];
}

const stateSchema = z.strictObject({
  accountId: z.string().regex(/^\d{12}$/),
  name: z.string(),
  error: z.string().optional(),
  loginProfile: z.boolean().optional(),
  accessKeys: z.array(z.string()).optional(),
  certificates: z.array(z.string()).optional(),
  mfaDevices: z.array(z.string()).optional(),
});

export const credentialsJsonSchema = z.strictObject({
  tool: z.literal('rootlock-root-credentials'),
  formatVersion: z.literal(1),
  mode: z.enum(['read', 'dry-run', 'delete']),
  summary: z.strictObject({ accounts: z.number().int(), withCredentials: z.number().int(), errors: z.number().int() }),
  accounts: z.array(stateSchema),
  deletions: z.array(z.strictObject({ accountId: z.string(), name: z.string(), deleted: z.array(z.string()), error: z.string().optional() })).optional(),
});
export type CredentialsJson = z.infer<typeof credentialsJsonSchema>;

function summary(r: CredentialsReport) {
  return {
    accounts: r.states.length,
    withCredentials: r.states.filter(hasCredentials).length,
    errors: r.states.filter((s) => s.error).length + (r.deletions ?? []).filter((d) => d.error).length,
  };
}

/** 2 when a root credential exists (still, after a deletion); else 1 when an account could not be read or cleaned; else 0. */
export function exitCode(r: CredentialsReport): 0 | 1 | 2 {
  const s = summary(r);
  return s.withCredentials > 0 ? 2 : s.errors > 0 ? 1 : 0;
}

export function renderJson(r: CredentialsReport): string {
  const doc: CredentialsJson = { tool: 'rootlock-root-credentials', formatVersion: 1, mode: r.mode, summary: summary(r), accounts: r.states, ...(r.deletions ? { deletions: r.deletions } : {}) };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** Each credential of one root user, as the would-delete / found list. */
export function credentialsOf(s: RootCredentialState): string[] {
  return [
    ...(s.loginProfile ? ['password'] : []),
    ...(s.accessKeys ?? []).map((k) => `access key ${k}`),
    ...(s.certificates ?? []).map((c) => `signing certificate ${c}`),
    ...(s.mfaDevices ?? []).map((d) => `MFA device ${d}`),
  ];
}

const VERDICT: Record<Mode, Record<0 | 1 | 2, string>> = {
  read: {
    0: 'No member account root user holds a credential (exit code 0).',
    1: 'Some accounts could not be read (exit code 1): fix access and run again.',
    2: '**Root credentials exist** (exit code 2). Remove them: `npm run root-credentials -- --delete --yes` (add `--accounts` to limit it).',
  },
  'dry-run': {
    0: 'Nothing to delete (exit code 0).',
    1: 'Some accounts could not be read (exit code 1).',
    2: '**Would delete** the credentials below (exit code 2). Nothing was changed: add `--yes` to delete them.',
  },
  delete: {
    0: 'Deleted; read again, no member account root user holds a credential (exit code 0).',
    1: 'Some accounts could not be read or cleaned (exit code 1): see the errors below.',
    2: '**Root credentials remain after the deletion** (exit code 2): see the errors below.',
  },
};

export function renderMarkdown(r: CredentialsReport): string {
  const s = summary(r);
  const open = r.states.filter((st) => hasCredentials(st) || st.error);
  const blocks: Array<string | false> = [
    heading(1, 'rootlock root credentials'),
    `${s.accounts} member account(s) read through \`IAMAuditRootUserCredentials\` task sessions${r.mode === 'delete' ? ' after the deletion' : ''}: ${s.withCredentials} with root credentials, ${s.errors} error(s). ${VERDICT[r.mode][exitCode(r)]}`,
  ];
  if (r.deletions && r.deletions.length > 0) {
    blocks.push(heading(2, 'Deleted (IAMDeleteRootUserCredentials)'));
    blocks.push(table(['Account', 'Name', 'Deleted', 'Error'], r.deletions.map((d) => [code(d.accountId), prose(d.name), prose(d.deleted.join(', ') || 'nothing'), prose(d.error ?? '')])));
  }
  blocks.push(heading(2, r.mode === 'dry-run' ? 'Would delete' : r.mode === 'delete' ? 'Remaining' : 'Root credentials found'));
  blocks.push(
    open.length === 0
      ? 'None.'
      : table(['Account', 'Name', r.mode === 'dry-run' ? 'Would delete' : 'Credentials', 'Error'], open.map((st) => [code(st.accountId), prose(st.name), prose(credentialsOf(st).join(', ')), prose(st.error ?? '')])),
  );
  return document(blocks);
}
