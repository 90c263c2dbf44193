/**
 * The trust model against an insider, with the IAM engine (iam-simulate) and only the request keys AWS sends: who can
 * take the deployment role (the one principal the monitoring-protection SCPs exempt), what the plan, audit and drill
 * roles can change, whether a trail log version can be deleted or unlocked early, and that the named deploy principal
 * still deploys. Policies are the policyJson() texts that go into Terraform; SCPs and RCPs are evaluated level by level.
 */
import { exampleModel } from './support/example';
import { ADMIN, Decision, parsePolicy, ScpLevel, simulate, SimulateInput } from './support/iam';
import { scpLevels } from './support/scp-levels';
import { scpSpecs } from '../policies/scp';
import { policyJson, PolicyDocument } from '../policies/document';
import { deploymentRoleRcp, deploymentRoleTrustPolicy, perimeterRcp, TRAIL_BUCKET_CONFIG_ACTIONS, TRAIL_UNLOCK_ACTIONS, trailBucketRcp } from '../policies/resource-control';
import { jobRolePolicy, jobRoleTrustPolicy } from '../policies/job-roles';
import { JOBS } from '../config/model-trust';
import { iamRoleArn, rootUserArn, s3BucketArn } from '../config/arn';

const model = exampleModel();
const ORG_ID = model.organization.existingOrganizationId!;
const MGMT = model.management;
const SECURITY = model.security;
const PAYMENTS = model.members.find((m) => m.name === 'payments-prod')!;
const TRUST = model.trust;
const DEPLOYER_CI = TRUST.deployPrincipals[0];
const text = (doc: PolicyDocument) => parsePolicy(policyJson(doc));

/**
 * RCPs that apply to a resource of a member account: everything rootlock attaches sits at the root. RCPFullAWSAccess
 * (allow everything, at every level) is implied: iam-simulate accepts only Deny statements in an RCP, as RCPs never grant.
 */
function rcpLevels(accountId: string): ScpLevel[] {
  return [
    {
      id: model.organization.rootId!,
      policies: [
        { name: TRUST.rcps.deploymentRole, policy: text(deploymentRoleRcp(model)) },
        { name: TRUST.rcps.perimeter, policy: text(perimeterRcp(model, ORG_ID)) },
        { name: TRUST.rcps.trailBucket, policy: text(trailBucketRcp(model)) },
      ],
    },
    { id: accountId, policies: [] },
  ];
}

/** The keys AWS sends for a request by a role session (or an IAM user) of `account`; `sourceIdentity` when its session has one. */
function caller(principalArn: string, extra: Record<string, string> = {}): Pick<SimulateInput, 'principal' | 'context'> {
  const [, , , , account, resource] = principalArn.split(':');
  const [kind, name] = resource.split('/');
  const principal = kind === 'role' ? `arn:aws:sts::${account}:assumed-role/${name}/session` : principalArn;
  const context: Record<string, string> = { 'aws:PrincipalArn': principalArn, 'aws:PrincipalAccount': account, 'aws:PrincipalOrgID': ORG_ID, 'aws:SecureTransport': 'true', ...extra };
  if (kind === 'user') context['aws:username'] = name;
  return { principal, context };
}

/** The trust policy AWS gives OrganizationAccountAccessRole in an account Organizations created: the whole management account. */
const ORG_ACCESS_ROLE_TRUST: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [{ Sid: 'ManagementAccount', Effect: 'Allow', Principal: { AWS: rootUserArn(MGMT.id) }, Action: 'sts:AssumeRole' }],
};
const DEPLOYMENT_ROLE = (acct: { id: string }) => iamRoleArn(acct.id, TRUST.deploymentRoleName);

async function assumeDeploymentRole(a: { who: string; identity: PolicyDocument[]; trust: PolicyDocument; sourceIdentity?: string; rcps?: boolean; into?: { id: string } }): Promise<Decision> {
  const into = a.into ?? PAYMENTS;
  const c = caller(a.who, a.sourceIdentity ? { 'sts:SourceIdentity': a.sourceIdentity } : {});
  const r = await simulate({
    ...c,
    identityPolicies: a.identity,
    trustPolicy: a.trust,
    rcps: a.rcps === false ? [] : rcpLevels(into.id),
    action: 'sts:AssumeRole',
    resource: DEPLOYMENT_ROLE(into),
  });
  return r.decision;
}

describe('the deployment role: only the named deploy principals, only with the deploy source identity', () => {
  const ADMIN_IN_MGMT = iamRoleArn(MGMT.id, 'AdministratorAccess-sso');

  it('a management-account administrator cannot take it, although OrganizationAccountAccessRole trusts the whole account', async () => {
    // Without the RCP the default trust lets any management administrator in: the hole this closes.
    expect(await assumeDeploymentRole({ who: ADMIN_IN_MGMT, identity: [ADMIN], trust: ORG_ACCESS_ROLE_TRUST, rcps: false, sourceIdentity: 'rootlock-deploy' })).toBe('Allowed');
    expect(await assumeDeploymentRole({ who: ADMIN_IN_MGMT, identity: [ADMIN], trust: ORG_ACCESS_ROLE_TRUST, sourceIdentity: 'rootlock-deploy' })).toBe('ExplicitlyDenied');
    expect(await assumeDeploymentRole({ who: ADMIN_IN_MGMT, identity: [ADMIN], trust: ORG_ACCESS_ROLE_TRUST })).toBe('ExplicitlyDenied');
  });

  it('a hand-made deployment role in an invited account, trusting its own administrators, gives them nothing', async () => {
    const handMade: PolicyDocument = { Version: '2012-10-17', Statement: [{ Sid: 'Anyone', Effect: 'Allow', Principal: { AWS: '*' }, Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'] }] };
    const localAdmin = iamRoleArn(PAYMENTS.id, 'Admin');
    expect(await assumeDeploymentRole({ who: localAdmin, identity: [ADMIN], trust: handMade, sourceIdentity: 'rootlock-deploy' })).toBe('ExplicitlyDenied');
  });

  it('the named deploy principal takes it with the deploy source identity (the expected trust policy and the default one)', async () => {
    const identity: PolicyDocument = { Version: '2012-10-17', Statement: [{ Sid: 'Deploy', Effect: 'Allow', Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'], Resource: TRUST.deploymentRoleArnPattern }] };
    for (const trust of [text(deploymentRoleTrustPolicy(model)), ORG_ACCESS_ROLE_TRUST]) {
      expect(await assumeDeploymentRole({ who: DEPLOYER_CI, identity: [identity], trust, sourceIdentity: TRUST.deploySourceIdentity })).toBe('Allowed');
    }
  });

  it('the named deploy principal without the deploy source identity (or with another) is refused: a session of the role is always recognisable', async () => {
    const identity = [ADMIN];
    expect(await assumeDeploymentRole({ who: DEPLOYER_CI, identity, trust: ORG_ACCESS_ROLE_TRUST })).toBe('ExplicitlyDenied');
    expect(await assumeDeploymentRole({ who: DEPLOYER_CI, identity, trust: ORG_ACCESS_ROLE_TRUST, sourceIdentity: 'someone-else' })).toBe('ExplicitlyDenied');
    expect(await assumeDeploymentRole({ who: DEPLOYER_CI, identity, trust: text(deploymentRoleTrustPolicy(model)), sourceIdentity: 'someone-else', rcps: false })).toBe('ImplicitlyDenied');
  });

  it.each(JOBS)('the %s role, in the management account or a member, cannot take it', async (job) => {
    for (const from of [MGMT, PAYMENTS]) {
      const who = iamRoleArn(from.id, TRUST.jobRoles[job].name);
      const identity = [text(jobRolePolicy(model, job))];
      // Its own policy grants no sts:AssumeRole on the deployment role; the RCP denies it even with a widened trust.
      expect(await assumeDeploymentRole({ who, identity, trust: ORG_ACCESS_ROLE_TRUST, rcps: false, sourceIdentity: 'rootlock-deploy' })).not.toBe('Allowed');
      expect(await assumeDeploymentRole({ who, identity: [ADMIN], trust: ORG_ACCESS_ROLE_TRUST, sourceIdentity: 'rootlock-deploy' })).toBe('ExplicitlyDenied');
    }
  });

  it('the management account\'s break-glass role may take it for an incident, with the responder\'s own source identity (which pages); no other role of that account may', async () => {
    const breakGlass = model.management.breakGlassRoleArn;
    expect(await assumeDeploymentRole({ who: breakGlass, identity: [ADMIN], trust: ORG_ACCESS_ROLE_TRUST, sourceIdentity: 'breakglass-alice' })).toBe('Allowed');
    // Near misses: another role of the management account with the same source identity, or named like it elsewhere.
    expect(await assumeDeploymentRole({ who: iamRoleArn(MGMT.id, 'rootlock-break-glass-2'), identity: [ADMIN], trust: ORG_ACCESS_ROLE_TRUST, sourceIdentity: 'breakglass-alice' })).toBe('ExplicitlyDenied');
    expect(await assumeDeploymentRole({ who: iamRoleArn(PAYMENTS.id, model.breakGlass.roleName), identity: [ADMIN], trust: ORG_ACCESS_ROLE_TRUST, sourceIdentity: 'breakglass-alice' })).toBe('ExplicitlyDenied');
    // Such a session never carries the deploy source identity, so deployment-role-outside-deploy pages it.
    const page = model.detections.find((d) => d.id === 'deployment-role-outside-deploy')!;
    expect(JSON.stringify(page.event!.pattern)).toContain(TRUST.deploySourceIdentity);
  });

  it('federation straight into the deployment role is refused', async () => {
    const r = await simulate({
      principal: 'arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com',
      context: { 'aws:SecureTransport': 'true' },
      trustPolicy: { Version: '2012-10-17', Statement: [{ Sid: 'Oidc', Effect: 'Allow', Principal: { Federated: 'arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com' }, Action: 'sts:AssumeRoleWithWebIdentity' }] } as object,
      rcps: rcpLevels(PAYMENTS.id),
      action: 'sts:AssumeRoleWithWebIdentity',
      resource: DEPLOYMENT_ROLE(PAYMENTS),
    });
    expect(r.decision).toBe('ExplicitlyDenied');
  });
});

describe('the job roles: trusted by their own principals only', () => {
  it.each(JOBS)('%s: its CI principal and the management account\'s %s role may assume it in a member; a management administrator may not', async (job) => {
    const role = TRUST.jobRoles[job];
    const trust = text(jobRoleTrustPolicy(model, job, PAYMENTS));
    const ask = async (who: string) =>
      (await simulate({ ...caller(who), identityPolicies: [ADMIN], trustPolicy: trust, rcps: rcpLevels(PAYMENTS.id), action: 'sts:AssumeRole', resource: iamRoleArn(PAYMENTS.id, role.name) })).decision;
    expect(await ask(role.trustedBy[0])).toBe('Allowed');
    expect(await ask(iamRoleArn(MGMT.id, role.name))).toBe('Allowed');
    expect(await ask(iamRoleArn(MGMT.id, 'AdministratorAccess-sso'))).toBe('ImplicitlyDenied');
    expect(await ask(DEPLOYER_CI)).toBe('ImplicitlyDenied');
  });
});

describe('trail log objects: never deleted or unlocked early, by anyone', () => {
  const object = s3BucketArn(`${model.pipeline.trailBucketName}/AWSLogs/${ORG_ID}/111111111111/CloudTrail/eu-west-1/2026/12/07/log.json.gz`);
  const bucket = s3BucketArn(model.pipeline.trailBucketName);
  const specs = scpSpecs(model);
  const deploySession = caller(DEPLOYMENT_ROLE(SECURITY), { 'aws:SourceIdentity': TRUST.deploySourceIdentity });
  const ask = async (c: Pick<SimulateInput, 'principal' | 'context'>, action: string, resource: string) =>
    (await simulate({ ...c, identityPolicies: [ADMIN], scps: scpLevels(model, specs, SECURITY.id, SECURITY.ou!), rcps: rcpLevels(SECURITY.id), action, resource, resourceAccount: SECURITY.id })).decision;

  it.each(TRAIL_UNLOCK_ACTIONS)('%s is denied to the deployment role in a deploy session, a security administrator and a management administrator', async (action) => {
    expect(await ask(deploySession, action, object)).toBe('ExplicitlyDenied');
    expect(await ask(caller(iamRoleArn(SECURITY.id, 'Admin')), action, object)).toBe('ExplicitlyDenied');
    expect(await ask(caller(iamRoleArn(MGMT.id, 'Admin')), action, object)).toBe('ExplicitlyDenied');
  });

  it.each(TRAIL_BUCKET_CONFIG_ACTIONS)('%s only in a deploy session of the deployment role (a lower default retention reaches new objects only)', async (action) => {
    expect(await ask(deploySession, action, bucket)).toBe('Allowed');
    expect(await ask(caller(DEPLOYMENT_ROLE(SECURITY)), action, bucket)).toBe('ExplicitlyDenied');
    expect(await ask(caller(iamRoleArn(SECURITY.id, 'Admin'), { 'aws:SourceIdentity': TRUST.deploySourceIdentity }), action, bucket)).toBe('ExplicitlyDenied');
  });
});

describe('the resource perimeter on rootlock buckets, queues and keys', () => {
  const object = s3BucketArn(`${model.pipeline.trailBucketName}/AWSLogs/x.json.gz`);
  const openBucket: PolicyDocument = { Version: '2012-10-17', Statement: [{ Sid: 'Open', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: object }] };
  // A principal's own account lets it read anything (identity ADMIN); a service principal has no identity policy.
  const read = async (principal: string, context: Record<string, string>) =>
    (await simulate({ principal, context, identityPolicies: principal.startsWith('arn:') ? [ADMIN] : [], resourcePolicy: openBucket, rcps: rcpLevels(SECURITY.id), action: 's3:GetObject', resource: object, resourceAccount: SECURITY.id })).decision;

  it('refuses a principal outside the organization even when a bucket policy lets everyone in', async () => {
    expect(await read('arn:aws:iam::999999999999:user/outsider', { 'aws:PrincipalArn': 'arn:aws:iam::999999999999:user/outsider', 'aws:PrincipalAccount': '999999999999', 'aws:SecureTransport': 'true', 'aws:username': 'outsider' })).toBe('ExplicitlyDenied');
    const inside = caller(iamRoleArn(PAYMENTS.id, 'Reader'));
    expect(await read(inside.principal, inside.context as Record<string, string>)).toBe('Allowed');
  });

  it('lets an AWS service acting for the organization in, and refuses one acting for another organization (confused deputy)', async () => {
    // aws:SourceOrgID accompanies aws:SourceAccount when the source account is in an organization
    // (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourceorgid).
    const service = (account: string, org: string) => ({ 'aws:SourceAccount': account, 'aws:SourceOrgID': org, 'aws:PrincipalIsAWSService': 'true', 'aws:SecureTransport': 'true' });
    expect(await read('cloudtrail.amazonaws.com', service(MGMT.id, ORG_ID))).toBe('Allowed');
    expect(await read('cloudtrail.amazonaws.com', service('999999999999', 'o-otherorg99'))).toBe('ExplicitlyDenied');
  });

  it('does not reach an application bucket', async () => {
    const app = s3BucketArn('payments-data/x');
    const r = await simulate({ principal: 'arn:aws:iam::999999999999:user/outsider', context: { 'aws:PrincipalArn': 'arn:aws:iam::999999999999:user/outsider', 'aws:PrincipalAccount': '999999999999', 'aws:SecureTransport': 'true', 'aws:username': 'outsider' }, identityPolicies: [ADMIN], resourcePolicy: { ...openBucket, Statement: [{ ...openBucket.Statement[0], Resource: app }] }, rcps: rcpLevels(PAYMENTS.id), action: 's3:GetObject', resource: app, resourceAccount: PAYMENTS.id });
    expect(r.decision).toBe('Allowed');
  });
});
