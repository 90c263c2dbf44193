/**
 * The root-deny and monitoring-protection SCPs, attached to every member OU (the root-deny one skips exempted OUs,
 * whose reasons go into its description). SCPs never apply to the management account.
 */
import { Construct } from 'constructs';
import { ITerraformDependable, TerraformOutput } from 'cdktf';
import { OrganizationsPolicy } from '@cdktf/provider-aws/lib/organizations-policy';
import { OrganizationsPolicyAttachment } from '@cdktf/provider-aws/lib/organizations-policy-attachment';
import type { Model } from '../config/model';
import { scpSpecs } from '../policies/scp';

export interface ServiceControlPoliciesProps {
  model: Model;
  ouIds: Map<string, string>;
  /** SCP policy type must be enabled on the organization first. */
  organization: ITerraformDependable;
}

export class ServiceControlPolicies extends Construct {
  readonly policies = new Map<string, OrganizationsPolicy>();

  constructor(scope: Construct, id: string, props: ServiceControlPoliciesProps) {
    super(scope, id);
    for (const spec of scpSpecs(props.model)) {
      const scp = new OrganizationsPolicy(this, `${spec.key}_scp`, {
        name: spec.name,
        description: spec.description,
        type: 'SERVICE_CONTROL_POLICY',
        content: spec.json,
        dependsOn: [props.organization],
      });
      this.policies.set(spec.key, scp);
      for (const ou of spec.targets) {
        new OrganizationsPolicyAttachment(this, `${spec.key}_scp_${ou.key}`, { policyId: scp.id, targetId: props.ouIds.get(ou.name)! });
      }
      new TerraformOutput(this, `${spec.key}_scp_id`, { value: scp.id, description: `Id of SCP ${spec.name}.` });
      new TerraformOutput(this, `${spec.key}_scp_targets`, {
        value: spec.targets.map((o) => o.path),
        description: `OUs ${spec.name} is attached to. The management account is never affected by SCPs.`,
      });
    }
    const exempt = props.model.ous.filter((o) => o.rootDenyExemptReason);
    new TerraformOutput(this, 'root_deny_exemptions', {
      value: Object.fromEntries(exempt.map((o) => [o.path, o.rootDenyExemptReason!])),
      description: 'OUs left without the root-deny SCP, with the reason from the configuration.',
    });
  }
}
