/**
 * The trust model's RCPs (policies/resource-control.ts), attached at the organization root: the deployment role only
 * for the deploy principals with the deploy source identity, the perimeter on rootlock's buckets, queues and keys, and
 * the trail log retention. RCPs never reach the management account's resources
 * (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html). The management stack
 * also outputs the deployment role trust policy the vending pipeline must create the role with.
 */
import { Construct } from 'constructs';
import { ITerraformDependable, TerraformOutput } from 'cdktf';
import { OrganizationsPolicy } from '@cdktf/provider-aws/lib/organizations-policy';
import { OrganizationsPolicyAttachment } from '@cdktf/provider-aws/lib/organizations-policy-attachment';
import type { Model } from '../config/model';
import { RCP_POLICY_TYPE } from '../config/model-placement';
import { deploymentRoleRcp, deploymentRoleTrustPolicy, perimeterRcp, trailBucketRcp } from '../policies/resource-control';
import { policyJson } from '../policies/document';

export interface ResourceControlPoliciesProps {
  model: Model;
  rootId: string;
  /** The organization's id (literal when adopted, a reference when created). */
  organizationId: string;
  /** The RCP policy type must be enabled on the organization first. */
  organization: ITerraformDependable;
}

export class ResourceControlPolicies extends Construct {
  constructor(scope: Construct, id: string, props: ResourceControlPoliciesProps) {
    super(scope, id);
    const m = props.model;
    const t = m.trust;
    const rcps = [
      { key: 'deployment_role', name: t.rcps.deploymentRole, doc: deploymentRoleRcp(m), what: `Only ${t.deployPrincipals.length} deploy principal(s), with source identity ${t.deploySourceIdentity}, may assume ${t.deploymentRoleName} in member accounts.` },
      { key: 'perimeter', name: t.rcps.perimeter, doc: perimeterRcp(m, props.organizationId), what: "rootlock's buckets, queues and keys: principals of the organization, and AWS services acting for it, only." },
      { key: 'trail_bucket', name: t.rcps.trailBucket, doc: trailBucketRcp(m), what: 'Trail log versions are never deleted, unlocked or shortened early; the trail bucket lock and policy change only in deploy sessions.' },
    ];
    for (const rcp of rcps) {
      const policy = new OrganizationsPolicy(this, `${rcp.key}_rcp`, {
        name: rcp.name,
        description: rcp.what,
        type: RCP_POLICY_TYPE,
        content: policyJson(rcp.doc),
        dependsOn: [props.organization],
      });
      new OrganizationsPolicyAttachment(this, `${rcp.key}_rcp_root`, { policyId: policy.id, targetId: props.rootId });
    }
    new TerraformOutput(this, 'deployment_role_trust_policy', {
      value: policyJson(deploymentRoleTrustPolicy(m)),
      description: `Trust policy ${t.deploymentRoleName} must have in every member account (the vending pipeline creates it so).`,
    });
  }
}
