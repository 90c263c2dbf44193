/**
 * Every configuration the validator accepts deploys: fast-check generates valid configurations (names at every length
 * the schema allows, every enumerated value, every numeric bound, features on and off), each is synthesized and every
 * stack goes through `terraform validate` against the real hashicorp/aws schema (argument validations), and the first
 * (every field at its largest) is planned against the emulator, where the provider configuration (assume_role
 * session name, allowed accounts) is checked. A failure here is a validator bug: the validator accepted something
 * AWS or the provider refuses. Fixed seed and a bounded number of cases, so CI runs the same configurations each time.
 */
import * as fs from 'fs';
import * as path from 'path';
import fc from 'fast-check';
import { validateConfig } from '../config/load';
import { ConfigError } from '../config/errors';
import { Model, resolveModel } from '../config/model';
import { deployOrder, synthesize } from '../stacks/app';
import { exampleRaw } from './support/example';
import { sdkConfig, startEmulator } from './support/emulator';
import { AttachPolicyCommand, CreatePolicyCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { SCP_NAMES } from '../config/contract';
import { createEmulatorOrg } from './support/emulator-org';
import { describeResult, scratchDir, terraformInit, terraformPlan, terraformValidate } from './support/terraform';
import { describeWithTools } from './support/tools';

const SEED = 26_2026;
/**
 * Random configurations besides the explicit extreme one; each costs one `terraform validate` per stack (about 10 s
 * each on two busy cores). ROOTLOCK_PROPERTY_CASES raises it for a deeper run.
 */
const RANDOM_CASES = Number(process.env.ROOTLOCK_PROPERTY_CASES ?? 1);

const RETENTIONS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];
const chars = (alphabet: string) => fc.constantFrom(...alphabet.split(''));
const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
/** The schema's SLUG: a letter, then letters, digits, spaces, "_" or "-", at most `max` in all (64; accounts 50). */
const slug = (max: number) => fc.tuple(chars(LETTERS), fc.string({ unit: chars(`${LETTERS}0123456789 _-`), maxLength: max - 1 })).map(([a, b]) => a + b);
/** The schema's IAM name: 1..64 of [\w+=,.@-]. */
const iamName = fc.string({ unit: chars(`${LETTERS}0123456789_+=,.@-`), minLength: 1, maxLength: 64 });
const topicName = fc.string({ unit: chars(`${LETTERS}0123456789_-`), minLength: 1, maxLength: 256 });

interface Variation {
  homeRegion: string;
  ouName: string;
  securityName: string;
  memberName: string;
  roleName: string;
  deploymentRoleName: string;
  topicName: string;
  complianceTopicName: string;
  sessionDurationSeconds: number;
  mfaMaxAgeSeconds: number;
  alarmPeriodSeconds: number;
  logDeliveryWindowMinutes: number;
  retentionDays: number;
  guardDuty: boolean;
  config: boolean;
  objectLock: boolean;
}

const variation: fc.Arbitrary<Variation> = fc.record({
  homeRegion: fc.constantFrom('us-east-1', 'eu-west-1', 'ap-southeast-2'),
  ouName: slug(64),
  securityName: slug(50),
  memberName: slug(50),
  roleName: iamName,
  deploymentRoleName: iamName,
  topicName,
  complianceTopicName: topicName,
  sessionDurationSeconds: fc.integer({ min: 3600, max: 43200 }),
  mfaMaxAgeSeconds: fc.integer({ min: 1, max: 3600 }),
  alarmPeriodSeconds: fc.constantFrom(10, 30, 60, 300, 900, 3600),
  logDeliveryWindowMinutes: fc.integer({ min: 5, max: 1440 }),
  retentionDays: fc.constantFrom(...RETENTIONS),
  guardDuty: fc.boolean(),
  config: fc.boolean(),
  objectLock: fc.boolean(),
});

/** Every field at the largest value the validator accepts: the case most likely to cross a provider limit. */
const EXTREME: Variation = {
  homeRegion: 'ap-southeast-2',
  ouName: `O${'u'.repeat(63)}`,
  securityName: `S${'e'.repeat(48)}y`,
  memberName: `M ${'m'.repeat(47)}r`,
  roleName: `r${'+=,.@_-'.repeat(9)}`.slice(0, 64),
  deploymentRoleName: `d${'e'.repeat(63)}`,
  topicName: `t${'_-'.repeat(127)}x`,
  complianceTopicName: `c${'o'.repeat(255)}`,
  sessionDurationSeconds: 43200,
  mfaMaxAgeSeconds: 3600,
  alarmPeriodSeconds: 3600,
  logDeliveryWindowMinutes: 1440,
  retentionDays: 3653,
  guardDuty: true,
  config: true,
  objectLock: true,
};

interface AccountIds {
  mgmt: string;
  security: string;
  member: string;
}
const FIXED_IDS: AccountIds = { mgmt: '111111111111', security: '222222222222', member: '333333333333' };

/** A small organization (management, security and one member account) carrying the variation. */
function configOf(v: Variation, ids: AccountIds): unknown {
  const { mgmt: MGMT, security: SECURITY, member: MEMBER } = ids;
  const raw = exampleRaw();
  raw.organization = { managementAccountId: MGMT, homeRegion: v.homeRegion, deploymentRoleName: v.deploymentRoleName, deploymentRoleTrustedBy: [`arn:aws:iam::${MGMT}:role/rootlock-deployer-ci`] };
  raw.securityAccount = v.securityName;
  raw.organizationalUnits = [
    { name: v.ouName, parent: 'root' },
    { name: 'Exempt', parent: 'root' },
  ];
  raw.accounts = [
    { id: SECURITY, name: v.securityName, ou: v.ouName },
    { id: MEMBER, name: v.memberName, ou: v.ouName },
  ];
  raw.exemptions = [{ ou: 'Exempt', reason: 'accounts awaiting closure, root kept for the closing steps' }];
  delete raw.unmanagedAccounts;
  raw.breakGlass = {
    roleName: v.roleName,
    principals: [{ arn: `arn:aws:iam::${MGMT}:user/breakglass`, mfaDeviceArn: `arn:aws:iam::${MGMT}:mfa/breakglass`, custody: 'vault' }],
    mfaMaxAgeSeconds: v.mfaMaxAgeSeconds,
    sessionDurationSeconds: v.sessionDurationSeconds,
  };
  raw.alerts = { emails: ['oncall@example.com'], topicName: v.topicName, alarmPeriodSeconds: v.alarmPeriodSeconds, logDeliveryWindowMinutes: v.logDeliveryWindowMinutes };
  raw.logging = { retentionDays: v.retentionDays };
  raw.monitoring = { guardDuty: v.guardDuty, config: v.config };
  raw.state = { backend: 'local' };
  raw.compliance = { topicName: v.complianceTopicName, trailObjectLock: v.objectLock ? { enabled: true } : { enabled: false, reason: 'logs are archived to a locked bucket elsewhere' } };
  delete raw.runbooks;
  return raw;
}

/** The model, or undefined when the validator refuses the variation (names colliding after normalization...). */
function modelOf(v: Variation, ids: AccountIds): Model | undefined {
  try {
    return resolveModel(validateConfig(configOf(v, ids)));
  } catch (e) {
    if (e instanceof ConfigError) return undefined;
    throw e;
  }
}

describeWithTools(['terraform', 'moto_server'], 'the accepted-configurations property test')('every configuration the validator accepts deploys', () => {
  jest.setTimeout(900_000);
  let initialized: string | undefined;
  const timings: string[] = [];

  afterAll(() => process.stdout.write(`config-deploys timings: ${timings.join(', ')}\n`));

  /** `terraform init` once (every stack needs the same providers), then the provider install is linked. */
  async function prepare(dir: string): Promise<void> {
    if (!initialized) {
      const init = await terraformInit(dir);
      if (init.code !== 0) throw new Error(`terraform init failed:\n${describeResult(init)}`);
      timings.push(`init ${init.ms} ms`);
      initialized = dir;
      return;
    }
    fs.copyFileSync(path.join(initialized, '.terraform.lock.hcl'), path.join(dir, '.terraform.lock.hcl'));
    fs.symlinkSync(path.join(initialized, '.terraform'), path.join(dir, '.terraform'));
  }

  async function validateEveryStack(v: Variation, ids = FIXED_IDS): Promise<{ model: Model; out: string } | undefined> {
    const model = modelOf(v, ids);
    if (!model) return undefined;
    const out = path.join(scratchDir('config-deploys'), 'cdktf.out');
    synthesize(model, out);
    const problems: string[] = [];
    for (const stack of deployOrder(model)) {
      const dir = path.join(out, 'stacks', stack);
      await prepare(dir);
      const r = await terraformValidate(dir);
      timings.push(`validate ${r.ms} ms`);
      problems.push(...[...r.errors, ...r.warnings].map((d) => `${stack}: ${d.severity}: ${d.summary}${d.detail ? ` (${d.detail})` : ''}`));
      if (!r.valid && !r.errors.length) problems.push(`${stack}: invalid: ${describeResult(r)}`);
    }
    expect({ variation: v, problems }).toEqual({ variation: v, problems: [] });
    return { model, out };
  }

  it('the extreme configuration (every field at its largest) validates and plans against the emulator', async () => {
    const emu = await startEmulator();
    if (!emu) throw new Error('emulator did not start');
    try {
      // Real accounts, so the provider's assumed session is in the account allowed_account_ids names.
      const org = await createEmulatorOrg(emu);
      const ids = { mgmt: org.mgmt, security: org.security, member: org.payments };
      // The root-coverage SCP at the root, as the management stack attaches it: the baseline's coverage guard needs it.
      const orgs = new OrganizationsClient(sdkConfig(emu));
      const deny = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'organizations:LeaveOrganization', Resource: '*' }] });
      const scp = await orgs.send(new CreatePolicyCommand({ Name: SCP_NAMES.rootCoverage, Type: 'SERVICE_CONTROL_POLICY', Description: 'root coverage', Content: deny }));
      await orgs.send(new AttachPolicyCommand({ PolicyId: scp.Policy!.PolicySummary!.Id!, TargetId: org.root }));
      orgs.destroy();
      const built = await validateEveryStack(EXTREME, ids);
      expect(built).toBeDefined();
      // A member account's baseline: the provider assumes the deployment role with the stack's session name.
      const member = built!.model.allAccounts.find((a) => a.id === ids.member)!;
      const dir = path.join(built!.out, 'stacks', member.stackName);
      // Its own init: the linked .terraform records another stack's backend path.
      fs.rmSync(path.join(dir, '.terraform'));
      const init = await terraformInit(dir);
      if (init.code !== 0) throw new Error(`terraform init failed:\n${describeResult(init)}`);
      const plan = await terraformPlan(dir, emu.env, { detailedExitcode: true });
      timings.push(`plan ${plan.ms} ms`);
      if (plan.code !== 2) throw new Error(`plan of ${member.stackName} failed:\n${describeResult(plan)}`);
    } finally {
      await emu.stop();
    }
  });

  it(`${RANDOM_CASES} random valid configurations (seed ${SEED}) validate on every stack`, async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(variation, async (v) => {
        if (await validateEveryStack(v)) accepted++;
      }),
      { seed: SEED, numRuns: RANDOM_CASES, endOnFailure: true },
    );
    // The generator makes valid configurations: a refused one is rare, all refused is a generator bug.
    expect(accepted).toBeGreaterThan(0);
  });
});
