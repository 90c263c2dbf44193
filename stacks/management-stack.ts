/**
 * Management stack: the organization-level controls. Trusted access, centralized root access management, the
 * root-deny and monitoring-protection SCPs on every member OU, and the security account as delegated administrator.
 * Deployed with the management account's credentials; SCPs never restrict the management account itself.
 */
import { Construct } from 'constructs';
import type { Model } from '../config/model';
import { RootlockStack } from '../modules/rootlock-stack';
import { Organization } from '../modules/organization';
import { CentralizedRootAccess } from '../modules/centralized-root-access';
import { ServiceControlPolicies } from '../modules/service-control-policies';
import { DelegatedAdministrators } from '../modules/delegated-administrators';
import { RootAccessDelegation } from '../modules/root-access-delegation';
import { AccountPlacement } from '../modules/account-placement';
import { OrganizationGuard } from '../modules/organization-guard';
import { ResourceControlPolicies } from '../modules/resource-control-policies';
import { RootCoverage } from '../modules/root-coverage';

export class ManagementStack extends RootlockStack {
  constructor(scope: Construct, model: Model) {
    super(scope, model.stackNames.management, {
      model,
      accountId: model.organization.managementAccountId,
      purpose:
        'Organization-level root lock-down: trusted access, centralized root access (RootCredentialsManagement, RootSessions), root-deny and monitoring-protection SCPs on member OUs (never the management account), delegated administrators, every declared member account placed in its OU, and a guard that fails the plan on an undeclared ACTIVE account.',
    });
    const org = new Organization(this, 'organization', { model });
    const rootAccess = new CentralizedRootAccess(this, 'centralized_root_access', { model, trustedAccess: org.organization });
    new RootAccessDelegation(this, 'root_access_delegation', { model, centralizedRootAccess: rootAccess.features });
    new ServiceControlPolicies(this, 'scps', { model, ouIds: org.ouIds, organization: org.organization });
    new RootCoverage(this, 'root_coverage', { model, rootId: org.rootId, organization: org.organization });
    new DelegatedAdministrators(this, 'delegated_admin', { model, trustedAccess: org.organization });
    new AccountPlacement(this, 'placement', { model, ouIds: org.ouIds });
    new OrganizationGuard(this, 'guard', { model, live: org.live });
    const organizationId = model.organization.existingOrganizationId ?? org.organization.id;
    new ResourceControlPolicies(this, 'rcps', { model, rootId: org.rootId, organizationId, organization: org.organization });
  }
}
