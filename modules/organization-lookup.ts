/** The organization the stack's account belongs to, read at plan time: its id goes into the resource policies. */
import { Construct } from 'constructs';
import { DataAwsOrganizationsOrganization } from '@cdktf/provider-aws/lib/data-aws-organizations-organization';

export class OrganizationLookup extends Construct {
  /** The organization id (`o-...`), a Terraform reference. */
  readonly id: string;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.id = new DataAwsOrganizationsOrganization(this, 'organization').id;
  }
}
