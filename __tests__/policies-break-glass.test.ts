/**
 * Proofs, with a real IAM policy engine (iam-simulate), that the break-glass trust policy admits only the named
 * principals, with fresh MFA and a source identity, and that its explicit denies survive a careless later edit.
 * The policy under test is the policyJson() text, i.e. what goes into Terraform.
 */
import * as path from 'path';
import fc from 'fast-check';
import { parse as parseYaml } from 'yaml';
import * as fs from 'fs';
import { loadConfigFile, validateConfig } from '../config/load';
import { resolveModel, Model } from '../config/model';
import { breakGlassTrustPolicy } from '../policies/break-glass';
import { policyJson, PolicyDocument } from '../policies/document';
import { Decision, parsePolicy, simulate } from './support/iam';
import { exampleModel } from './support/example';

const EXAMPLE = path.join(__dirname, '..', 'examples', 'example-org.yaml');
const model: Model = resolveModel(loadConfigFile(EXAMPLE));
const MGMT = model.management.id;
const MAX = model.breakGlass.mfaMaxAgeSeconds;
const trust = (m: Model = model): PolicyDocument => parsePolicy(policyJson(breakGlassTrustPolicy(m)));

const [ALICE, BOB] = model.breakGlass.principals; // arn:aws:iam::111111111111:user/breakglass-{alice,bob}
const MALLORY = `arn:aws:iam::${MGMT}:user/mallory`;
const MEMBER_ROLE = model.members.find((m) => m.name === 'payments-prod')!.breakGlassRoleArn;
const MGMT_ROLE = model.management.breakGlassRoleArn;

/** What an on-call engineer's own account lets them do: assume the break-glass role anywhere (cross-account needs it). */
const callerPolicy = (m: Model = model): PolicyDocument => ({
  Version: '2012-10-17',
  Statement: [{ Sid: 'MayAskForBreakGlass', Effect: 'Allow', Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'], Resource: m.breakGlass.roleArnPattern }],
});

interface Ask {
  principal: string;
  role?: string;
  action?: 'sts:AssumeRole' | 'sts:SetSourceIdentity';
  /** undefined = MFA keys absent (long-term access keys, no MFA). */
  mfa?: { present: 'true' | 'false'; age?: number };
  sourceIdentity?: string;
  /** aws:RequestedRegion: the region of the STS endpoint that served the call (AWS always sends it); default the home region. */
  region?: string;
  policy?: PolicyDocument;
  m?: Model;
}

/** The request context STS evaluates for AssumeRole: iam-simulate derives none of it, so it is spelled out here. */
async function ask(a: Ask): Promise<{ decision: Decision; deciding: string[] }> {
  const acct = a.principal.split(':')[4];
  const context: Record<string, string> = {
    'aws:PrincipalArn': a.principal,
    'aws:PrincipalAccount': acct,
    'aws:SecureTransport': 'true',
    'aws:RequestedRegion': a.region ?? (a.m ?? model).organization.homeRegion,
  };
  // AWS sends aws:username for IAM users only (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-username).
  if (/:user\//.test(a.principal)) context['aws:username'] = a.principal.split('/').pop()!;
  if (a.mfa) {
    context['aws:MultiFactorAuthPresent'] = a.mfa.present;
    if (a.mfa.age !== undefined) context['aws:MultiFactorAuthAge'] = String(a.mfa.age);
  }
  if (a.sourceIdentity !== undefined) context['sts:SourceIdentity'] = a.sourceIdentity;
  const r = await simulate({
    trustPolicy: a.policy ?? trust(a.m),
    identityPolicies: [callerPolicy(a.m)],
    principal: a.principal,
    action: a.action ?? 'sts:AssumeRole',
    resource: a.role ?? MEMBER_ROLE,
    context,
  });
  return { decision: r.decision, deciding: r.deciding };
}

const fresh = { present: 'true' as const, age: 120 };

describe('break-glass trust policy: regions', () => {
  it.each(model.eventRegions)('allows an assumption served in %s (a watched event region)', async (region) => {
    expect((await ask({ principal: ALICE, mfa: fresh, sourceIdentity: ALICE.split('/').pop()!, region })).decision).toBe('Allowed');
  });
  it.each(['eu-central-1', 'ap-southeast-2', 'us-west-2'].filter((r) => !model.eventRegions.includes(r)))(
    'explicitly denies an assumption served in %s, where no forwarding rule would page it',
    async (region) => {
      const r = await ask({ principal: ALICE, mfa: fresh, sourceIdentity: ALICE.split('/').pop()!, region });
      expect(r.decision).toBe('ExplicitlyDenied');
    },
  );
});

describe('break-glass trust policy: who may assume the role', () => {
  it('names exactly the configured principals', () => {
    const allow = trust().Statement.find((s) => s.Effect === 'Allow')!;
    expect(allow.Principal).toEqual({ AWS: ['arn:aws:iam::111111111111:user/breakglass-alice', 'arn:aws:iam::111111111111:user/breakglass-bob'] });
  });

  it.each([
    ['alice into a member account (cross-account)', ALICE, MEMBER_ROLE],
    ['bob into a member account (cross-account)', BOB, MEMBER_ROLE],
    ['alice into the management account (same account)', ALICE, MGMT_ROLE],
  ])('allows %s with MFA younger than the limit and a source identity', async (_what, principal, role) => {
    const r = await ask({ principal, role, mfa: fresh, sourceIdentity: principal.split('/').pop() });
    expect(r.decision).toBe('Allowed');
    expect(r.deciding).toContain('AllowNamedPrincipalsWithFreshMfaAndSourceIdentity');
  });

  it('allows sts:SetSourceIdentity (the session tag AssumeRole needs) under the same conditions', async () => {
    expect((await ask({ principal: ALICE, action: 'sts:SetSourceIdentity', mfa: fresh, sourceIdentity: 'breakglass-alice' })).decision).toBe('Allowed');
  });

  it('allows MFA one second younger than breakGlass.mfaMaxAgeSeconds', async () => {
    expect((await ask({ principal: ALICE, mfa: { present: 'true', age: MAX - 1 }, sourceIdentity: 'breakglass-alice' })).decision).toBe('Allowed');
  });

  it('denies without MFA (no MFA keys in the request at all)', async () => {
    expect(await ask({ principal: ALICE, sourceIdentity: 'breakglass-alice' })).toEqual({ decision: 'ExplicitlyDenied', deciding: ['DenyWithoutMfa'] });
  });

  it('denies with aws:MultiFactorAuthPresent = false', async () => {
    expect(await ask({ principal: ALICE, mfa: { present: 'false' }, sourceIdentity: 'breakglass-alice' })).toEqual({ decision: 'ExplicitlyDenied', deciding: ['DenyWithoutMfa'] });
  });

  it('denies sts:SetSourceIdentity without MFA too', async () => {
    expect((await ask({ principal: ALICE, action: 'sts:SetSourceIdentity', sourceIdentity: 'breakglass-alice' })).decision).toBe('ExplicitlyDenied');
  });

  it('denies MFA exactly breakGlass.mfaMaxAgeSeconds old', async () => {
    expect(await ask({ principal: ALICE, mfa: { present: 'true', age: MAX }, sourceIdentity: 'breakglass-alice' })).toEqual({ decision: 'ExplicitlyDenied', deciding: ['DenyStaleMfa'] });
  });

  it('denies MFA older than breakGlass.mfaMaxAgeSeconds', async () => {
    expect(await ask({ principal: ALICE, mfa: { present: 'true', age: MAX + 1 }, sourceIdentity: 'breakglass-alice' })).toEqual({ decision: 'ExplicitlyDenied', deciding: ['DenyStaleMfa'] });
    expect((await ask({ principal: ALICE, mfa: { present: 'true', age: 86400 }, sourceIdentity: 'breakglass-alice' })).decision).toBe('ExplicitlyDenied');
  });

  it('denies without a source identity', async () => {
    expect(await ask({ principal: ALICE, mfa: fresh })).toEqual({ decision: 'ExplicitlyDenied', deciding: ['DenyWithoutSourceIdentity'] });
  });

  it('denies an unnamed principal of the same account, even an administrator with fresh MFA and a source identity', async () => {
    const r = await ask({ principal: MALLORY, role: MGMT_ROLE, mfa: fresh, sourceIdentity: 'mallory' });
    expect(r.decision).toBe('ImplicitlyDenied');
    expect(r.deciding).not.toContain('AllowNamedPrincipalsWithFreshMfaAndSourceIdentity');
  });

  it('denies a principal of another account that reuses a named user\'s name', async () => {
    const r = await ask({ principal: 'arn:aws:iam::999999999999:user/breakglass-alice', mfa: fresh, sourceIdentity: 'breakglass-alice' });
    expect(r.decision).toBe('ImplicitlyDenied');
  });

  it('denies a member account\'s own principals', async () => {
    const r = await ask({ principal: 'arn:aws:iam::444444444444:user/breakglass-alice', mfa: fresh, sourceIdentity: 'breakglass-alice' });
    expect(r.decision).toBe('ImplicitlyDenied');
  });

  it('denies the management account root (the account principal is not a named user)', async () => {
    const r = await ask({ principal: `arn:aws:iam::${MGMT}:root`, role: MGMT_ROLE, mfa: fresh, sourceIdentity: 'root' });
    expect(r.decision).toBe('ImplicitlyDenied');
    const r2 = await ask({ principal: `arn:aws:iam::${MGMT}:root`, role: MEMBER_ROLE, mfa: fresh, sourceIdentity: 'root' });
    expect(r2.decision).toBe('ImplicitlyDenied');
  });

  it('denies a session of a role that shares a named user\'s name', async () => {
    const r = await ask({ principal: `arn:aws:sts::${MGMT}:assumed-role/breakglass-alice/alice`, mfa: fresh, sourceIdentity: 'breakglass-alice' });
    expect(r.decision).toBe('ImplicitlyDenied');
  });
});

describe('break-glass trust policy: the explicit denies survive a careless edit', () => {
  /** Somebody adds a principal to the Allow by hand (console edit, copy-paste), keeping or dropping its conditions. */
  function withExtraPrincipal(keepConditions: boolean): PolicyDocument {
    const doc = trust();
    const allow = doc.Statement.find((s) => s.Sid === 'AllowNamedPrincipalsWithFreshMfaAndSourceIdentity')!;
    allow.Principal = { AWS: [...((allow.Principal as { AWS: string[] }).AWS), MALLORY] };
    if (!keepConditions) delete allow.Condition;
    return doc;
  }

  it('the mutation takes: the added principal with fresh MFA and a source identity is now allowed', async () => {
    expect((await ask({ principal: MALLORY, role: MGMT_ROLE, policy: withExtraPrincipal(true), mfa: fresh, sourceIdentity: 'mallory' })).decision).toBe('Allowed');
  });

  it.each([true, false])('still denies the added principal without MFA (Allow conditions kept: %s)', async (keep) => {
    const policy = withExtraPrincipal(keep);
    expect(await ask({ principal: MALLORY, role: MGMT_ROLE, policy, sourceIdentity: 'mallory' })).toEqual({ decision: 'ExplicitlyDenied', deciding: ['DenyWithoutMfa'] });
    expect((await ask({ principal: MALLORY, role: MGMT_ROLE, policy, mfa: { present: 'false' }, sourceIdentity: 'mallory' })).decision).toBe('ExplicitlyDenied');
  });

  it.each([true, false])('still denies the added principal with stale MFA or no source identity (Allow conditions kept: %s)', async (keep) => {
    const policy = withExtraPrincipal(keep);
    expect((await ask({ principal: MALLORY, role: MGMT_ROLE, policy, mfa: { present: 'true', age: MAX }, sourceIdentity: 'mallory' })).decision).toBe('ExplicitlyDenied');
    expect((await ask({ principal: MALLORY, role: MGMT_ROLE, policy, mfa: fresh })).decision).toBe('ExplicitlyDenied');
  });

  it('still denies a whole account added as a principal (Principal AWS = account root) without MFA', async () => {
    const doc = trust();
    const allow = doc.Statement.find((s) => s.Effect === 'Allow')!;
    allow.Principal = { AWS: `arn:aws:iam::${MGMT}:root` };
    delete allow.Condition;
    // Account-level trust now lets any administrator of the management account in, but only with fresh MFA.
    expect((await ask({ principal: MALLORY, role: MGMT_ROLE, policy: doc, sourceIdentity: 'm' })).decision).toBe('ExplicitlyDenied');
    expect((await ask({ principal: MALLORY, role: MGMT_ROLE, policy: doc, mfa: { present: 'true', age: MAX * 2 }, sourceIdentity: 'm' })).decision).toBe('ExplicitlyDenied');
    expect((await ask({ principal: MALLORY, role: MGMT_ROLE, policy: doc, mfa: fresh })).decision).toBe('ExplicitlyDenied');
  });
});

describe('break-glass trust policy: MFA age around the boundary (property-based)', () => {
  it('allows every age below breakGlass.mfaMaxAgeSeconds and explicitly denies every age at or above it', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.integer({ min: 0, max: MAX - 1 }), fc.integer({ min: MAX - 3, max: MAX + 3 }), fc.integer({ min: MAX, max: 10_000_000 })), async (age) => {
        const r = await ask({ principal: BOB, mfa: { present: 'true', age }, sourceIdentity: 'breakglass-bob' });
        expect(r.decision).toBe(age < MAX ? 'Allowed' : 'ExplicitlyDenied');
      }),
      { numRuns: 150 },
    );
  });

  it('holds for any configured breakGlass.mfaMaxAgeSeconds (1..3600), rebuilt through the real config validation', async () => {
    const raw = parseYaml(fs.readFileSync(EXAMPLE, 'utf8')) as { breakGlass: { mfaMaxAgeSeconds: number } };
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 3600 }), fc.integer({ min: -2, max: 2 }), async (limit, delta) => {
        const age = Math.max(0, limit + delta);
        const m = resolveModel(validateConfig({ ...raw, breakGlass: { ...raw.breakGlass, mfaMaxAgeSeconds: limit } }));
        const r = await ask({ principal: ALICE, mfa: { present: 'true', age }, sourceIdentity: 'breakglass-alice', m });
        expect(r.decision).toBe(age < limit ? 'Allowed' : 'ExplicitlyDenied');
      }),
      { numRuns: 60 },
    );
  });
});

describe('break-glass trust policy: a session is attributed to the person who took it', () => {
  it('refuses bob setting alice\'s name as his source identity, or any name but his own', async () => {
    expect((await ask({ principal: BOB, mfa: fresh, sourceIdentity: 'breakglass-alice' })).decision).toBe('ImplicitlyDenied');
    expect((await ask({ principal: BOB, mfa: fresh, sourceIdentity: 'oncall' })).decision).toBe('ImplicitlyDenied');
    expect((await ask({ principal: BOB, mfa: fresh, sourceIdentity: 'breakglass-bob' })).decision).toBe('Allowed');
  });

  it('binds sts:SourceIdentity to ${aws:username} in the Allow, for IAM user principals', () => {
    const allow = trust().Statement.find((s) => s.Sid === 'AllowNamedPrincipalsWithFreshMfaAndSourceIdentity')!;
    expect(allow.Condition!.StringEquals).toEqual({ 'sts:SourceIdentity': '${aws:username}' });
  });

  it('a role principal must arrive with a source identity set upstream (aws:SourceIdentity), which STS will not let it change', async () => {
    const ROLE = 'arn:aws:iam::111111111111:role/breakglass-oncall';
    const m = exampleModel((c) => {
      c.breakGlass.principals = [ROLE, `${ROLE}-2`].map((arn, i) => ({ ...c.breakGlass.principals[i], arn }));
    });
    const base = { principal: ROLE, mfa: fresh, m, policy: breakGlassTrustPolicy(m) };
    expect((await ask({ ...base, sourceIdentity: 'anyone' })).decision).toBe('ImplicitlyDenied');
    const upstream = await simulate({
      trustPolicy: breakGlassTrustPolicy(m),
      identityPolicies: [callerPolicy(m)],
      principal: ROLE,
      action: 'sts:AssumeRole',
      resource: m.members[0].breakGlassRoleArn,
      context: {
        'aws:PrincipalArn': ROLE,
        'aws:PrincipalAccount': '111111111111',
        'aws:SecureTransport': 'true',
        // STS sends the region of the endpoint called, as for every request.
        'aws:RequestedRegion': m.organization.homeRegion,
        'aws:MultiFactorAuthPresent': 'true',
        'aws:MultiFactorAuthAge': '60',
        'aws:SourceIdentity': 'alice@example.com',
        'sts:SourceIdentity': 'alice@example.com',
      },
    });
    expect(upstream.decision).toBe('Allowed');
  });
});
