/** Cross-field rules of the trust model (config/model-trust.ts): the deployment role has named users, and no job shares them. */
import type { RootlockConfig } from './schema';
import type { Problem } from './errors';
import { DEPLOY_SOURCE_IDENTITY, JOB_ROLE_NAMES } from './contract';

const JOBS = Object.keys(JOB_ROLE_NAMES) as Array<keyof typeof JOB_ROLE_NAMES>;

/**
 * The deployment role is the one principal the monitoring-protection SCPs exempt: without named deploy principals the
 * RCP that keeps everyone else out of it cannot be written, so the configuration is refused before anything is built.
 */
export function trustChecks(c: RootlockConfig): Problem[] {
  const org = c.organization;
  const problems: Problem[] = [];
  if (org.deploymentRoleTrustedBy.length === 0) {
    problems.push({
      path: 'organization.deploymentRoleTrustedBy',
      message: `is empty: list the ARN of the deploy pipeline's own role (e.g. "arn:aws:iam::${org.managementAccountId}:role/rootlock-deployer-ci"), the only principal allowed to assume ${org.deploymentRoleName} (with source identity ${DEPLOY_SOURCE_IDENTITY}); see the README "Trust model"`,
    });
  }
  org.deploymentRoleTrustedBy.forEach((arn, i) => {
    const name = arn.split('/').pop()!;
    if (name === org.deploymentRoleName || Object.values(JOB_ROLE_NAMES).includes(name as never)) {
      problems.push({ path: `organization.deploymentRoleTrustedBy[${i}]`, message: `"${arn}" is a role rootlock itself uses in the accounts: name the deploy pipeline's own role instead` });
    }
  });
  for (const job of JOBS) {
    (org.jobRoleTrustedBy[job] ?? []).forEach((arn, i) => {
      if (org.deploymentRoleTrustedBy.includes(arn)) {
        problems.push({
          path: `organization.jobRoleTrustedBy.${job}[${i}]`,
          message: `"${arn}" is also a deploy principal: the ${job} job runs code that is not the deployed branch and must not hold the deployment role; give it a role of its own`,
        });
      }
    });
  }
  return problems;
}
