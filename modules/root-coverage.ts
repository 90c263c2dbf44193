/**
 * The root-coverage SCP (policies/root-coverage-scp.ts) attached at the organization root: it reaches every member
 * account wherever it sits, including accounts no rootlock OU holds. SCPs never apply to the management account.
 */
import { Construct } from 'constructs';
import { ITerraformDependable, TerraformOutput } from 'cdktf';
import { OrganizationsPolicy } from '@cdktf/provider-aws/lib/organizations-policy';
import { OrganizationsPolicyAttachment } from '@cdktf/provider-aws/lib/organizations-policy-attachment';
import type { Model } from '../config/model';
import { rootCoverageSpec } from '../policies/root-coverage-scp';

export interface RootCoverageProps {
  model: Model;
  /** Id of the organization root (r-...). */
  rootId: string;
  /** SCP policy type must be enabled on the organization first. */
  organization: ITerraformDependable;
}

export class RootCoverage extends Construct {
  readonly policy: OrganizationsPolicy;

  constructor(scope: Construct, id: string, props: RootCoverageProps) {
    super(scope, id);
    const spec = rootCoverageSpec(props.model);
    this.policy = new OrganizationsPolicy(this, 'scp', { name: spec.name, description: spec.description, type: 'SERVICE_CONTROL_POLICY', content: spec.json, dependsOn: [props.organization] });
    new OrganizationsPolicyAttachment(this, 'scp_root', { policyId: this.policy.id, targetId: props.rootId });
    new TerraformOutput(this, 'scp_id', { value: this.policy.id, description: `Id of SCP ${spec.name}, attached at the organization root.` });
    new TerraformOutput(this, 'exempt_accounts', {
      value: Object.fromEntries(spec.exempt.map((a) => [a.id, `${a.name} in ${a.ou}: ${a.reason}`])),
      description: 'Member accounts whose root user the root-coverage SCP leaves alone (declared in an exempt OU, acknowledged).',
    });
  }
}
