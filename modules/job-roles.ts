/**
 * The job roles of one account (rootlock-plan, rootlock-audit, rootlock-drill): one per job, trusted only by the
 * job's principals (organization.jobRoleTrustedBy), none exempt from the monitoring-protection SCPs, none able to
 * assume the deployment role. Policies: policies/job-roles.ts.
 */
import { Construct } from 'constructs';
import { TerraformOutput } from 'cdktf';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import type { AccountTarget, Model } from '../config/model';
import { JOBS } from '../config/model-trust';
import { jobRolePolicy, jobRoleTrustPolicy } from '../policies/job-roles';
import { policyJson, terraformLiteral } from '../policies/document';

export interface JobRolesProps {
  model: Model;
  account: AccountTarget;
}

export class JobRoles extends Construct {
  readonly roles = new Map<string, IamRole>();

  constructor(scope: Construct, id: string, props: JobRolesProps) {
    super(scope, id);
    for (const job of JOBS) {
      const spec = props.model.trust.jobRoles[job];
      const role = new IamRole(this, job, {
        name: spec.name,
        description: `rootlock ${job} job in ${props.account.name}: ${spec.what}. Not exempt from the monitoring-protection SCPs.`.slice(0, 1000),
        assumeRolePolicy: terraformLiteral(policyJson(jobRoleTrustPolicy(props.model, job, props.account))),
        maxSessionDuration: 3600,
      });
      new IamRolePolicy(this, `${job}_policy`, { name: spec.name, role: role.name, policy: terraformLiteral(policyJson(jobRolePolicy(props.model, job))) });
      this.roles.set(job, role);
    }
    new TerraformOutput(this, 'arns', {
      value: Object.fromEntries(JOBS.map((job) => [job, this.roles.get(job)!.arn])),
      description: 'ARN of each job role in this account (plan, audit, drill).',
    });
  }
}
