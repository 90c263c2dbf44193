/** The organization (adopted by import, or created) and its member OUs. */
import { Construct } from 'constructs';
import { TerraformOutput, TerraformStack } from 'cdktf';
import { OrganizationsOrganization } from '@cdktf/provider-aws/lib/organizations-organization';
import { OrganizationsOrganizationalUnit } from '@cdktf/provider-aws/lib/organizations-organizational-unit';
import type { Model, ResolvedOu } from '../config/model';

export interface OrganizationProps {
  model: Model;
}

export class Organization extends Construct {
  readonly organization: OrganizationsOrganization;
  /** OU id (literal for adopted OUs, a reference for created ones) by OU name. */
  readonly ouIds = new Map<string, string>();
  readonly rootId: string;

  constructor(scope: Construct, id: string, props: OrganizationProps) {
    super(scope, id);
    const org = props.model.organization;
    this.organization = new OrganizationsOrganization(this, 'organization', {
      featureSet: 'ALL',
      enabledPolicyTypes: ['SERVICE_CONTROL_POLICY'],
      awsServiceAccessPrincipals: org.servicePrincipals,
      // Destroying this resource deletes the organization: decommissioning rootlock must `terraform state rm` it.
      lifecycle: { preventDestroy: true },
    });
    // Adopting: import the organization so a deploy never tries to create a second one. Written as the stack's
    // `import` block directly: cdktf's importFrom() would also add a synth-time check that runs `terraform version` on
    // the synthesizing machine (failing synth where no terraform is installed, and costing a process per synth);
    // Terraform checks import-block support itself where it runs (>= 1.5; rootlock needs >= 1.10 anyway).
    if (org.existingOrganizationId) {
      TerraformStack.of(this).addOverride('import', [{ id: org.existingOrganizationId, to: `${this.organization.terraformResourceType}.${this.organization.friendlyUniqueId}` }]);
    }
    this.rootId = org.rootId ?? this.organization.roots.get(0).id;

    const created = new Map<string, OrganizationsOrganizationalUnit>();
    const ensure = (ou: ResolvedOu): string => {
      if (ou.existingId) return ou.existingId;
      const existing = created.get(ou.name);
      if (existing) return existing.id;
      const parent = ou.parent === 'root' ? this.rootId : ensure(props.model.ous.find((o) => o.name === ou.parent)!);
      const resource = new OrganizationsOrganizationalUnit(this, `ou_${ou.key}`, { name: ou.name, parentId: parent, tags: { RootlockOuPath: ou.path } });
      created.set(ou.name, resource);
      return resource.id;
    };
    for (const ou of props.model.ous) this.ouIds.set(ou.name, ensure(ou));

    new TerraformOutput(this, 'organization_id', { value: this.organization.id, description: 'Organization id.' });
    new TerraformOutput(this, 'ou_ids', {
      value: Object.fromEntries(props.model.ous.map((o) => [o.name, this.ouIds.get(o.name)!])),
      description: 'OU id by OU name.',
    });
  }
}
