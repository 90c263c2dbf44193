/**
 * Coverage no path can skip: the root-coverage SCP at the organization root denies every member root user outside
 * sts:AssumeRoot task sessions and every principal LeaveOrganization, wherever the account sits (at the root after
 * CreateAccount, in an OU made by hand, in an exempt OU it was moved to), except the accounts the configuration
 * declares in an exempt OU and acknowledges. Proven with the IAM engine on the policy text that goes into Terraform,
 * with only the request keys IAM sends for each caller; the synthesized management stack attaches it to the root; the
 * validator refuses an unacknowledged (or stale) exemption with the field and the fix.
 */
import * as fs from 'fs';
import * as path from 'path';
import { exampleModel, exampleRaw } from './support/example';
import { validateConfig } from '../config/load';
import { ConfigError } from '../config/errors';
import { rootCoverageSpec, rootDenyExemptAccounts } from '../policies/root-coverage-scp';
import { parsePolicy, ScpLevel, simulate, ADMIN, FULL_AWS_ACCESS, Decision } from './support/iam';
import { synthesize } from '../stacks/app';
import { scratchDir } from './support/terraform';
import { SCP_NAMES } from '../config/contract';

const CLOSING = { id: '888888888888', name: 'closing-account', ou: 'Suspended', rootDenyExemptionAcknowledged: true };
const model = exampleModel((c) => c.accounts.push(CLOSING));
const spec = rootCoverageSpec(model);
const ORG_ID = 'o-exampleorg1';
const ROOT_ID = model.organization.rootId ?? 'r-ex12';
const PAYMENTS = model.members.find((m) => m.name === 'payments-prod')!;

/** The levels an account's request passes: the root (FullAWSAccess and the root-coverage SCP), an OU, the account. */
function levels(accountId: string, ouId?: string): ScpLevel[] {
  const full = (id: string) => ({ name: `${id}-FullAWSAccess`, policy: FULL_AWS_ACCESS });
  return [
    { id: ROOT_ID, policies: [full(ROOT_ID), { name: spec.name, policy: parsePolicy(spec.json) }] },
    ...(ouId ? [{ id: ouId, policies: [full(ouId)] }] : []),
    { id: accountId, policies: [full(accountId)] },
  ];
}

/**
 * What IAM puts in the request context of a root-user request: aws:PrincipalAccount is "included in the request
 * context for all signed requests" (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalaccount),
 * aws:AssumedRoot only in an sts:AssumeRoot task session.
 */
function rootRequest(accountId: string, extra: Record<string, string> = {}) {
  const arn = `arn:aws:iam::${accountId}:root`;
  return {
    principal: arn,
    identityPolicies: [ADMIN],
    context: { 'aws:PrincipalArn': arn, 'aws:PrincipalAccount': accountId, 'aws:PrincipalOrgID': ORG_ID, 'aws:SecureTransport': 'true', ...extra },
  };
}
function roleRequest(accountId: string) {
  const arn = `arn:aws:iam::${accountId}:role/Admin`;
  return {
    principal: `arn:aws:sts::${accountId}:assumed-role/Admin/someone`,
    identityPolicies: [ADMIN],
    context: { 'aws:PrincipalArn': arn, 'aws:PrincipalAccount': accountId, 'aws:PrincipalOrgID': ORG_ID, 'aws:SecureTransport': 'true' },
  };
}

async function decide(caller: ReturnType<typeof rootRequest>, accountId: string, ouId: string | undefined, action: string, resource: string): Promise<Decision> {
  return (await simulate({ ...caller, scps: levels(accountId, ouId), action, resource, resourceAccount: accountId })).decision;
}
const LIST_BUCKETS = ['s3:ListAllMyBuckets', '*'] as const;
const LEAVE = ['organizations:LeaveOrganization', '*'] as const;

describe('the root-coverage SCP with the IAM engine', () => {
  it('exempts exactly the declared, acknowledged accounts of exempt OUs, by account id', () => {
    expect(rootDenyExemptAccounts(model).map((a) => a.id)).toEqual([CLOSING.id]);
    expect(spec.description).toContain(`${CLOSING.name} (${CLOSING.id}, Suspended)`);
  });

  it.each([
    ['an account left at the root by CreateAccount', '999999999991', undefined],
    ['an account in an OU made by hand', '999999999992', 'ou-ex12-byhand00'],
    ['a declared account in a covered OU', PAYMENTS.id, 'ou-ex12-prod0000'],
    ['an undeclared account moved by hand into the exempt OU', '999999999993', 'ou-ex12-suspended'],
  ])('denies the root user of %s', async (_what, accountId, ouId) => {
    expect(await decide(rootRequest(accountId), accountId, ouId, ...LIST_BUCKETS)).toBe('ExplicitlyDenied');
    expect(await decide(rootRequest(accountId, { 'aws:MultiFactorAuthPresent': 'true' }), accountId, ouId, 'iam:CreateUser', `arn:aws:iam::${accountId}:user/x`)).toBe('ExplicitlyDenied');
  });

  it('leaves the declared, acknowledged exempt account\'s root user alone', async () => {
    expect(await decide(rootRequest(CLOSING.id), CLOSING.id, 'ou-ex12-suspended', ...LIST_BUCKETS)).toBe('Allowed');
  });

  it('leaves an sts:AssumeRoot task session and the account\'s roles alone', async () => {
    const task = { ...rootRequest(PAYMENTS.id, { 'aws:AssumedRoot': 'true' }) };
    expect(await decide(task, PAYMENTS.id, undefined, ...LIST_BUCKETS)).toBe('Allowed');
    expect(await decide(roleRequest(PAYMENTS.id), PAYMENTS.id, undefined, 'iam:CreateUser', `arn:aws:iam::${PAYMENTS.id}:user/x`)).toBe('Allowed');
  });

  it('denies LeaveOrganization to every principal wherever the account sits, the exempt account included', async () => {
    for (const [caller, accountId] of [
      [roleRequest('999999999991'), '999999999991'],
      [roleRequest(CLOSING.id), CLOSING.id],
      [rootRequest(CLOSING.id), CLOSING.id],
    ] as const) {
      expect(await decide(caller, accountId, undefined, ...LEAVE)).toBe('ExplicitlyDenied');
    }
  });
});

describe('the root-coverage SCP in the management stack', () => {
  it('is attached to the organization root, with the policy text proven above', () => {
    const out = scratchDir('root-coverage');
    synthesize(model, out);
    const tf = JSON.parse(fs.readFileSync(path.join(out, 'stacks', 'management', 'cdk.tf.json'), 'utf8'));
    const policy = tf.resource.aws_organizations_policy.root_coverage_scp;
    expect(policy).toMatchObject({ name: SCP_NAMES.rootCoverage, type: 'SERVICE_CONTROL_POLICY', content: spec.json });
    expect(tf.resource.aws_organizations_policy_attachment.root_coverage_scp_root).toMatchObject({ policy_id: '${aws_organizations_policy.root_coverage_scp.id}', target_id: ROOT_ID });
  });

  it('fails synthesis with the fix when the exempt accounts no longer fit the SCP size limit', () => {
    const many = exampleModel((c) => {
      for (let i = 0; i < 400; i++) c.accounts.push({ id: String(800000000000 + i), name: `closing-${i}`, ou: 'Suspended', rootDenyExemptionAcknowledged: true });
    });
    expect(() => rootCoverageSpec(many)).toThrow(/over the Organizations limit of 5120: declare fewer accounts in exempt OUs/);
  });
});

describe('declaring an account into an exempt OU', () => {
  const problems = (mutate: (c: any) => void) => {
    const raw = exampleRaw();
    mutate(raw);
    try {
      validateConfig(raw);
      return [];
    } catch (e) {
      return (e as ConfigError).problems.map((p) => `${p.path}: ${p.message}`);
    }
  };

  it('needs rootDenyExemptionAcknowledged: true on the account', () => {
    expect(problems((c) => c.accounts.push({ ...CLOSING, rootDenyExemptionAcknowledged: undefined }))).toEqual([
      `accounts[6].ou: "Suspended" is exempt from the root-deny SCP (exemptions[0]), so the root user of closing-account (888888888888) would be allowed everything: put the account in a covered OU, or acknowledge it with rootDenyExemptionAcknowledged: true on this account`,
    ]);
    expect(problems((c) => c.accounts.push(CLOSING))).toEqual([]);
  });

  it('refuses a stale acknowledgement on an account in a covered OU', () => {
    expect(problems((c) => (c.accounts[2].rootDenyExemptionAcknowledged = true))).toEqual([
      'accounts[2].rootDenyExemptionAcknowledged: true, but OU "Prod" is covered by the root-deny SCP: remove the acknowledgement (it would be stale)',
    ]);
  });
});
