/**
 * Every changing command of every runbook block is allowed by rootlock's own policies, as the principal that runs it.
 * The example is synthesized as `npm run synth` does (stacks and runbooks); each block of `blocks.json` is run in bash
 * against the recording `aws` stub, so every call comes with its real argv and the session it ran in: the principal
 * the block states (outside any subshell), the role a subshell assumed (with the source identity and MFA it passed),
 * or the root task session of an AssumeRoot (scoped by its task policy). Each call that changes something is then
 * evaluated with the IAM engine against the SCPs of the caller's account and the RCPs of the resource's account, read
 * generically from the synthesized management stack (any policy of either type, whoever added it), with only the
 * request keys AWS sends for that caller and resource.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { exampleModel } from './support/example';
import { writeOutput } from '../output';
import { BLOCKS_FILE, type BlockEntry, type RunsAs } from '../runbooks';
import { selectPrincipal } from '../runbooks/common';
import { TAGS } from '../config/contract';
import { ADMIN, Decision, simulate, SimulateInput } from './support/iam';
import { ManagementStack, policyLevels, policyTypes } from './support/org-policies';
import { TASK_POLICIES } from './support/task-policies';
import { describeWithTools } from './support/tools';
import { mapLimit } from './fixtures/runbooks/support';
import { filledIn, pasteInto, RecordedCall, sessionKeyOf, STUB_OWN_ACCOUNT } from './fixtures/runbooks/shells';
import { actionExists, changes, iamActionOf, option, UNAUTHORIZED_CALLS } from './fixtures/runbooks/cli-actions';

jest.setTimeout(300_000);

const model = exampleModel();
const ORG_ID = model.organization.existingOrganizationId ?? 'o-exampleorg1';
const MGMT = model.management.id;
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'rootlock-authorized-'));
writeOutput(model, { outdir: out });
afterAll(() => fs.rmSync(out, { recursive: true, force: true }));
const management = JSON.parse(fs.readFileSync(path.join(out, 'stacks', model.stackNames.management, 'cdk.tf.json'), 'utf8')) as ManagementStack;
const runbooksDir = path.join(out, 'runbooks');
const entries = JSON.parse(fs.readFileSync(path.join(runbooksDir, BLOCKS_FILE), 'utf8')) as BlockEntry[];

/** Who made a call: what the engine needs to know about the caller. */
interface Caller {
  account: string;
  principal: string;
  principalArn: string;
  identityPolicies: object[];
  context: Record<string, string>;
}

const base = (account: string, principalArn: string): Record<string, string> => ({
  'aws:PrincipalArn': principalArn,
  'aws:PrincipalAccount': account,
  'aws:PrincipalOrgID': ORG_ID,
  'aws:SecureTransport': 'true',
});

/** The principal a block states for its outer commands. */
function declared(r: RunsAs): Caller {
  const isRole = r.principal.includes(':role/');
  const name = r.principal.split('/').pop()!;
  return {
    account: r.account,
    principal: isRole ? `arn:aws:sts::${r.account}:assumed-role/${name}/responder` : r.principal,
    principalArn: r.principal,
    identityPolicies: [ADMIN],
    context: base(r.account, r.principal),
  };
}

/** The session an assume-role or assume-root call created, from the argv it was given. */
function sessionOf(call: RecordedCall): Caller {
  const [service, op] = call.argv;
  if (`${service} ${op}` === 'sts assume-role') {
    const roleArn = option(call.argv, '--role-arn')!;
    const account = roleArn.split(':')[4];
    const context = base(account, roleArn);
    const sourceIdentity = option(call.argv, '--source-identity');
    if (sourceIdentity) context['aws:SourceIdentity'] = sourceIdentity;
    if (option(call.argv, '--serial-number')) Object.assign(context, { 'aws:MultiFactorAuthPresent': 'true', 'aws:MultiFactorAuthAge': '30' });
    const name = roleArn.split('/').pop()!;
    return { account, principal: `arn:aws:sts::${account}:assumed-role/${name}/${option(call.argv, '--role-session-name')}`, principalArn: roleArn, identityPolicies: [ADMIN], context };
  }
  const target = option(call.argv, '--target-principal')!;
  const task = option(call.argv, '--task-policy-arn')!.replace(/^arn=/, '').split('/').pop()!;
  const root = `arn:aws:iam::${target}:root`;
  return { account: target, principal: root, principalArn: root, identityPolicies: [TASK_POLICIES[task]], context: { ...base(target, root), 'aws:AssumedRoot': 'true' } };
}

interface Request {
  resource: string;
  resourceAccount: string;
  context?: Record<string, string>;
  resourcePolicy?: object;
  unvalidatedResource?: boolean;
}

/** The resource a changing call acts on, from its argv and its caller; undefined when the table has no rule for it. */
function requestOf(action: string, argv: string[], caller: Caller): Request | undefined {
  const region = option(argv, '--region') ?? model.organization.homeRegion;
  const [service] = action.split(':');
  const own = caller.account;
  if (action === 'sts:AssumeRole') {
    const roleArn = option(argv, '--role-arn')!;
    // STS puts the requested source identity in the request context (sts:SourceIdentity) of the AssumeRole itself.
    const sourceIdentity = option(argv, '--source-identity');
    return { resource: roleArn, resourceAccount: roleArn.split(':')[4], ...(sourceIdentity ? { context: { 'sts:SourceIdentity': sourceIdentity } } : {}) };
  }
  if (action === 'sts:AssumeRoot') {
    const target = option(argv, '--target-principal')!;
    return { resource: `arn:aws:iam::${target}:root`, resourceAccount: target, unvalidatedResource: true };
  }
  if (service === 'iam') {
    if (option(argv, '--role-name')) return { resource: `arn:aws:iam::${own}:role/${option(argv, '--role-name')}`, resourceAccount: own };
    if (option(argv, '--user-name')) return { resource: `arn:aws:iam::${own}:user/${option(argv, '--user-name')}`, resourceAccount: own };
    return { resource: `arn:aws:iam::${own}:root`, resourceAccount: own, unvalidatedResource: true };
  }
  if (service === 'sqs') {
    const [, , host, owner, name] = option(argv, '--queue-url')!.split('/');
    // A task session acts on a queue of its own account (the sample queue URL names one account for all of them).
    const account = owner === STUB_OWN_ACCOUNT || caller.principal.endsWith(':root') ? own : owner;
    return { resource: `arn:aws:sqs:${host.split('.')[1]}:${account}:${name}`, resourceAccount: account };
  }
  if (service === 's3') return { resource: `arn:aws:s3:::${option(argv, '--bucket')}`, resourceAccount: own };
  if (service === 'kms') {
    // rootlock's keys carry the purpose tag; the key policy lets the owning account administer them (as the stacks do).
    return {
      resource: `arn:aws:kms:${region}:${own}:key/${option(argv, '--key-id')}`,
      resourceAccount: own,
      context: { [`aws:ResourceTag/${TAGS.purpose}`]: 'pipeline' },
      resourcePolicy: { Version: '2012-10-17', Statement: [{ Sid: 'Owner', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${own}:root` }, Action: 'kms:*', Resource: '*' }] },
    };
  }
  if (service === 'cloudtrail') {
    const trail = option(argv, '--name')!;
    return { resource: trail, resourceAccount: trail.split(':')[4] };
  }
  if (service === 'account') return { resource: `arn:aws:account::${MGMT}:account/${ORG_ID}/${option(argv, '--account-id')}`, resourceAccount: MGMT };
  // Organizations policies and support cases: acted on from the management account, where no SCP or RCP applies.
  if (service === 'organizations' || service === 'support') return { resource: '*', resourceAccount: own, unvalidatedResource: true };
  if (action === 'securityhub:CreateAutomationRule') return { resource: `arn:aws:securityhub:${region}:${own}:automation-rule/*`, resourceAccount: own, unvalidatedResource: true };
  return undefined;
}

/** SCPs never apply to the management account, nor RCPs to its resources. */
const levelsFor = (account: string, type: 'SERVICE_CONTROL_POLICY' | 'RESOURCE_CONTROL_POLICY') => (account === MGMT ? [] : policyLevels(management, account, type));

/**
 * RCPs bind only S3, STS, KMS, SQS and Secrets Manager (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html);
 * iam-simulate would hold every other service's request to them (and find no allow for an IAM resource). AssumeRoot is
 * left out too: its resource is the target account's root (arn:aws:iam::N:root), which no rootlock RCP names and the
 * engine cannot match an RCP statement against; the RCPs' own proofs are in policies-trust.test.ts.
 */
const RCP_SERVICES = new Set(['s3', 'sts', 'kms', 'sqs', 'secretsmanager']);
const rcpApplies = (action: string) => RCP_SERVICES.has(action.split(':')[0]) && action !== 'sts:AssumeRoot';

async function decide(caller: Caller, action: string, req: Request): Promise<Decision> {
  const input: SimulateInput = {
    principal: caller.principal,
    identityPolicies: caller.identityPolicies,
    scps: levelsFor(caller.account, 'SERVICE_CONTROL_POLICY'),
    rcps: rcpApplies(action) ? levelsFor(req.resourceAccount, 'RESOURCE_CONTROL_POLICY') : [],
    action,
    resource: req.resource,
    resourceAccount: req.resourceAccount,
    context: { ...caller.context, ...(req.context ?? {}) },
    // Across accounts the role's trust (or, for AssumeRoot, the organization's centralized root access) must admit the
    // caller too: that half is proven by policies-break-glass.test.ts and the emulator walk; here a trust that admits
    // exactly this caller stands in for it, so what is decided is what the SCPs and RCPs say.
    resourcePolicy:
      req.resourcePolicy ??
      (req.resourceAccount !== caller.account && action.startsWith('sts:')
        ? { Version: '2012-10-17', Statement: [{ Sid: 'TrustStandIn', Effect: 'Allow', Principal: { AWS: caller.principalArn }, Action: action, Resource: req.resource }] }
        : undefined),
    unvalidatedResource: req.unvalidatedResource,
  };
  return (await simulate(input)).decision;
}

interface Finding {
  where: string;
  call: string;
  problem: string;
}

/** Runs one block and judges every call it made. */
async function judge(entry: BlockEntry): Promise<{ changing: number; findings: Finding[] }> {
  const where = `${entry.file}:${entry.line}`;
  const run = await pasteInto('bash', filledIn(entry.script), { preamble: selectPrincipal(model.people.breakGlassPrincipals[0]), cwd: runbooksDir });
  const findings: Finding[] = [];
  let changing = 0;
  for (const [i, call] of run.calls.entries()) {
    const [service, op] = call.argv;
    const text = call.argv.join(' ');
    if (UNAUTHORIZED_CALLS.has(`${service} ${op}`) || UNAUTHORIZED_CALLS.has(service) || call.argv.includes('--generate-cli-skeleton')) continue;
    const action = iamActionOf(service, op);
    if (!(await actionExists(action))) {
      findings.push({ where, call: text, problem: `no IAM action ${action}: add the command to the CLI table` });
      continue;
    }
    if (!(await changes(action))) continue;
    changing++;
    const sessionIndex = run.calls.findIndex((_, j) => j < i && call.accessKey === sessionKeyOf(j));
    const caller = call.accessKey === '' ? (entry.runsAs ? declared(entry.runsAs) : undefined) : sessionIndex >= 0 ? sessionOf(run.calls[sessionIndex]) : undefined;
    if (!caller) {
      findings.push({ where, call: text, problem: 'changes something, but the block states no account and principal (blocks.json)' });
      continue;
    }
    const req = requestOf(action, call.argv, caller);
    if (!req) {
      findings.push({ where, call: text, problem: `no resource rule for ${action}` });
      continue;
    }
    const decision = await decide(caller, action, req);
    if (decision !== 'Allowed') findings.push({ where, call: text, problem: `${decision} for ${caller.principal} (${action} on ${req.resource})` });
  }
  return { changing, findings };
}

describeWithTools(['bash'], 'the runbook authorization test')('every changing runbook command is allowed by rootlock’s own policies', () => {
  it('reads the policies generically: the SCPs reach a member account, none reaches the management account', () => {
    expect(policyTypes(management)).toContain('SERVICE_CONTROL_POLICY');
    const payments = model.members.find((m) => m.name === 'payments-prod')!;
    const names = policyLevels(management, payments.id, 'SERVICE_CONTROL_POLICY').flatMap((l) => l.policies.map((p) => ('name' in p ? p.name : '')));
    expect(names).toContain(model.scps.rootDeny.name);
    expect(names.filter((n) => n.startsWith(model.scps.monitoringProtection.name)).length).toBeGreaterThan(0);
    expect(levelsFor(MGMT, 'SERVICE_CONTROL_POLICY')).toEqual([]);
  });

  it('the CLI table knows every command the runbooks run, and maps them to real IAM actions', async () => {
    const heads = new Set(entries.flatMap((e) => [...e.script.matchAll(/(?:^|[\s(;|&$])aws ([a-z0-9-]+) ([a-z0-9-]+)/g)].map((m) => `${m[1]} ${m[2]}`)));
    const unknown: string[] = [];
    for (const h of [...heads].filter((x) => !UNAUTHORIZED_CALLS.has(x))) if (!(await actionExists(iamActionOf(...(h.split(' ') as [string, string]))))) unknown.push(h);
    expect(unknown).toEqual([]);
    expect(iamActionOf('s3api', 'put-object-lock-configuration')).toBe('s3:PutBucketObjectLockConfiguration');
    expect(iamActionOf('sqs', 'purge-queue')).toBe('sqs:PurgeQueue');
    expect(await changes('kms:EnableKey')).toBe(true);
    expect(await changes('logs:StartQuery')).toBe(false);
  });

  it('the check is live: the old containment steps, as a security account responder, are denied', async () => {
    const responder = declared({ account: model.security.id, principal: model.security.breakGlassRoleArn, who: 'security responder' });
    const denied: Array<[string, string[]]> = [
      ['kms:EnableKey', ['kms', 'enable-key', '--region', model.organization.homeRegion, '--key-id', '1234abcd-12ab-34cd-56ef-1234567890ab']],
      ['kms:CancelKeyDeletion', ['kms', 'cancel-key-deletion', '--region', model.organization.homeRegion, '--key-id', '1234abcd-12ab-34cd-56ef-1234567890ab']],
      ['sqs:PurgeQueue', ['sqs', 'purge-queue', '--queue-url', `https://sqs.${model.organization.homeRegion}.amazonaws.com/${model.security.id}/${model.delivery.deadLetterQueues[0].name}`]],
    ];
    for (const [action, argv] of denied) {
      expect({ action, decision: await decide(responder, action, requestOf(action, argv, responder)!) }).toEqual({ action, decision: 'ExplicitlyDenied' });
    }
  });

  it('every block that changes something states its account and principal, and every change is allowed', async () => {
    const results = await mapLimit(entries, 2, judge);
    expect(results.flatMap((r) => r.findings)).toEqual([]);
    // The containment and task blocks were really evaluated: task sessions, the deployment role, the management account.
    expect(results.reduce((n, r) => n + r.changing, 0)).toBeGreaterThan(100);
  });
});
