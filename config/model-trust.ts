/**
 * The trust model: who may use which role, resolved once from the configuration. The deployment role is the only
 * principal the monitoring-protection SCPs exempt, so it is usable only by the named deploy principals (its trust
 * policy and an RCP), and every session of it carries the deploy source identity. Every other job (PR plans, the
 * audit, the drill) has a role of its own in every account, none exempt. The stacks, the policies, the audit, the drill
 * and the detections read these names; nobody builds them again.
 */
import type { RootlockConfig } from './schema';
import { iamRoleArn } from './arn';
import { DEPLOY_SOURCE_IDENTITY, JOB_ROLE_NAMES, prefixed } from './contract';

export type Job = keyof typeof JOB_ROLE_NAMES;
export const JOBS: readonly Job[] = ['plan', 'audit', 'drill'];

export interface JobRole {
  job: Job;
  /** Role name, the same in every account (JOB_ROLE_NAMES). */
  name: string;
  /** `arn:aws:iam::*:role/<name>`: the role in every account. */
  arnPattern: string;
  /** Principal ARNs that may assume it (organization.jobRoleTrustedBy.<job>), sorted; empty: nobody yet. */
  trustedBy: string[];
  /** For people: what the job does with it. */
  what: string;
}

export interface TrustModel {
  /** sts:SourceIdentity of every deploy session of the deployment role (contract). */
  deploySourceIdentity: string;
  deploymentRoleName: string;
  deploymentRoleArnPattern: string;
  /** organization.deploymentRoleTrustedBy, sorted: the only principals that may assume the deployment role. */
  deployPrincipals: string[];
  jobRoles: Record<Job, JobRole>;
  /**
   * Terraform variable every stack's providers take the role to assume from (default: the deployment role; the
   * management stack: empty, the caller's own credentials). A PR plan sets `TF_VAR_rootlock_role_name=rootlock-plan`.
   */
  providerRoleVariable: string;
  /** The ARN of a job's role in one account (audit and drill assume these, never the deployment role). */
  jobRoleArn(job: Job, accountId: string): string;
  /** The RCPs rootlock attaches at the organization root (never reaching the management account's resources). */
  rcps: { deploymentRole: string; perimeter: string; trailBucket: string };
}

const WHAT: Record<Job, string> = {
  plan: 'read-only: PR plans, npm run review, plan-all (refresh every resource type rootlock deploys, read the state)',
  audit: 'reads what npm run audit checks, and the IAMAuditRootUserCredentials root task in the management account',
  drill: 'only what npm run drill does: inject drill events, a temporary rootlock-drill-* queue on the alert topic',
};

export function resolveTrust(org: RootlockConfig['organization']): TrustModel {
  const trustedBy: Partial<Record<Job, string[]>> = org.jobRoleTrustedBy ?? {};
  const jobRoles = Object.fromEntries(
    JOBS.map((job) => [
      job,
      { job, name: JOB_ROLE_NAMES[job], arnPattern: iamRoleArn('*', JOB_ROLE_NAMES[job]), trustedBy: [...new Set(trustedBy[job] ?? [])].sort(), what: WHAT[job] },
    ]),
  ) as Record<Job, JobRole>;
  return {
    deploySourceIdentity: DEPLOY_SOURCE_IDENTITY,
    deploymentRoleName: org.deploymentRoleName,
    deploymentRoleArnPattern: iamRoleArn('*', org.deploymentRoleName),
    deployPrincipals: [...new Set(org.deploymentRoleTrustedBy)].sort(),
    jobRoles,
    providerRoleVariable: 'rootlock_role_name',
    jobRoleArn: (job, accountId) => iamRoleArn(accountId, JOB_ROLE_NAMES[job]),
    rcps: { deploymentRole: prefixed('deployment-role-perimeter'), perimeter: prefixed('resource-perimeter'), trailBucket: prefixed('trail-log-retention') },
  };
}
