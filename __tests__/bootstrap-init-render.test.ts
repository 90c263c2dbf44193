/**
 * `init --from-organization`'s rendering, pure: a snapshot of an organization -> YAML. Deterministic, valid names
 * from any AWS name, comments that no name can break out of, and placeholders that fail validation naming each field
 * a person must decide; at 1,000 accounts.
 */
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../config/errors';
import { DEFAULT_CONFIG, loadConfigFile, validateConfig } from '../config/load';
import { renderConfig } from '../init/render-config';
import type { OrganizationSnapshot } from '../init/snapshot';

function snapshot(accounts: number): OrganizationSnapshot {
  const ous = [
    { id: 'ou-ab12-security1', name: 'Security', parentId: 'r-ab12' },
    { id: 'ou-ab12-workloads', name: 'Workloads', parentId: 'r-ab12' },
    { id: 'ou-ab12-prod00001', name: 'Prod', parentId: 'ou-ab12-workloads' },
    { id: 'ou-ab12-sandbox01', name: 'Sandbox', parentId: 'r-ab12' },
    { id: 'ou-ab12-prod00002', name: 'Prod', parentId: 'ou-ab12-sandbox01' },
    { id: 'ou-ab12-eupayment', name: '2024 Payments (EU)\n# injected', parentId: 'ou-ab12-prod00001' },
  ];
  const list = [
    { id: '111111111111', name: 'Management', email: 'root@example.com', status: 'ACTIVE', parentId: 'r-ab12' },
    { id: '222222222222', name: 'Security Tooling', email: 'security@example.com', status: 'ACTIVE', parentId: 'ou-ab12-security1' },
    { id: '333333333333', name: 'stray', email: 'stray@example.com', status: 'ACTIVE', parentId: 'r-ab12' },
    { id: '444444444444', name: 'closed', email: 'closed@example.com', status: 'SUSPENDED' },
    { id: '555555555555', name: 'management', email: 'm2@example.com', status: 'ACTIVE', parentId: 'ou-ab12-prod00002' },
  ];
  for (let i = 0; i < accounts; i++) {
    list.push({ id: String(600000000000 + i), name: i % 2 ? `payments ${i}` : 'payments', email: `p${i}@example.com`, status: 'ACTIVE', parentId: 'ou-ab12-eupayment' });
  }
  return { organizationId: 'o-abcdefghij', managementAccountId: '111111111111', rootId: 'r-ab12', homeRegion: 'eu-west-1', policyTypes: ['SERVICE_CONTROL_POLICY', 'TAG_POLICY'], servicePrincipals: ['sso.amazonaws.com'], ous, accounts: list };
}

function problems(raw: unknown): string[] {
  try {
    validateConfig(raw);
    return [];
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return [...new Set(e.problems.map((p) => p.path.replace(/\[\d+\]/g, '[]')))].sort();
  }
}

/** What a person fills in: the fields marked DECIDE. */
function decide(raw: any): any {
  const example = loadConfigFile(DEFAULT_CONFIG);
  raw.breakGlass.principals = example.breakGlass.principals;
  raw.custody = { rootPassword: 'vault entry Root', mfaDevice: 'office safe' };
  raw.securityAccount = raw.accounts.find((a: any) => a.id === '222222222222').name;
  raw.responders = example.responders;
  raw.alerts.emails = ['security-oncall@example.com'];
  raw.organization.deploymentRoleTrustedBy = example.organization.deploymentRoleTrustedBy;
  for (const u of raw.unmanagedAccounts) u.reason = 'a contractor sandbox, closed next month';
  return raw;
}

describe('init --from-organization rendering', () => {
  const text = renderConfig(snapshot(1000));

  it('is deterministic and adopts every OU and ACTIVE member account where it is', () => {
    expect(renderConfig(snapshot(1000))).toBe(text);
    const raw = parseYaml(text);
    expect(raw.organizationalUnits).toHaveLength(6);
    expect(raw.accounts).toHaveLength(1002); // 1,000 + security + the member named "management"
    expect(raw.accounts.map((a: any) => a.id)).not.toContain('111111111111');
    expect(raw.accounts.map((a: any) => a.id)).not.toContain('444444444444');
    expect(raw.unmanagedAccounts).toEqual([{ id: '333333333333', reason: '' }]);
    expect(raw.organization).toMatchObject({ existingOrganizationId: 'o-abcdefghij', rootId: 'r-ab12', keepPolicyTypes: ['TAG_POLICY'], enabledServicePrincipals: ['sso.amazonaws.com'] });
    // A newline in an AWS name never escapes its comment.
    expect(text).not.toMatch(/^# injected/m);
  });

  it('fails validation on each field a person must decide (the schema first, then the cross-checks), each marked DECIDE', () => {
    const raw = parseYaml(text);
    expect(problems(raw)).toEqual(['breakGlass.principals', 'custody.mfaDevice', 'custody.rootPassword']);
    const example = loadConfigFile(DEFAULT_CONFIG);
    raw.breakGlass.principals = example.breakGlass.principals;
    raw.custody = { rootPassword: 'vault entry Root', mfaDevice: 'office safe' };
    expect(problems(raw)).toEqual(['alerts', 'organization.deploymentRoleTrustedBy', 'responders', 'securityAccount', 'unmanagedAccounts[].reason']);
    for (const field of ['deploymentRoleTrustedBy', 'securityAccount', 'principals', 'responders', 'rootPassword', 'mfaDevice', 'emails', 'sits at the root']) {
      expect(text.split('\n').some((l) => l.includes(field) && l.includes('DECIDE'))).toBe(true);
    }
  });

  it('filled in, validates: unique valid names from duplicate and unusual AWS names', () => {
    const raw = decide(parseYaml(text));
    expect(problems(raw)).toEqual([]);
    const names = raw.organizationalUnits.map((o: any) => o.name);
    expect(names).toContain('OU-2024 Payments -EU- injected');
    expect(names.filter((n: string) => /^Prod/.test(n))).toEqual(['Prod', 'Prod-2']);
    expect(raw.accounts.find((a: any) => a.id === '555555555555').name).toBe('management-2');
  });
});
