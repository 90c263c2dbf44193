/**
 * Who may ask for root (issue 29, item 4), proven with the IAM engine: with `rootAccess.delegatedAdministrator`, the
 * root-deny SCP (reaching the security account's OU) lets only the named principals of the security account call
 * sts:AssumeRoot, only with the configured task policies (`sts:TaskPolicyArn`), and rootlock's audit job role only
 * with IAMAuditRootUserCredentials. Each caller is an AdministratorAccess role session: what decides is the SCP.
 * Request keys: those IAM sends for a role session (aws:PrincipalArn = the role ARN, account, org id, transport) and
 * AssumeRoot's own `sts:TaskPolicyArn` (the required TaskPolicyArn parameter). The resource is the target root user.
 */
import { ConfigError } from '../config/errors';
import { scpSpecs } from '../policies/scp';
import { taskPolicyArn } from '../config/root-tasks';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { synthesize } from '../stacks/app';
import { stackGraph } from '../stacks/graph';
import { exampleModel } from './support/example';
import { ADMIN, simulate } from './support/iam';
import { scpLevels } from './support/scp-levels';
import { terraformInit, terraformValidate } from './support/terraform';
import { describeWithTools } from './support/tools';

const SEC = '222222222222';
const TARGET = '444444444444';
const ADMIN_ROLE = `arn:aws:iam::${SEC}:role/root-access-admin`;
const delegated = (taskPolicies?: string[]) =>
  exampleModel((c) => (c.rootAccess = { delegatedAdministrator: { principals: [ADMIN_ROLE], ...(taskPolicies ? { taskPolicies } : {}) } }));

/** The management stack alone, synthesized (what `ROOTLOCK_STACKS=management` writes). */
function synthDir(model: ReturnType<typeof exampleModel>, name: string): string {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'rootlock-assume-root-'));
  synthesize(model, out, stackGraph(model).filter((n) => n.name === name));
  return path.join(out, 'stacks', name);
}
function synthStack(model: ReturnType<typeof exampleModel>, name: string): { resource: Record<string, Record<string, any>> } {
  return JSON.parse(fs.readFileSync(path.join(synthDir(model, name), 'cdk.tf.json'), 'utf8'));
}

async function assumeRoot(model: ReturnType<typeof exampleModel>, role: string, task: Parameters<typeof taskPolicyArn>[0]) {
  const roleArn = `arn:aws:iam::${SEC}:role/${role}`;
  const r = await simulate({
    principal: `arn:aws:sts::${SEC}:assumed-role/${role}/someone@example.com`,
    identityPolicies: [ADMIN],
    scps: scpLevels(model, scpSpecs(model), SEC, model.security.ou!),
    action: 'sts:AssumeRoot',
    resource: `arn:aws:iam::${TARGET}:root`,
    // AssumeRoot is authorized in the caller's account (identity policies and the caller's SCPs); the member's root user
    // has no resource policy to grant a cross-account call, so the engine evaluates it as same-account.
    resourceAccount: SEC,
    context: {
      'aws:PrincipalArn': roleArn,
      'aws:PrincipalAccount': SEC,
      'aws:PrincipalOrgID': 'o-exampleorg1',
      'aws:SecureTransport': 'true',
      'sts:TaskPolicyArn': taskPolicyArn(task),
    },
  });
  return { decision: r.decision, deciding: r.deciding };
}

describe('sts:AssumeRoot from the delegated administrator (root-deny SCP)', () => {
  const model = delegated();

  it('the named principal may use the configured task policies (default: audit and delete)', async () => {
    expect(model.rootAccess.delegatedAdministrator!.taskPolicyArns).toEqual([taskPolicyArn('IAMAuditRootUserCredentials'), taskPolicyArn('IAMDeleteRootUserCredentials')]);
    for (const task of ['IAMAuditRootUserCredentials', 'IAMDeleteRootUserCredentials'] as const) {
      expect({ task, ...(await assumeRoot(model, 'root-access-admin', task)) }).toMatchObject({ task, decision: 'Allowed' });
    }
  });

  it('the named principal may not recover a password or unlock a policy unless the configuration lists that task', async () => {
    for (const task of ['IAMCreateRootUserPassword', 'S3UnlockBucketPolicy', 'SQSUnlockQueuePolicy'] as const) {
      expect({ task, ...(await assumeRoot(model, 'root-access-admin', task)) }).toEqual({ task, decision: 'ExplicitlyDenied', deciding: ['AssumeRootOnlyNamedTaskPolicies'] });
    }
    const withRecovery = delegated(['IAMAuditRootUserCredentials', 'IAMCreateRootUserPassword']);
    expect((await assumeRoot(withRecovery, 'root-access-admin', 'IAMCreateRootUserPassword')).decision).toBe('Allowed');
    expect((await assumeRoot(withRecovery, 'root-access-admin', 'IAMDeleteRootUserCredentials')).decision).toBe('ExplicitlyDenied');
  });

  it('who else? every other principal of the security account is denied, administrators and the deployment role included', async () => {
    for (const role of ['OrganizationAccountAccessRole', 'AWSReservedSSO_AdministratorAccess_0123456789abcdef', model.breakGlass.roleName]) {
      expect({ role, ...(await assumeRoot(model, role, 'IAMAuditRootUserCredentials')) }).toEqual({ role, decision: 'ExplicitlyDenied', deciding: ['AssumeRootOnlyNamedPrincipals'] });
    }
  });

  it("rootlock's audit job role may audit, and only audit", async () => {
    const audit = model.rootAccess.delegatedAdministrator!.auditJobRoleArn.split('/').pop()!;
    expect((await assumeRoot(model, audit, 'IAMAuditRootUserCredentials')).decision).toBe('Allowed');
    expect(await assumeRoot(model, audit, 'IAMDeleteRootUserCredentials')).toEqual({ decision: 'ExplicitlyDenied', deciding: ['AssumeRootAuditJobRoleAuditsOnly'] });
  });

  it('off by default: no delegated administrator, no AssumeRoot statement, nothing registered', () => {
    const plain = exampleModel();
    expect(plain.rootAccess).toEqual({});
    const rootDeny = scpSpecs(plain).find((s) => s.key === 'root_deny')!;
    expect(rootDeny.json).not.toContain('sts:AssumeRoot');
    expect(scpSpecs(model).find((s) => s.key === 'root_deny')!.json).toContain('sts:TaskPolicyArn');
  });

  it('the validator refuses a principal outside the security account and an exempt security OU, naming the field', () => {
    const refused = (mutate: (c: any) => void) => {
      try {
        exampleModel(mutate);
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        return (e as Error).message;
      }
      throw new Error('accepted');
    };
    expect(refused((c) => (c.rootAccess = { delegatedAdministrator: { principals: ['arn:aws:iam::111111111111:role/root-access-admin'] } }))).toMatch(
      /rootAccess\.delegatedAdministrator\.principals\[0\].*security account 222222222222/,
    );
    expect(refused((c) => (c.rootAccess = { delegatedAdministrator: { principals: [ADMIN_ROLE], taskPolicies: ['AdministratorAccess'] } }))).toMatch(/rootAccess\.delegatedAdministrator\.taskPolicies\[0\]/);
    expect(
      refused((c) => {
        c.rootAccess = { delegatedAdministrator: { principals: [ADMIN_ROLE] } };
        c.exemptions = [{ ou: 'Security', reason: 'the security tooling needs its root user' }];
      }),
    ).toMatch(/rootAccess\.delegatedAdministrator.*exempt/);
  });

  it('the management stack registers the security account as IAM delegated administrator, after the root access features', () => {
    const tf = synthStack(model, 'management');
    const admins = Object.values(tf.resource.aws_organizations_delegated_administrator ?? {}) as Array<Record<string, any>>;
    const iam = admins.filter((a) => a.service_principal === 'iam.amazonaws.com');
    expect(iam).toHaveLength(1);
    expect(iam[0].account_id).toBe(SEC);
    expect(iam[0].depends_on.join(' ')).toContain('aws_iam_organizations_features');
    const plain = synthStack(exampleModel(), 'management');
    expect(Object.values(plain.resource.aws_organizations_delegated_administrator ?? {}).filter((a: any) => a.service_principal === 'iam.amazonaws.com')).toEqual([]);
  });
});

describeWithTools(['terraform'], 'the delegated administrator terraform validate test')('the management stack with a delegated administrator', () => {
  it('passes terraform validate with the real provider schema, no errors, no warnings', async () => {
    const dir = synthDir(delegated(['IAMAuditRootUserCredentials', 'IAMDeleteRootUserCredentials', 'IAMCreateRootUserPassword']), 'management');
    expect((await terraformInit(dir)).code).toBe(0);
    const r = await terraformValidate(dir);
    expect({ valid: r.valid, errors: r.errors, warnings: r.warnings }).toEqual({ valid: true, errors: [], warnings: [] });
  }, 300_000);
});
