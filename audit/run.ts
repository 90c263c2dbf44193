/**
 * The audit: read the organization, every account, every member root user and the pipeline (read-only calls only),
 * then evaluate each family with pure functions and return the results in a fixed order.
 */
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { Model } from '../config/model';
import { AccountSnapshot, auditRoleArn, credentialsFor, evaluateAccounts, readAccount } from './accounts';
import { AwsAccess, clientConfig, errorText, mapLimit } from './aws';
import { Result, sortResults, notChecked, CHECKS } from './checks';
import { auditDeployed } from './deployed';
import { readExpected } from './expected';
import { evaluateOrganization, readOrganization } from './organization';
import { ouPath, readOrgTree } from './org-tree';
import { JOB_ROLE_NAMES } from '../config/contract';
import { evaluateConfigRecorders, evaluatePipeline, PipelineState, readPipeline } from './pipeline';
import { evaluateRootCredentials, readRootCredentials, RootCredentialState } from './root-credentials';

/** The credentials cannot read the organization, or belong to another one: the audit cannot run (exit 1). */
export class AuditAccessError extends Error {}

export interface AuditOutcome {
  organizationId: string;
  accounts: number;
  results: Result[];
}

export interface AuditOptions {
  now?: Date;
  progress?: (phase: string, done: number, total: number) => void;
  /** The synthesized Terraform of this configuration (`cdktf.out`): when set, every deployed resource is held against it. */
  synthDir?: string;
  /** Role the deployed-state audit assumes in every other account (default JOB_ROLE_NAMES.audit). */
  roleName?: string;
}

export async function runAudit(model: Model, given: AwsAccess, opts: AuditOptions = {}): Promise<AuditOutcome> {
  const access: AwsAccess = { ...given, roleName: opts.roleName ?? given.roleName ?? JOB_ROLE_NAMES.audit };
  const region = model.organization.homeRegion;
  const progress = opts.progress ?? (() => {});
  let callerAccountId: string;
  let org;
  try {
    const sts = new STSClient(clientConfig(access, region));
    callerAccountId = (await sts.send(new GetCallerIdentityCommand({}))).Account!;
    sts.destroy();
    org = await readOrganization(access, region);
  } catch (e) {
    throw new AuditAccessError(`cannot read the organization with these credentials (${errorText(e)}): use the management account's or the delegated administrator's credentials`);
  }
  if (org.managementAccountId !== model.organization.managementAccountId) {
    throw new AuditAccessError(
      `the credentials belong to the organization managed by ${org.managementAccountId}, the configuration declares ${model.organization.managementAccountId}: check ROOTLOCK_CONFIG and AWS_PROFILE`,
    );
  }
  const tree = await readOrgTree(access, region, org.rootId, (d, t) => progress('account placement', d, t));
  const present = new Map(tree.accounts.map((a) => [a.id, a]));
  const declaredPresent = model.allAccounts.filter((a) => present.get(a.id)?.status === 'ACTIVE');
  const members = tree.accounts.filter((a) => a.id !== org.managementAccountId && a.status === 'ACTIVE');

  let done = 0;
  const total = declaredPresent.length + members.length;
  const snapshots: AccountSnapshot[] = await mapLimit(declaredPresent, access.concurrency, async (a) => {
    const s = await readAccount(access, model, a, callerAccountId);
    progress('accounts', ++done, total);
    return s;
  });
  // The task sessions are asked for as the audit's own role in the management account (root-task-session excludes
  // exactly that role's read-only audit sessions from paging), unless the caller is already it.
  const asker = { ...access, rootTaskRoleArn: access.rootTaskRoleArn ?? auditRoleArn(access, model.management.id) };
  const rootStates: RootCredentialState[] = await mapLimit(members, access.concurrency, async (a) => {
    const s = await readRootCredentials(asker, region, a);
    progress('accounts', ++done, total);
    return s;
  });

  let pipelineResults: Result[];
  try {
    const creds = await credentialsFor(access, model, model.security, callerAccountId);
    const state: PipelineState = await readPipeline(access, model, creds);
    pipelineResults = evaluatePipeline(model, state, opts.now ?? new Date());
  } catch (e) {
    const why = `cannot read the security account ${model.security.id}: ${errorText(e)}`;
    pipelineResults = CHECKS.filter((c) => c.family === 'pipeline' && c.id !== 'pipeline-config-recorder').map((c) => notChecked(c.id, model.security.name, why));
  }

  let deployedResults: Result[] = [];
  if (opts.synthDir) {
    const expected = readExpected(opts.synthDir, model.organization.managementAccountId);
    // An OU is known by its path in the synthesized Terraform (its id is AWS's): the live tree says which id is which.
    const targetName = (id: string) => (tree.ous.has(id) ? `ou:${ouPath(tree, id)}` : id);
    deployedResults = await auditDeployed(access, expected, {
      callerAccountId,
      roleName: access.roleName!,
      targetName,
      activeAccounts: new Set([org.managementAccountId, ...members.map((a) => a.id)]),
      progress: (d, t) => progress('deployed resources (accounts)', d, t),
    });
  }

  const results = sortResults([
    ...deployedResults,
    ...evaluateOrganization(model, org),
    ...evaluateAccounts(model, tree, snapshots),
    ...evaluateRootCredentials(rootStates),
    ...pipelineResults,
    ...evaluateConfigRecorders(model, snapshots),
  ]);
  return { organizationId: org.id, accounts: tree.accounts.length, results };
}
