/**
 * Turns a snapshot of the live organization into a rootlock configuration (YAML with comments), deterministically.
 *
 * What the organization already says is written as adoption: the organization and root ids, every OU by id (its place
 * kept), every ACTIVE member account by id and email in the OU it sits in, the trusted access and policy types already
 * enabled. So the first management plan imports, moves nothing, renames nothing, and only adds what rootlock adds.
 *
 * What only a person can decide is left as a placeholder that FAILS validation, each marked `# DECIDE:`: the security
 * account, the break-glass principals, the responders, the custody of the root credentials, the alert destinations,
 * and, for each account at the root (rootlock would move it into an OU), whether to place it or leave it alone.
 */
import { POLICY_TYPES } from '../config/schema';
import { snake } from '../config/naming';
import type { OrganizationSnapshot, OuSnapshot } from './snapshot';

const q = (value: string): string => JSON.stringify(value);
/** One line of text from the organization inside a comment: no line breaks can escape it. */
const inComment = (value: string): string => JSON.stringify(value).slice(1, -1);

/** rootlock names: a letter first, then letters, digits, spaces, "_" or "-", at most 64 (config/schema.ts SLUG). */
function slug(raw: string, fallbackPrefix: string): string {
  let s = raw.replace(/[^A-Za-z0-9 _-]+/g, '-').replace(/-{2,}/g, '-').trim();
  if (!/^[A-Za-z]/.test(s)) s = `${fallbackPrefix}-${s}`.replace(/-{2,}/g, '-');
  return s.slice(0, 64).replace(/[ -]+$/, '');
}

/** Unique names ignoring case and punctuation (what the validator checks), by adding -2, -3... */
function uniqueNames<T>(items: T[], name: (t: T) => string, prefix: string, reserved: string[] = []): Map<T, string> {
  const taken = new Set(reserved.map(snake));
  const out = new Map<T, string>();
  for (const item of items) {
    const base = slug(name(item), prefix);
    let candidate = base;
    for (let n = 2; taken.has(snake(candidate)); n++) candidate = `${base.slice(0, 60)}-${n}`;
    taken.add(snake(candidate));
    out.set(item, candidate);
  }
  return out;
}

/** OUs depth-first from the root, siblings by name then id: the order people read a tree in. */
function treeOrder(ous: OuSnapshot[], rootId: string): Array<{ ou: OuSnapshot; path: string }> {
  const out: Array<{ ou: OuSnapshot; path: string }> = [];
  const visit = (parentId: string, prefix: string) => {
    const children = ous.filter((o) => o.parentId === parentId).sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
    for (const ou of children) {
      const path = prefix ? `${prefix}/${ou.name}` : ou.name;
      out.push({ ou, path });
      visit(ou.id, path);
    }
  };
  visit(rootId, '');
  return out;
}

export function renderConfig(org: OrganizationSnapshot): string {
  const tree = treeOrder(org.ous, org.rootId);
  const ouName = uniqueNames(tree.map((t) => t.ou), (o) => o.name, 'OU');
  const pathOf = new Map(tree.map((t) => [t.ou.id, t.path]));
  const members = org.accounts.filter((a) => a.status === 'ACTIVE' && a.id !== org.managementAccountId);
  const placed = members.filter((a) => a.parentId && a.parentId !== org.rootId && pathOf.has(a.parentId));
  const atRoot = members.filter((a) => !placed.includes(a));
  const ordered = [...placed].sort((a, b) => pathOf.get(a.parentId!)!.localeCompare(pathOf.get(b.parentId!)!) || a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  const accountName = uniqueNames(ordered, (a) => a.name, 'account', ['management']);
  const ouNameById = new Map(tree.map((t) => [t.ou.id, ouName.get(t.ou)!]));
  const known = new Set<string>(POLICY_TYPES);
  const keep = org.policyTypes.filter((t) => t !== 'SERVICE_CONTROL_POLICY' && known.has(t)).sort();
  const unknownTypes = org.policyTypes.filter((t) => !known.has(t)).sort();
  const skipped = org.accounts.filter((a) => a.status !== 'ACTIVE');

  const lines: string[] = [
    '# yaml-language-server: $schema=./schema/rootlock.schema.json',
    '#',
    `# Written by \`npm run init -- --from-organization\` from organization ${org.organizationId} (management account`,
    `# ${org.managementAccountId}): ${tree.length} OU(s), ${members.length} ACTIVE member account(s). Everything below that the organization`,
    '# already says is adopted as it is: nothing is moved or renamed by the first management plan.',
    '# Every "# DECIDE:" marks what only a person can decide; those placeholders fail validation until filled in',
    '# (run `npm run synth` to see each one named).',
    '',
    'organization:',
    `  managementAccountId: ${q(org.managementAccountId)}`,
    `  homeRegion: ${q(org.homeRegion)}   # DECIDE if needed: where the trail, alarms, topic and central bus live`,
    `  existingOrganizationId: ${q(org.organizationId)}`,
    `  rootId: ${q(org.rootId)}`,
    `  enabledServicePrincipals: [${[...org.servicePrincipals].sort().map(q).join(', ')}]   # trusted access already enabled: kept`,
    `  keepPolicyTypes: [${keep.map(q).join(', ')}]   # enabled on the root today: kept (a deploy never disables a type)`,
    ...(unknownTypes.length ? [`  # also enabled, unknown to this rootlock version (kept too, read at plan time): ${unknownTypes.map(inComment).join(', ')}`] : []),
    '  # deploymentRoleName: OrganizationAccountAccessRole   # DECIDE: a dedicated, narrowly trusted deployer role is better (README "The deployment role")',
    '  deploymentRoleTrustedBy: []   # DECIDE: the deploy pipeline\'s own role ARN, the only principal allowed to assume the deployment role (README "Trust model")',
    '',
    '# DECIDE: the account (one of accounts[].name below) that runs the alarm pipeline and is delegated administrator.',
    'securityAccount: "DECIDE: the name of the security account, one of accounts[].name"',
    '',
    '# Every OU, adopted by id where it is (rootlock names only; the OUs keep their names in AWS).',
    'organizationalUnits:',
    ...(tree.length === 0 ? ['  []   # DECIDE: the organization has no OU: add at least one ({ name, parent: root }) for the accounts'] : []),
    ...tree.map((t) => `  - { name: ${q(ouName.get(t.ou)!)}, id: ${q(t.ou.id)} }   # ${inComment(t.path)}`),
    '',
    '# Every ACTIVE member account in the OU it sits in, by id; the email is checked against the organization at plan time.',
    'accounts:',
    ...(ordered.length === 0 ? ['  []   # DECIDE: no member account sits in an OU: add the accounts rootlock covers'] : []),
    ...ordered.map((a) => {
      const renamed = accountName.get(a)! !== a.name ? `   # name in AWS: ${inComment(a.name)}` : '';
      return `  - { id: ${q(a.id)}, email: ${q(a.email)}, name: ${q(accountName.get(a)!)}, ou: ${q(ouNameById.get(a.parentId!)!)} }${renamed}`;
    }),
    '',
    '# DECIDE, for each account at the root (no OU, so no rootlock SCP reaches it): move it under accounts with an ou',
    '# (the next management deploy moves it there), or keep it here with the reason it stays outside rootlock.',
    'unmanagedAccounts:',
    ...(atRoot.length === 0 ? ['  []'] : []),
    ...atRoot.map((a) => `  - { id: ${q(a.id)}, reason: "" }   # DECIDE: ${inComment(a.name)} <${inComment(a.email)}> sits at the root`),
    ...(skipped.length ? ['', `# Not ACTIVE, left out (the guard ignores them): ${skipped.map((a) => `${a.id} (${inComment(a.status)})`).join(', ')}`] : []),
    '',
    'breakGlass:',
    '  # DECIDE: the named IAM users allowed to assume the break-glass role, each with its MFA device and where its',
    '  # credentials are kept: - { arn: arn:aws:iam::<management>:user/<name>, mfaDeviceArn: ..., custody: ... }',
    '  principals: []   # DECIDE: at least one',
    '',
    '# DECIDE: at least two responders (two-person rule): who holds the root password, who holds the MFA device, who approves.',
    '# - { name: ..., role: ..., contact: { email: ..., phone: "+44 ..." }, custody: [root-password] }',
    'responders: []   # DECIDE: at least two',
    '',
    'custody:',
    '  rootPassword: ""   # DECIDE: where the management account root password is kept',
    '  mfaDevice: ""      # DECIDE: where the management account root MFA device is kept',
    '',
    'alerts:',
    '  emails: []           # DECIDE: who is paged (at least one email or https endpoint)',
    '  httpsEndpoints: []',
    '',
    'monitoring:',
    '  guardDuty: true   # DECIDE: false where the organization already runs GuardDuty elsewhere',
    '  config: true      # DECIDE: false where the organization already runs AWS Config elsewhere',
    '',
    'state:',
    '  backend: local   # DECIDE: { backend: s3, bucket, region } for real use',
    '',
  ];
  return lines.join('\n');
}
