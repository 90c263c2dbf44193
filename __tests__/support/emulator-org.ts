/**
 * An organization in the emulator and a rootlock configuration for it (adopting it, the bundled example's people and
 * custody): management account, a security account in an existing Security OU, a payments-prod account in a created
 * Prod OU, sso.amazonaws.com already trusted. For the deploy tests and the plan-all benchmark.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CreateAccountCommand, CreateOrganizationalUnitCommand, CreateOrganizationCommand, EnableAWSServiceAccessCommand, ListRootsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { DEFAULT_CONFIG, loadConfigFile } from '../../config/load';
import { Emulator, sdkConfig } from './emulator';

export interface EmulatorOrg {
  mgmt: string;
  security: string;
  payments: string;
  org: string;
  root: string;
  securityOu: string;
}

export const EMULATOR_ORG_REGION = 'eu-west-1';

export async function createEmulatorOrg(emu: Emulator): Promise<EmulatorOrg> {
  const org = new OrganizationsClient(sdkConfig(emu));
  const created = await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
  const root = (await org.send(new ListRootsCommand({}))).Roots![0].Id!;
  const ids: EmulatorOrg = {
    org: created.Organization!.Id!,
    mgmt: created.Organization!.MasterAccountId!,
    root,
    securityOu: (await org.send(new CreateOrganizationalUnitCommand({ ParentId: root, Name: 'Security' }))).OrganizationalUnit!.Id!,
    security: (await org.send(new CreateAccountCommand({ AccountName: 'security-tooling', Email: 'security@example.com' }))).CreateAccountStatus!.AccountId!,
    payments: (await org.send(new CreateAccountCommand({ AccountName: 'payments-prod', Email: 'payments@example.com' }))).CreateAccountStatus!.AccountId!,
  };
  // Trusted access already in use elsewhere: a deploy must keep it.
  await org.send(new EnableAWSServiceAccessCommand({ ServicePrincipal: 'sso.amazonaws.com' }));
  org.destroy();
  return ids;
}

/** Writes the configuration for `ids` to DIR/rootlock.yaml (JSON, a YAML subset) and returns its path. */
export function writeEmulatorOrgConfig(ids: EmulatorOrg, dir: string): string {
  const example = loadConfigFile(DEFAULT_CONFIG);
  const file = path.join(dir, 'rootlock.yaml');
  const config = {
    organization: {
      managementAccountId: ids.mgmt,
      homeRegion: EMULATOR_ORG_REGION,
      existingOrganizationId: ids.org,
      rootId: ids.root,
      enabledServicePrincipals: ['sso.amazonaws.com'],
      deploymentRoleName: 'OrganizationAccountAccessRole',
      deploymentRoleTrustedBy: [`arn:aws:iam::${ids.mgmt}:role/rootlock-deployer-ci`],
      jobRoleTrustedBy: { plan: [`arn:aws:iam::${ids.mgmt}:role/rootlock-plan-ci`], audit: [`arn:aws:iam::${ids.mgmt}:role/rootlock-audit-ci`], drill: [`arn:aws:iam::${ids.mgmt}:role/rootlock-drill-ci`] },
    },
    securityAccount: 'security-tooling',
    organizationalUnits: [
      { name: 'Security', id: ids.securityOu },
      { name: 'Workloads', parent: 'root' },
      { name: 'Prod', parent: 'Workloads' },
      { name: 'Suspended', parent: 'root' },
    ],
    accounts: [
      { id: ids.security, name: 'security-tooling', ou: 'Security' },
      { id: ids.payments, name: 'payments-prod', ou: 'Prod' },
    ],
    breakGlass: { roleName: 'rootlock-break-glass', principals: [{ arn: `arn:aws:iam::${ids.mgmt}:user/breakglass-alice`, mfaDeviceArn: `arn:aws:iam::${ids.mgmt}:mfa/breakglass-alice`, custody: 'vault' }], mfaMaxAgeSeconds: 900, sessionDurationSeconds: 3600 },
    responders: example.responders,
    custody: example.custody,
    alerts: { emails: ['security-oncall@example.com'], httpsEndpoints: ['https://events.pagerduty.com/integration/examplekey/enqueue'] },
    logging: { retentionDays: 365 },
    exemptions: [{ ou: 'Suspended', reason: 'closed accounts awaiting deletion' }],
    monitoring: { guardDuty: true, config: true },
    state: { backend: 'local' },
  };
  fs.writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}
