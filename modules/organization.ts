/** The organization (adopted by import, or created) and its member OUs. */
import { Construct } from 'constructs';
import { TerraformOutput, Token } from 'cdktf';
import { importExisting } from './import-existing';
import { OrganizationsOrganization } from '@cdktf/provider-aws/lib/organizations-organization';
import { DataAwsOrganizationsOrganization } from '@cdktf/provider-aws/lib/data-aws-organizations-organization';
import { OrganizationsOrganizationalUnit } from '@cdktf/provider-aws/lib/organizations-organizational-unit';
import type { Model, ResolvedOu } from '../config/model';
import { RootlockStack } from './rootlock-stack';

export interface OrganizationProps {
  model: Model;
}

export class Organization extends Construct {
  readonly organization: OrganizationsOrganization;
  /** OU id (literal for adopted OUs, a reference for created ones) by OU name. */
  readonly ouIds = new Map<string, string>();
  readonly rootId: string;
  /**
   * The organization as it really is, read at plan time (every account with its status, the enabled policy types).
   * For a created organization it is read after the organization exists.
   */
  readonly live: DataAwsOrganizationsOrganization;

  constructor(scope: Construct, id: string, props: OrganizationProps) {
    super(scope, id);
    const org = props.model.organization;
    const kept = props.model.placement.policyTypes;
    // Adopted: read before the import, with no dependency, so the plan knows the real state. Disabling a policy type
    // detaches every policy of that type (EnablePolicyType/DisablePolicyType API reference), so the organization keeps
    // every type already enabled on its root plus the ones rootlock needs.
    const adoptedLive = org.existingOrganizationId ? new DataAwsOrganizationsOrganization(this, 'live') : undefined;
    const enabledPolicyTypes = adoptedLive
      ? Token.asList(`\${sort(distinct(concat([for t in ${RootlockStack.addressOf(adoptedLive)}.roots[0].policy_types : t.type if t.status == "ENABLED"], ${JSON.stringify(kept)})))}`)
      : kept;
    this.organization = new OrganizationsOrganization(this, 'organization', {
      featureSet: 'ALL',
      enabledPolicyTypes,
      awsServiceAccessPrincipals: org.servicePrincipals,
      // Destroying this resource deletes the organization: decommissioning rootlock must `terraform state rm` it.
      lifecycle: { preventDestroy: true },
    });
    // Adopting: import the organization so a deploy never tries to create a second one.
    if (org.existingOrganizationId) importExisting(this.organization, org.existingOrganizationId);
    this.rootId = org.rootId ?? this.organization.roots.get(0).id;
    this.live = adoptedLive ?? new DataAwsOrganizationsOrganization(this, 'live', { dependsOn: [this.organization] });

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
