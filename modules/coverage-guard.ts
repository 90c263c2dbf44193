/**
 * A baseline refuses to apply when its account is not covered: the plan reads, with the management account's
 * credentials (the deploy's own, as the management stack uses), the SCPs attached at the organization root, and a
 * `precondition` fails unless the root-coverage SCP is one of them. The root-coverage SCP reaches the account wherever
 * it sits, so this holds even when the baseline is vended without planning `management`. Not used for the management
 * account (SCPs never apply to it) nor for an account acknowledged into an exempt OU (explicitly uncovered).
 * https://developer.hashicorp.com/terraform/language/expressions/custom-conditions#preconditions-and-postconditions
 */
import { Construct } from 'constructs';
import { DataResource, TerraformIterator } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { DataAwsOrganizationsOrganization } from '@cdktf/provider-aws/lib/data-aws-organizations-organization';
import { DataAwsOrganizationsPoliciesForTarget } from '@cdktf/provider-aws/lib/data-aws-organizations-policies-for-target';
import { DataAwsOrganizationsPolicy } from '@cdktf/provider-aws/lib/data-aws-organizations-policy';
import type { AccountTarget, Model } from '../config/model';
import { SCP_NAMES } from '../config/contract';
import { isRootDenyExempt } from '../policies/root-coverage-scp';
import { RootlockStack } from './rootlock-stack';

export interface CoverageGuardProps {
  readonly model: Model;
  readonly account: AccountTarget;
}

/** True when the account's baseline must prove coverage: a member account not acknowledged as exempt. */
export function needsCoverageGuard(model: Model, account: AccountTarget): boolean {
  return !account.isManagement && !isRootDenyExempt(model, account);
}

export class CoverageGuard extends Construct {
  constructor(scope: Construct, id: string, props: CoverageGuardProps) {
    super(scope, id);
    const { model, account } = props;
    const org = model.organization;
    // The organization's policies are readable from the management account (or a delegated administrator) only.
    const provider = new AwsProvider(this, 'management', { alias: 'management', region: org.homeRegion, allowedAccountIds: [org.managementAccountId] });
    const rootId = org.rootId ?? new DataAwsOrganizationsOrganization(this, 'organization', { provider }).roots.get(0).id;
    const atRoot = new DataAwsOrganizationsPoliciesForTarget(this, 'root_scps', { provider, targetId: rootId, filter: 'SERVICE_CONTROL_POLICY' });
    const each = TerraformIterator.fromList(atRoot.ids);
    const policies = new DataAwsOrganizationsPolicy(this, 'root_scp', { provider, forEach: each, policyId: each.value });
    const names = `[for p in ${RootlockStack.addressOf(policies)} : p.name]`;
    new DataResource(this, 'coverage_guard', {
      input: { account: account.id, requiredAtRoot: SCP_NAMES.rootCoverage },
      lifecycle: {
        precondition: [
          {
            condition: `\${contains(${names}, ${JSON.stringify(SCP_NAMES.rootCoverage)})}`,
            errorMessage: `rootlock coverage: ${SCP_NAMES.rootCoverage} is not attached at the organization root, so nothing is sure to deny the root user of ${account.name} (${account.id}) wherever it sits (SCPs at the root: \${join(", ", ${names})}). Fix: deploy the management stack first (cdktf deploy management), then this baseline.`,
          },
        ],
      },
    });
  }
}
