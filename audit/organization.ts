/** Organization-level checks: all features, SCP policy type, trusted access, centralized root access features. */
import { IAMClient, ListOrganizationsFeaturesCommand } from '@aws-sdk/client-iam';
import { DescribeOrganizationCommand, ListRootsCommand, OrganizationsClient, paginateListAWSServiceAccessForOrganization } from '@aws-sdk/client-organizations';
import type { Model } from '../config/model';
import { AwsAccess, clientConfig, errorText } from './aws';
import { fail, notChecked, pass, Result } from './checks';

export interface OrganizationState {
  id: string;
  managementAccountId: string;
  featureSet: string;
  rootId: string;
  /** Policy types enabled on the root, with their status. */
  rootPolicyTypes: Array<{ type: string; status: string }>;
  trustedAccess: string[];
  /** IAM organizations features, or why they could not be read. */
  iamFeatures: string[] | { error: string };
}

export async function readOrganization(access: AwsAccess, region: string): Promise<OrganizationState> {
  const org = new OrganizationsClient(clientConfig(access, region));
  const iam = new IAMClient(clientConfig(access, region));
  try {
    const described = (await org.send(new DescribeOrganizationCommand({}))).Organization!;
    const root = (await org.send(new ListRootsCommand({}))).Roots![0];
    const trustedAccess: string[] = [];
    for await (const page of paginateListAWSServiceAccessForOrganization({ client: org }, {})) {
      trustedAccess.push(...(page.EnabledServicePrincipals ?? []).map((p) => p.ServicePrincipal!));
    }
    let iamFeatures: OrganizationState['iamFeatures'];
    try {
      iamFeatures = (await iam.send(new ListOrganizationsFeaturesCommand({}))).EnabledFeatures ?? [];
    } catch (e) {
      iamFeatures = { error: errorText(e) };
    }
    return {
      id: described.Id!,
      managementAccountId: described.MasterAccountId!,
      featureSet: described.FeatureSet ?? 'ALL',
      rootId: root.Id!,
      rootPolicyTypes: (root.PolicyTypes ?? []).map((p) => ({ type: p.Type!, status: p.Status! })),
      trustedAccess: trustedAccess.sort(),
      iamFeatures,
    };
  } finally {
    org.destroy();
    iam.destroy();
  }
}

export function evaluateOrganization(model: Model, state: OrganizationState): Result[] {
  const orgLabel = `organization ${state.id}`;
  const results: Result[] = [];
  results.push(
    state.featureSet === 'ALL'
      ? pass('org-all-features', orgLabel, 'All features are enabled.')
      : fail('org-all-features', orgLabel, `The feature set is ${state.featureSet}: SCPs and centralized root access are unavailable.`),
  );
  const scp = state.rootPolicyTypes.find((p) => p.type === 'SERVICE_CONTROL_POLICY');
  results.push(
    scp?.status === 'ENABLED'
      ? pass('org-scp-policy-type', `root ${state.rootId}`, 'SERVICE_CONTROL_POLICY is enabled on the root.')
      : fail('org-scp-policy-type', `root ${state.rootId}`, `SERVICE_CONTROL_POLICY is ${scp ? scp.status : 'not enabled'} on the root: no SCP applies.`),
  );
  for (const { principal, why } of model.organization.requiredServicePrincipals) {
    results.push(
      state.trustedAccess.includes(principal)
        ? pass('org-trusted-access', principal, `Enabled (${why}).`)
        : fail('org-trusted-access', principal, `Not enabled: ${why} does not work.`),
    );
  }
  const features = state.iamFeatures;
  const featureCheck: Record<string, string> = { RootCredentialsManagement: 'org-root-credentials-management', RootSessions: 'org-root-sessions' };
  for (const feature of model.organization.rootFeatures) {
    const id = featureCheck[feature];
    if (!id) continue;
    if (!Array.isArray(features)) results.push(notChecked(id, orgLabel, `IAM organizations features could not be read: ${features.error}`));
    else results.push(features.includes(feature) ? pass(id, orgLabel, `${feature} is enabled.`) : fail(id, orgLabel, `${feature} is not enabled.`));
  }
  return results;
}
