/** Centralized root access: member accounts need no root credentials; root tasks go through sts:AssumeRoot. */
import { Construct } from 'constructs';
import { ITerraformDependable, TerraformOutput } from 'cdktf';
import { IamOrganizationsFeatures } from '@cdktf/provider-aws/lib/iam-organizations-features';
import type { Model } from '../config/model';

export interface CentralizedRootAccessProps {
  model: Model;
  /** Trusted access for iam.amazonaws.com must be enabled first. */
  trustedAccess: ITerraformDependable;
}

export class CentralizedRootAccess extends Construct {
  readonly features: IamOrganizationsFeatures;

  constructor(scope: Construct, id: string, props: CentralizedRootAccessProps) {
    super(scope, id);
    this.features = new IamOrganizationsFeatures(this, 'features', {
      enabledFeatures: props.model.organization.rootFeatures,
      dependsOn: [props.trustedAccess],
    });
    new TerraformOutput(this, 'enabled_features', { value: this.features.enabledFeatures, description: 'Centralized root access features enabled.' });
  }
}
