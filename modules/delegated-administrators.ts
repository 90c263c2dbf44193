/** The security account becomes delegated administrator for CloudTrail, GuardDuty and AWS Config. */
import { Construct } from 'constructs';
import { ITerraformDependable } from 'cdktf';
import { CloudtrailOrganizationDelegatedAdminAccount } from '@cdktf/provider-aws/lib/cloudtrail-organization-delegated-admin-account';
import { GuarddutyOrganizationAdminAccount } from '@cdktf/provider-aws/lib/guardduty-organization-admin-account';
import { OrganizationsDelegatedAdministrator } from '@cdktf/provider-aws/lib/organizations-delegated-administrator';
import type { Model } from '../config/model';

export interface DelegatedAdministratorsProps {
  model: Model;
  /** Trusted access for each service must be enabled first. */
  trustedAccess: ITerraformDependable;
}

export class DelegatedAdministrators extends Construct {
  constructor(scope: Construct, id: string, props: DelegatedAdministratorsProps) {
    super(scope, id);
    const accountId = props.model.security.id;
    const dependsOn = [props.trustedAccess];
    new CloudtrailOrganizationDelegatedAdminAccount(this, 'cloudtrail', { accountId, dependsOn });
    if (props.model.monitoring.guardDuty) new GuarddutyOrganizationAdminAccount(this, 'guardduty', { adminAccountId: accountId, dependsOn });
    if (props.model.monitoring.config) {
      new OrganizationsDelegatedAdministrator(this, 'config', { accountId, servicePrincipal: 'config-multiaccountsetup.amazonaws.com', dependsOn });
    }
  }
}
