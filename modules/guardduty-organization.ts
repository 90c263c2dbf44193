/** GuardDuty run by the security account as delegated administrator, enabled in every member account. */
import { Construct } from 'constructs';
import { GuarddutyDetector } from '@cdktf/provider-aws/lib/guardduty-detector';
import { GuarddutyOrganizationConfiguration } from '@cdktf/provider-aws/lib/guardduty-organization-configuration';

export class GuardDutyOrganization extends Construct {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const detector = new GuarddutyDetector(this, 'detector', { enable: true, findingPublishingFrequency: 'FIFTEEN_MINUTES' });
    new GuarddutyOrganizationConfiguration(this, 'organization_configuration', { detectorId: detector.id, autoEnableOrganizationMembers: 'ALL' });
  }
}
