/**
 * `CloudWatch-CrossAccountSharingRole` of one account: what lets the security account's cross-account alarms read this
 * account's forwarding-queue metrics (modules/forwarding-watch.ts). AWS fixes the name; the trust admits only
 * CloudWatch's cross-account service-linked role of the security account, and the policy reads metrics only
 * (policies/health.ts). A protected role: any change outside a deploy is denied in members and pages as tamper.
 */
import { Construct } from 'constructs';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import type { AccountTarget, Model } from '../config/model';
import { policyJson } from '../policies/document';
import { metricSharingRolePolicy, metricSharingRoleTrust } from '../policies/health';

export interface MetricSharingRoleProps {
  model: Model;
  account: AccountTarget;
}

export class MetricSharingRole extends Construct {
  constructor(scope: Construct, id: string, props: MetricSharingRoleProps) {
    super(scope, id);
    const w = props.model.health.forwardingWatch;
    const role = new IamRole(this, 'role', {
      name: w.sharingRoleName,
      description: `Lets the rootlock security account's alarms read the forwarding-queue metrics of ${props.account.name} (CloudWatch cross-account alarms).`.slice(0, 1000),
      assumeRolePolicy: policyJson(metricSharingRoleTrust(props.model)),
    });
    new IamRolePolicy(this, 'policy', { role: role.name, name: 'read-metrics', policy: policyJson(metricSharingRolePolicy()) });
  }
}
