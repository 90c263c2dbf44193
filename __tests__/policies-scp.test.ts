/**
 * Proofs, with a real IAM policy engine (iam-simulate), that the SCPs do what they claim. The documents under test are
 * the `json` texts from scpSpecs(), i.e. exactly what goes into Terraform, attached to the OUs their `targets` name,
 * beside the FullAWSAccess SCP that Organizations attaches to the root, every OU and every account.
 */
import * as path from 'path';
import { loadConfigFile } from '../config/load';
import { resolveModel, Model } from '../config/model';
import { scpSpecs, ScpSpec } from '../policies/scp';
import { KEY_PURPOSE_TAG } from '../config/model-protection';
import { canonical, PolicyDocument } from '../policies/document';
import { ADMIN, Decision, parsePolicy, ScpLevel, simulate, SimulateInput } from './support/iam';
import { ouChainOf, scpLevels } from './support/scp-levels';
import { TASK_POLICIES } from './support/task-policies';

const model: Model = resolveModel(loadConfigFile(path.join(__dirname, '..', 'examples', 'example-org.yaml')));
const specs: ScpSpec[] = scpSpecs(model);
const spec = (key: ScpSpec['key']) => specs.find((s) => s.key === key)!;
/** The monitoring-protection SCPs (as many as the size limit needs). */
const protectionSpecs = specs.filter((s) => s.key.startsWith('monitoring_protection'));
const ORG_ID = model.organization.existingOrganizationId ?? 'o-exampleorg1';
const REGION = model.organization.homeRegion;

/** The SCPs that apply to an account, level by level (support/scp-levels.ts). */
const scpLevelsFor = (accountId: string, ouName: string, only?: string[]): ScpLevel[] => scpLevels(model, specs, accountId, ouName, only);
const ouChain = (ouName: string) => ouChainOf(model, ouName);

const account = (name: string) => model.members.find((m) => m.name === name)!;
const PAYMENTS = account('payments-prod'); // Workloads/Prod
const SANDBOX = account('sandbox-alice'); // Sandbox
const SECURITY = model.security; // Security (adopted OU)
/** Suspended is exempt and holds no account in the example: a closed account that would sit there. */
const SUSPENDED = { id: '888888888888', ou: 'Suspended' };

const rootArn = (acct: string) => `arn:aws:iam::${acct}:root`;
const roleArn = (acct: string, name: string) => `arn:aws:iam::${acct}:role/${name}`;
const sessionArn = (acct: string, name: string, session: string) => `arn:aws:sts::${acct}:assumed-role/${name}/${session}`;

/** What IAM puts in the request context for each kind of caller (iam-simulate derives none of it). */
function callerContext(acct: string, principalArn: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    'aws:PrincipalArn': principalArn,
    'aws:PrincipalAccount': acct,
    'aws:PrincipalOrgID': ORG_ID,
    'aws:SecureTransport': 'true',
    ...extra,
  };
}

/** A member root user signed in with its password and MFA: presents as the account root, no aws:AssumedRoot. */
const rootUser = (acct: string) => ({
  principal: rootArn(acct),
  // The root user's own permissions are unlimited: only SCPs can stop it.
  identityPolicies: [ADMIN],
  context: callerContext(acct, rootArn(acct), { 'aws:MultiFactorAuthPresent': 'true', 'aws:MultiFactorAuthAge': '30' }),
});


/** A privileged sts:AssumeRoot task session: also presents as the account root, with aws:AssumedRoot = "true". */
const taskSession = (acct: string, task: keyof typeof TASK_POLICIES) => ({
  principal: rootArn(acct),
  identityPolicies: [TASK_POLICIES[task]],
  context: callerContext(acct, rootArn(acct), { 'aws:AssumedRoot': 'true' }),
});

/** A role session (AdministratorAccess) in an account: aws:PrincipalArn is the role ARN, not the session ARN. */
const roleSession = (acct: string, name: string) => ({
  principal: sessionArn(acct, name, 'someone@example.com'),
  identityPolicies: [ADMIN],
  context: callerContext(acct, roleArn(acct, name), { 'aws:MultiFactorAuthPresent': 'true', 'aws:MultiFactorAuthAge': '120' }),
});

const iamUser = (acct: string, name: string) => ({
  principal: `arn:aws:iam::${acct}:user/${name}`,
  identityPolicies: [ADMIN],
  context: callerContext(acct, `arn:aws:iam::${acct}:user/${name}`),
});

type Caller = Pick<SimulateInput, 'principal' | 'identityPolicies' | 'context'>;
interface Req {
  action: string;
  resource: string;
  resourceAccount?: string;
  context?: Record<string, string | string[]>;
  unvalidatedResource?: boolean;
  /** The resource's own policy (a KMS key policy): without one a key refuses everyone, SCPs or not. */
  resourcePolicy?: PolicyDocument;
}

async function decide(caller: Caller, req: Req, acct: { id: string; ou?: string }, only?: ScpSpec['key'][]): Promise<{ decision: Decision; deciding: string[] }> {
  const r = await simulate({
    ...caller,
    scps: scpLevelsFor(acct.id, acct.ou!, only),
    action: req.action,
    resource: req.resource,
    resourceAccount: req.resourceAccount ?? acct.id,
    context: { ...caller.context, ...(req.context ?? {}) },
    unvalidatedResource: req.unvalidatedResource,
    resourcePolicy: req.resourcePolicy,
  });
  return { decision: r.decision, deciding: r.deciding };
}

// The root user's own ARN as the resource: what root-credential calls without a UserName act on.
const onRoot = (acct: string, action: string): Req => ({ action, resource: rootArn(acct), unvalidatedResource: true });

describe('SCP attachment (targets)', () => {
  it('attaches the root-deny SCP to every OU except the exempt ones, and monitoring protection to every OU', () => {
    const rootDeny = spec('root_deny').targets.map((o) => o.name).sort();
    expect(protectionSpecs.map((s) => s.name)).toEqual(protectionSpecs.map((_, i) => `${model.scps.monitoringProtection.name}-${i + 1}`));
    for (const s of protectionSpecs) expect(s.targets).toEqual(protectionSpecs[0].targets);
    const monitoring = protectionSpecs[0].targets.map((o) => o.name).sort();
    expect(rootDeny).toEqual(['Dev', 'Prod', 'Sandbox', 'Security', 'Workloads']);
    expect(rootDeny).not.toContain('Suspended');
    expect(monitoring).toEqual(model.ous.map((o) => o.name).sort());
    // The management account is in no OU: SCPs never apply to it, and no target pretends otherwise.
    expect(model.management.ou).toBeUndefined();
  });

  it('puts every member account under the root-deny SCP unless its OU is exempt', () => {
    for (const m of model.members) {
      const chain = ouChain(m.ou!);
      expect(chain.some((ou) => spec('root_deny').targets.includes(ou))).toBe(true);
    }
  });

  it('parses the Terraform text back to the canonical form of the document it was made from', () => {
    for (const s of specs) expect(parsePolicy(s.json)).toEqual(canonical(s.document));
    expect(parsePolicy(spec('root_deny').json).Statement).toHaveLength(1);
  });
});

describe('root-deny SCP: a member root user is denied everything', () => {
  const ordinary: Array<[string, (acct: string) => Req]> = [
    ['s3:ListAllMyBuckets', () => ({ action: 's3:ListAllMyBuckets', resource: '*' })],
    ['iam:CreateAccessKey (for itself)', (a) => onRoot(a, 'iam:CreateAccessKey')],
    ['iam:CreateAccessKey (for an IAM user)', (a) => ({ action: 'iam:CreateAccessKey', resource: `arn:aws:iam::${a}:user/deploy` })],
    ['ec2:RunInstances', (a) => ({ action: 'ec2:RunInstances', resource: `arn:aws:ec2:${REGION}:${a}:instance/i-0123456789abcdef0` })],
    ['organizations:LeaveOrganization', () => ({ action: 'organizations:LeaveOrganization', resource: '*' })],
    ['iam:DeactivateMFADevice (for itself, outside a task session)', (a) => onRoot(a, 'iam:DeactivateMFADevice')],
    ['iam:DeleteLoginProfile (for itself, outside a task session)', (a) => onRoot(a, 'iam:DeleteLoginProfile')],
    ['s3:DeleteBucketPolicy', () => ({ action: 's3:DeleteBucketPolicy', resource: 'arn:aws:s3:::payments-statements' })],
    ['kms:ScheduleKeyDeletion', (a) => ({ action: 'kms:ScheduleKeyDeletion', resource: `arn:aws:kms:${REGION}:${a}:key/1234abcd-12ab-34cd-56ef-1234567890ab` })],
    ['account:CloseAccount', (a) => ({ action: 'account:CloseAccount', resource: `arn:aws:account::${a}:account` })],
  ];

  it.each(ordinary)('denies %s by the root user of payments-prod (Workloads/Prod)', async (_name, req) => {
    const r = await decide(rootUser(PAYMENTS.id), req(PAYMENTS.id), PAYMENTS);
    expect(r.decision).toBe('ExplicitlyDenied');
    if (!req(PAYMENTS.id).unvalidatedResource) expect(r.deciding).toContain('DenyRootUserOutsideAssumeRootTaskSessions');
  });

  it.each([
    ['sandbox-alice (Sandbox)', SANDBOX],
    ['security-tooling (Security, adopted OU)', SECURITY],
    ['payments-dev (Workloads/Dev)', account('payments-dev')],
    ['log-archive (Security)', account('log-archive')],
  ])('denies the root user of %s too', async (_name, acct) => {
    const r = await decide(rootUser(acct.id), { action: 's3:ListAllMyBuckets', resource: '*' }, acct);
    expect(r).toEqual({ decision: 'ExplicitlyDenied', deciding: ['DenyRootUserOutsideAssumeRootTaskSessions'] });
  });
});

describe('root-deny SCP: privileged AssumeRoot task sessions do their task', () => {
  const tasks: Array<[string, keyof typeof TASK_POLICIES, (acct: string) => Req]> = [
    ['iam:DeleteLoginProfile', 'IAMDeleteRootUserCredentials', (a) => onRoot(a, 'iam:DeleteLoginProfile')],
    ['iam:DeleteAccessKey', 'IAMDeleteRootUserCredentials', (a) => onRoot(a, 'iam:DeleteAccessKey')],
    ['iam:DeactivateMFADevice', 'IAMDeleteRootUserCredentials', (a) => onRoot(a, 'iam:DeactivateMFADevice')],
    ['iam:CreateLoginProfile', 'IAMCreateRootUserPassword', (a) => onRoot(a, 'iam:CreateLoginProfile')],
    ['s3:DeleteBucketPolicy', 'S3UnlockBucketPolicy', () => ({ action: 's3:DeleteBucketPolicy', resource: 'arn:aws:s3:::payments-statements' })],
    ['sqs:SetQueueAttributes', 'SQSUnlockQueuePolicy', (a) => ({ action: 'sqs:SetQueueAttributes', resource: `arn:aws:sqs:${REGION}:${a}:payments-events` })],
  ];

  it.each(tasks)('allows %s in a %s task session', async (_name, task, req) => {
    for (const acct of [PAYMENTS, SANDBOX, SECURITY]) {
      const r = await decide(taskSession(acct.id, task), req(acct.id), acct);
      expect(r.decision).toBe('Allowed');
    }
  });

  it('validates the task-session context keys with the engine (aws:AssumedRoot is known and kept)', async () => {
    // A validated run: iam-simulate refuses (and our wrapper throws) if it dropped aws:AssumedRoot as unknown.
    const r = await decide(taskSession(PAYMENTS.id, 'S3UnlockBucketPolicy'), { action: 's3:DeleteBucketPolicy', resource: 'arn:aws:s3:::payments-statements' }, PAYMENTS);
    expect(r.decision).toBe('Allowed');
    const without = { ...taskSession(PAYMENTS.id, 'S3UnlockBucketPolicy') };
    without.context = { ...without.context };
    delete (without.context as Record<string, string>)['aws:AssumedRoot'];
    const denied = await decide(without, { action: 's3:DeleteBucketPolicy', resource: 'arn:aws:s3:::payments-statements' }, PAYMENTS);
    expect(denied).toEqual({ decision: 'ExplicitlyDenied', deciding: ['DenyRootUserOutsideAssumeRootTaskSessions'] });
  });

  it('leaves a task session to its task policy: outside it the session is only implicitly denied, never by our SCP', async () => {
    const r = await decide(taskSession(PAYMENTS.id, 'S3UnlockBucketPolicy'), { action: 'ec2:RunInstances', resource: `arn:aws:ec2:${REGION}:${PAYMENTS.id}:instance/i-0123456789abcdef0` }, PAYMENTS);
    expect(r.decision).toBe('ImplicitlyDenied');
  });
});

describe('root-deny SCP: IAM roles and users of member accounts are unaffected', () => {
  const reqs: Req[] = [
    { action: 's3:ListAllMyBuckets', resource: '*' },
    { action: 'ec2:RunInstances', resource: `arn:aws:ec2:${REGION}:${PAYMENTS.id}:instance/i-0123456789abcdef0` },
    { action: 'iam:CreateAccessKey', resource: `arn:aws:iam::${PAYMENTS.id}:user/deploy` },
    { action: 's3:DeleteBucketPolicy', resource: 'arn:aws:s3:::payments-statements' },
  ];
  it.each(reqs.map((r) => [r.action, r] as const))('allows %s for an admin role session', async (_a, req) => {
    expect((await decide(roleSession(PAYMENTS.id, 'PlatformAdmin'), req, PAYMENTS)).decision).toBe('Allowed');
  });
  it.each(reqs.map((r) => [r.action, r] as const))('allows %s for an admin IAM user', async (_a, req) => {
    expect((await decide(iamUser(PAYMENTS.id, 'ops-admin'), req, PAYMENTS)).decision).toBe('Allowed');
  });
  it('allows the break-glass role session (AdministratorAccess) to work normally', async () => {
    const r = await decide(roleSession(PAYMENTS.id, model.breakGlass.roleName), { action: 'ec2:RunInstances', resource: `arn:aws:ec2:${REGION}:${PAYMENTS.id}:instance/i-0123456789abcdef0` }, PAYMENTS);
    expect(r.decision).toBe('Allowed');
  });
});

describe('exempt OU (Suspended): no root-deny SCP', () => {
  it('lets the root user of an account in the exempt OU act (only FullAWSAccess and monitoring protection apply)', async () => {
    const levels = scpLevelsFor(SUSPENDED.id, SUSPENDED.ou);
    const names = levels.flatMap((l) => l.policies.map((p) => ('name' in p ? p.name : '')));
    for (const s of protectionSpecs) expect(names).toContain(s.name);
    expect(names).not.toContain('rootlock-root-deny');
    const r = await decide(rootUser(SUSPENDED.id), { action: 's3:ListAllMyBuckets', resource: '*' }, SUSPENDED);
    expect(r.decision).toBe('Allowed');
  });
  it('still keeps the root user of the exempt OU away from the monitoring', async () => {
    const r = await decide(rootUser(SUSPENDED.id), { action: 'iam:UpdateAssumeRolePolicy', resource: roleArn(SUSPENDED.id, model.breakGlass.roleName) }, SUSPENDED);
    expect(r).toEqual({ decision: 'ExplicitlyDenied', deciding: ['ProtectIamResources'] });
  });
});

describe('monitoring-protection SCP', () => {
  const p = model.pipeline;
  const sec = SECURITY.id;
  const deployer = model.organization.deploymentRoleName;
  const keyArn = `arn:aws:kms:${REGION}:${sec}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
  /** The usual key policy statement: the owning account's IAM policies decide (as policies/pipeline.ts writes it). */
  const keyPolicy: PolicyDocument = {
    Version: '2012-10-17',
    Statement: [{ Sid: 'OwningAccountAdministersKey', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${sec}:root` }, Action: 'kms:*', Resource: '*' }],
  };
  /**
   * The organization trail's ARN carries the management account, but the security account (CloudTrail delegated
   * administrator) manages it: CloudTrail authorizes the delegated administrator like an owner, which iam-simulate's
   * cross-account logic does not know. The SCP is matched against the real ARN; the owner is given as the caller's.
   */
  const trailOp = (action: string): Req => ({ action, resource: p.trailArn, resourceAccount: sec });

  // [what, request, the Sid that must deny an ordinary admin]
  const protectedOps: Array<[string, Req, string]> = [
    ['StopLogging the organization trail', trailOp('cloudtrail:StopLogging'), 'ProtectCloudtrailResources'],
    ['DeleteTrail the organization trail', trailOp('cloudtrail:DeleteTrail'), 'ProtectCloudtrailResources'],
    ['UpdateTrail the organization trail', trailOp('cloudtrail:UpdateTrail'), 'ProtectCloudtrailResources'],
    ['PutEventSelectors on the organization trail', trailOp('cloudtrail:PutEventSelectors'), 'ProtectCloudtrailResources'],
    ['delete the trail bucket policy', { action: 's3:DeleteBucketPolicy', resource: `arn:aws:s3:::${p.trailBucketName}`, resourceAccount: sec }, 'ProtectS3Resources'],
    ['delete the trail log group', { action: 'logs:DeleteLogGroup', resource: p.logGroupArn }, 'ProtectLogsResources'],
    ['delete a metric filter', { action: 'logs:DeleteMetricFilter', resource: p.logGroupArn }, 'ProtectLogsResources'],
    ['shorten the log retention', { action: 'logs:PutRetentionPolicy', resource: p.logGroupArn }, 'ProtectLogsResources'],
    ['delete a root alarm', { action: 'cloudwatch:DeleteAlarms', resource: `arn:aws:cloudwatch:${REGION}:${sec}:alarm:rootlock-root-usage` }, 'ProtectCloudwatchResources'],
    ['disable a root alarm\'s actions', { action: 'cloudwatch:DisableAlarmActions', resource: `arn:aws:cloudwatch:${REGION}:${sec}:alarm:rootlock-break-glass-assumed` }, 'ProtectCloudwatchResources'],
    ['delete the alert topic', { action: 'sns:DeleteTopic', resource: p.topicArn }, 'ProtectSnsResources'],
    ['change the alert topic policy', { action: 'sns:SetTopicAttributes', resource: p.topicArn }, 'ProtectSnsResources'],
    ['unsubscribe the on-call from the topic', { action: 'sns:Unsubscribe', resource: p.topicArn }, 'ProtectSnsResources'],
    ['delete a forwarding rule (us-east-1)', { action: 'events:DeleteRule', resource: `arn:aws:events:us-east-1:${sec}:rule/rootlock-root-console-sign-in` }, 'ProtectEventsResources'],
    ['disable a central rule on the bus', { action: 'events:DisableRule', resource: `arn:aws:events:${REGION}:${sec}:rule/${p.busName}/rootlock-root-api-call` }, 'ProtectEventsResources'],
    ['delete the central bus', { action: 'events:DeleteEventBus', resource: p.busArn }, 'ProtectEventsResources'],
    ['edit the break-glass role trust policy', { action: 'iam:UpdateAssumeRolePolicy', resource: roleArn(sec, model.breakGlass.roleName) }, 'ProtectIamResources'],
    ['attach a policy to the forwarder role', { action: 'iam:AttachRolePolicy', resource: roleArn(sec, p.forwarderRoleName) }, 'ProtectIamResources'],
    ['delete the break-glass role', { action: 'iam:DeleteRole', resource: roleArn(sec, model.breakGlass.roleName) }, 'ProtectIamResources'],
    ['disable root credentials management', { action: 'iam:DisableOrganizationsRootCredentialsManagement', resource: '*', resourceAccount: sec }, 'ProtectEveryAccountSettings'],
    ['disable root sessions', { action: 'iam:DisableOrganizationsRootSessions', resource: '*', resourceAccount: sec }, 'ProtectEveryAccountSettings'],
    ['stop the Config recorder', { action: 'config:StopConfigurationRecorder', resource: `arn:aws:config:${REGION}:${sec}:configuration-recorder/${p.configRecorderName}/abcdef0123456789` }, 'ProtectConfigResources'],
    ['delete the GuardDuty detector', { action: 'guardduty:DeleteDetector', resource: `arn:aws:guardduty:${REGION}:${sec}:detector/12abc34d567e8fa901bc2d34e56789f0` }, 'ProtectGuarddutyResources'],
    // Keys are protected by their RootlockPurpose tag (an alias can be deleted or repointed): the key's tags are in the request.
    ['schedule deletion of the alerts key', { action: 'kms:ScheduleKeyDeletion', resource: keyArn, context: { [`aws:ResourceTag/${KEY_PURPOSE_TAG}`]: 'alert-topic' }, resourcePolicy: keyPolicy }, 'ProtectKeysByTag'],
    ['rewrite the trail key policy', { action: 'kms:PutKeyPolicy', resource: keyArn, context: { [`aws:ResourceTag/${KEY_PURPOSE_TAG}`]: 'organization-trail' }, resourcePolicy: keyPolicy }, 'ProtectKeysByTag'],
  ];

  it.each(protectedOps)('denies an ordinary admin role to %s', async (_what, req, sid) => {
    const r = await decide(roleSession(sec, 'SecurityAdmin'), req, SECURITY, ['monitoring_protection']);
    expect(r).toEqual({ decision: 'ExplicitlyDenied', deciding: [sid] });
  });

  it.each(protectedOps)('lets the deployment role %s', async (_what, req) => {
    const r = await decide(roleSession(sec, deployer), req, SECURITY);
    expect(r.decision).toBe('Allowed');
  });

  it.each(protectedOps)('denies the break-glass role (administrator) to %s', async (_what, req, sid) => {
    const r = await decide(roleSession(sec, model.breakGlass.roleName), req, SECURITY, ['monitoring_protection']);
    expect(r).toEqual({ decision: 'ExplicitlyDenied', deciding: [sid] });
  });

  it('denies an admin IAM user too, and the deployment role name in another role path does not count as the deployer', async () => {
    const req: Req = trailOp('cloudtrail:StopLogging');
    expect((await decide(iamUser(sec, deployer), req, SECURITY)).decision).toBe('ExplicitlyDenied');
    const pathed = roleSession(sec, deployer);
    pathed.context = { ...pathed.context, 'aws:PrincipalArn': `arn:aws:iam::${sec}:role/team/${deployer}` };
    expect((await decide(pathed, req, SECURITY)).decision).toBe('ExplicitlyDenied');
  });

  it('denies the deployment role nothing in the member accounts either (its exemption is by name in every account)', async () => {
    const r = await decide(roleSession(PAYMENTS.id, deployer), { action: 'events:DeleteRule', resource: `arn:aws:events:${REGION}:${PAYMENTS.id}:rule/rootlock-root-api-call` }, PAYMENTS);
    expect(r.decision).toBe('Allowed');
  });

  const unrelated: Array<[string, Req]> = [
    ['StopLogging another trail', { action: 'cloudtrail:StopLogging', resource: `arn:aws:cloudtrail:${REGION}:${sec}:trail/app-audit-trail` }],
    ['delete another topic', { action: 'sns:DeleteTopic', resource: `arn:aws:sns:${REGION}:${sec}:app-alerts` }],
    ['delete another log group', { action: 'logs:DeleteLogGroup', resource: `arn:aws:logs:${REGION}:${sec}:log-group:/app/payments` }],
    ['delete another alarm', { action: 'cloudwatch:DeleteAlarms', resource: `arn:aws:cloudwatch:${REGION}:${sec}:alarm:app-high-cpu` }],
    ['delete another rule', { action: 'events:DeleteRule', resource: `arn:aws:events:${REGION}:${sec}:rule/app-nightly` }],
    ['edit another role\'s trust policy', { action: 'iam:UpdateAssumeRolePolicy', resource: roleArn(sec, 'AppRole') }],
    ['delete the policy of another bucket', { action: 's3:DeleteBucketPolicy', resource: 'arn:aws:s3:::app-artifacts', resourceAccount: sec }],
    ['schedule deletion of an unrelated key', { action: 'kms:ScheduleKeyDeletion', resource: `arn:aws:kms:${REGION}:${sec}:key/1234abcd-12ab-34cd-56ef-1234567890ab`, context: { 'aws:ResourceTag/team': 'payments' }, resourcePolicy: keyPolicy }],
  ];
  it.each(unrelated)('leaves an ordinary admin free to %s', async (_what, req) => {
    expect((await decide(roleSession(sec, 'SecurityAdmin'), req, SECURITY)).decision).toBe('Allowed');
  });

  // Found by these proofs and fixed: the exemption is "any role named <deploymentRoleName>", so the SCP must protect
  // that role itself, or an ordinary admin could rewrite its trust policy, assume it and act as "the deployer".
  const deployerRole = roleArn(PAYMENTS.id, deployer);
  it.each([
    ['iam:UpdateAssumeRolePolicy', deployerRole],
    ['iam:AttachRolePolicy', deployerRole],
    ['iam:PutRolePolicy', deployerRole],
    ['iam:CreateRole', deployerRole],
  ])('denies an ordinary admin %s on the deployment role (the exemption\'s own role)', async (action, resource) => {
    const r = await decide(roleSession(PAYMENTS.id, 'PlatformAdmin'), { action, resource }, PAYMENTS, ['monitoring_protection']);
    expect(r.decision).toBe('ExplicitlyDenied');
  });

  // Found by these proofs and fixed: two ways to silence the pipeline without a protected action, replacing a rule's
  // target (events:PutTargets) and a subscription filter that matches nothing (sns:SetSubscriptionAttributes).
  const silencers: Array<[string, Req, string]> = [
    ['events:PutTargets on a central rule', { action: 'events:PutTargets', resource: `arn:aws:events:${REGION}:${sec}:rule/${p.busName}/rootlock-root-api-call` }, 'ProtectEventsResources'],
    ['events:PutTargets on a forwarding rule', { action: 'events:PutTargets', resource: `arn:aws:events:us-east-1:${sec}:rule/rootlock-root-console-sign-in` }, 'ProtectEventsResources'],
    ['sns:SetSubscriptionAttributes on the alert topic', { action: 'sns:SetSubscriptionAttributes', resource: p.topicArn }, 'ProtectSnsResources'],
  ];
  it.each(silencers)('denies an ordinary admin %s', async (_what, req, sid) => {
    const r = await decide(roleSession(sec, 'SecurityAdmin'), req, SECURITY, ['monitoring_protection']);
    expect(r).toEqual({ decision: 'ExplicitlyDenied', deciding: [sid] });
  });
  it.each(silencers)('lets the deployment role %s', async (_what, req) => {
    expect((await decide(roleSession(sec, deployer), req, SECURITY)).decision).toBe('Allowed');
  });

  it.each(['iam:UpdateAssumeRolePolicy', 'iam:AttachRolePolicy', 'iam:PutRolePolicy', 'iam:CreateRole'])('lets the deployment role %s on itself', async (action) => {
    expect((await decide(roleSession(PAYMENTS.id, deployer), { action, resource: deployerRole }, PAYMENTS)).decision).toBe('Allowed');
  });
});
