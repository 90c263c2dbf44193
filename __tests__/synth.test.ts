import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { validateConfig } from '../config/load';
import { resolveModel, Model } from '../config/model';
import { KEY_PURPOSE_TAG } from '../config/model-protection';
import { exampleModel, exampleRaw } from './support/example';
import { deployOrder, synthesize } from '../stacks/app';
import { writeOutput } from '../output';
import { largeOrgConfig } from '../examples/large-org';

const ROOT = path.join(__dirname, '..');
const modelOf = exampleModel;
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'rootlock-synth-'));

type Stack = { resource: Record<string, Record<string, any>>; output?: Record<string, any>; provider?: Record<string, any[]>; import?: any[] };
function synthStacks(model: Model): Record<string, Stack> {
  const out = tmp();
  synthesize(model, out);
  return Object.fromEntries(
    deployOrder(model).map((name) => [name, JSON.parse(fs.readFileSync(path.join(out, 'stacks', name, 'cdk.tf.json'), 'utf8'))]),
  );
}
const resources = (stack: Stack, type: string) => Object.entries(stack.resource?.[type] ?? {});

function listFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listFiles(path.join(dir, e.name)).map((f) => path.join(e.name, f)) : [e.name])).sort();
}

describe('synthesis of the example organization', () => {
  const model = modelOf();
  const stacks = synthStacks(model);

  it('has the management, security, config-rules and one baseline stack per account (management included)', () => {
    expect(Object.keys(stacks)).toEqual([
      'management',
      'security',
      'baseline-management',
      ...(exampleRaw().accounts as Array<{ name: string }>).map((a) => `baseline-${a.name}`),
      'config-rules',
    ]);
  });

  it('adopts the existing organization by import, never creating a second one', () => {
    const m = stacks.management;
    const [[address]] = resources(m, 'aws_organizations_organization');
    expect(m.import).toEqual([
      { id: 'o-exampleorg1', to: `aws_organizations_organization.${address}` },
      // Every declared member account is adopted too (placement), never created.
      ...model.placement.accounts.map((a) => ({ id: a.id, to: `aws_organizations_account.placement_${a.key}` })),
    ]);
  });

  it('keeps already-enabled trusted access and adds iam.amazonaws.com', () => {
    const [[, org]] = resources(stacks.management, 'aws_organizations_organization');
    expect(org.aws_service_access_principals).toEqual(expect.arrayContaining(['sso.amazonaws.com', 'account.amazonaws.com', 'iam.amazonaws.com']));
    expect(org.feature_set).toBe('ALL');
    // Every policy type already enabled on the root (read at plan time) is kept, plus SERVICE_CONTROL_POLICY.
    expect(org.enabled_policy_types).toBe(
      '${sort(distinct(concat([for t in data.aws_organizations_organization.organization_live.roots[0].policy_types : t.type if t.status == "ENABLED"], ["RESOURCE_CONTROL_POLICY","SERVICE_CONTROL_POLICY"])))}',
    );
  });

  it('enables both root access features after trusted access', () => {
    const [[, features]] = resources(stacks.management, 'aws_iam_organizations_features');
    expect(features.enabled_features).toEqual(['RootCredentialsManagement', 'RootSessions']);
    expect(features.depends_on).toEqual([expect.stringMatching(/^aws_organizations_organization\./)]);
  });

  it('attaches the root-deny SCP to every member OU except the exempted one, and monitoring protection to all', () => {
    const attachments = resources(stacks.management, 'aws_organizations_policy_attachment').map(([id]) => id);
    const rootDeny = attachments.filter((a) => a.startsWith('scps_root_deny_scp_')).map((a) => a.replace('scps_root_deny_scp_', ''));
    // One attachment per OU for each of the monitoring-protection SCPs (as many as the size limit needs).
    const parts = resources(stacks.management, 'aws_organizations_policy').map(([id]) => id).filter((id) => /^scps_monitoring_protection_\d+_scp$/.test(id));
    expect(parts.length).toBeGreaterThanOrEqual(1);
    const protection = parts.flatMap((p) => attachments.filter((a) => a.startsWith(`${p}_`)).map((a) => a.replace(`${p}_`, '')));
    const exempt = model.ous.filter((o) => o.rootDenyExemptReason).map((o) => o.key);
    expect(exempt).toEqual(['suspended']);
    expect(rootDeny.sort()).toEqual(model.ous.map((o) => o.key).filter((k) => !exempt.includes(k)).sort());
    expect(protection.sort()).toEqual(parts.flatMap(() => model.ous.map((o) => o.key)).sort());
  });

  it('tags every rootlock KMS key with its purpose: the monitoring-protection SCPs protect keys by that tag, not by an alias', () => {
    const keys = resources(stacks.security, 'aws_kms_key');
    expect(keys.length).toBeGreaterThanOrEqual(2);
    for (const [, key] of keys) expect(key.tags).toEqual({ [KEY_PURPOSE_TAG]: expect.stringMatching(/^[a-z-]+$/) });
  });

  it('writes the exemption reason into the SCP description and the outputs', () => {
    const [, rootDeny] = resources(stacks.management, 'aws_organizations_policy').find(([id]) => id === 'scps_root_deny_scp')!;
    expect(rootDeny.description).toContain('Suspended exempt: Holds only closed accounts');
    expect(JSON.stringify(stacks.management.output)).toContain('Holds only closed accounts');
  });

  it('uses readable logical ids without hash suffixes', () => {
    for (const [name, stack] of Object.entries(stacks)) {
      for (const type of Object.keys(stack.resource)) {
        for (const id of Object.keys(stack.resource[type])) {
          expect(`${name}:${id}`).toMatch(/^[a-z0-9-]+:[a-z0-9_]+$/);
          expect(id).not.toMatch(/_[A-F0-9]{8}$/);
        }
      }
    }
    expect(Object.keys(stacks.management.resource.aws_organizations_policy_attachment)).toContain('scps_root_deny_scp_prod');
  });

  it('gives every policy and role a description', () => {
    for (const stack of Object.values(stacks)) {
      for (const type of ['aws_organizations_policy', 'aws_iam_role']) {
        for (const [, r] of resources(stack, type)) expect(r.description).toEqual(expect.any(String));
      }
    }
  });

  it('says what each stack is for in the synthesized Terraform', () => {
    for (const stack of Object.values(stacks)) expect((stack as any)['//'].purpose).toEqual(expect.stringMatching(/^.{40,}$/));
  });

  it('reaches member accounts by assuming the deployment role, pinned to the account', () => {
    const baseline = stacks['baseline-payments-prod'];
    // The coverage guard's provider reads the organization with the deploy's own (management) credentials; nothing
    // else uses it (modules/coverage-guard.ts).
    const [management, ...account] = [...baseline.provider!.aws].sort((a, b) => (a.alias === 'management' ? -1 : b.alias === 'management' ? 1 : 0));
    expect(management).toMatchObject({ alias: 'management', allowed_account_ids: ['111111111111'] });
    expect(management.assume_role).toBeUndefined();
    expect(JSON.stringify(baseline.resource ?? {})).not.toContain('aws.management');
    for (const provider of account) {
      expect(provider.allowed_account_ids).toEqual(['444444444444']);
      expect(provider.assume_role).toEqual([expect.objectContaining({ role_arn: 'arn:aws:iam::444444444444:role/${var.rootlock_role_name}' })]);
    }
    // The role comes from a variable whose default is the deployment role (a PR plan sets TF_VAR_rootlock_role_name).
    expect((baseline as any).variable.rootlock_role_name.default).toBe('OrganizationAccountAccessRole');
    expect(account.map((p) => p.region).sort()).toEqual(['eu-west-1', 'us-east-1']);
  });

  it('forwards root sign-in only from us-east-1, where console sign-in events arrive', () => {
    const rules = resources(stacks['baseline-web-prod'], 'aws_cloudwatch_event_rule');
    const signIn = rules.filter(([, r]) => r.name === 'rootlock-root-console-sign-in');
    expect(signIn).toHaveLength(1);
    expect(signIn[0][1].provider).toBe('aws.global_events');
  });

  it('gives every event target a dead-letter queue', () => {
    for (const stack of Object.values(stacks)) {
      for (const [, t] of resources(stack, 'aws_cloudwatch_event_target')) expect(t.dead_letter_config).toEqual(expect.objectContaining({ arn: expect.any(String) }));
    }
  });

  it('alarms on each metric filter with threshold 1 in one period, missing data not breaching', () => {
    // The alarms on the pipeline's own health (namespaces AWS/*) are proven in delivery.test.ts.
    // The heartbeat alarms (same namespace, missing data breaching by design) are proven in silence-health.test.ts;
    // the drill's health alarm (same namespace, fed by nothing, set to ALARM only by the drill) in silence-emulator.test.ts.
    const alarms = resources(stacks.security, 'aws_cloudwatch_metric_alarm')
      .map(([, a]) => a)
      .filter((a) => a.namespace === model.pipeline.metricNamespace && ![model.health.heartbeat.metricName, model.health.drillAlarm.metricName].includes(a.metric_name));
    expect(alarms.map((a) => a.alarm_name).sort()).toEqual(model.detections.filter((d) => d.metric).map((d) => d.metric!.alarmName).sort());
    for (const a of alarms) {
      expect(a).toEqual(expect.objectContaining({ threshold: 1, evaluation_periods: 1, period: 60, treat_missing_data: 'notBreaching' }));
      expect(a.alarm_description).toMatch(/Playbook: alarm-playbooks\.md#/);
    }
  });
});

describe('the configuration is the only input', () => {
  it('role name, principals and session length flow into every break-glass role', () => {
    const stacks = synthStacks(
      modelOf((c) => {
        c.breakGlass.roleName = 'emergency-admin';
        c.breakGlass.principals = [
          { arn: 'arn:aws:iam::111111111111:role/incident-commander', mfaDeviceArn: 'arn:aws:iam::111111111111:mfa/incident-commander', custody: 'vault "IC"' },
        ];
        // A role principal caps the session at 3600 (role chaining), which IAM's MaxSessionDuration floor also is.
        c.breakGlass.sessionDurationSeconds = 3600;
      }),
    );
    const roles = Object.entries(stacks)
      .filter(([n]) => n.startsWith('baseline-'))
      .map(([, s]) => resources(s, 'aws_iam_role').find(([id]) => id === 'break_glass_role')![1]);
    expect(roles).toHaveLength(7);
    for (const role of roles) {
      expect(role.name).toBe('emergency-admin');
      expect(role.max_session_duration).toBe(3600);
      expect(JSON.parse(role.assume_role_policy).Statement[0].Principal.AWS).toEqual(['arn:aws:iam::111111111111:role/incident-commander']);
    }
    const policies = stacks.management.resource.aws_organizations_policy as Record<string, { name: string; content: string }>;
    const protection = Object.values(policies).filter((p) => p.name.includes('monitoring-protection'));
    expect(protection.map((p) => p.content).join('\n')).toContain(':role/emergency-admin');
  });

  it('switching GuardDuty and Config off removes their resources and stacks', () => {
    const model = modelOf((c) => (c.monitoring = { guardDuty: false, config: false }));
    const stacks = synthStacks(model);
    expect(Object.keys(stacks)).not.toContain('config-rules');
    const all = JSON.stringify(stacks);
    expect(all).not.toContain('aws_guardduty');
    expect(all).not.toContain('aws_config_');
  });
});

describe('determinism and atomic output', () => {
  it('two runs produce byte-identical output, runbooks included', () => {
    const model = modelOf();
    const [a, b] = [tmp(), tmp()];
    writeOutput(model, { outdir: path.join(a, 'out') });
    writeOutput(modelOf(), { outdir: path.join(b, 'out') });
    const files = listFiles(path.join(a, 'out'));
    expect(files).toEqual(listFiles(path.join(b, 'out')));
    expect(files).toContain(path.join('runbooks', 'break-glass.md'));
    // As text: Jest compares Buffers element by element (about 30 s for the 675 KB HTML copy), strings at once.
    for (const f of files) expect({ f, bytes: fs.readFileSync(path.join(a, 'out', f), 'utf8') }).toEqual({ f, bytes: fs.readFileSync(path.join(b, 'out', f), 'utf8') });
  });

  it('a bad configuration exits 1 with the field named, no stack trace, and leaves the output untouched', () => {
    const dir = tmp();
    const config = path.join(dir, 'bad.yaml');
    const raw = exampleRaw();
    raw.accounts[3].id = '12345';
    fs.writeFileSync(config, JSON.stringify(raw));
    const outdir = path.join(dir, 'cdktf.out');
    fs.mkdirSync(outdir);
    fs.writeFileSync(path.join(outdir, 'previous.txt'), 'kept');
    const run = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(ROOT, 'main.ts')], {
      cwd: ROOT,
      env: { ...process.env, ROOTLOCK_CONFIG: config, CDKTF_OUTDIR: outdir },
      encoding: 'utf8',
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('accounts[3].id: "12345" is not a 12-digit AWS account id');
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(listFiles(outdir)).toEqual(['previous.txt']);
    expect(fs.readdirSync(dir).sort()).toEqual(['bad.yaml', 'cdktf.out']);
  });
});

describe('scale', () => {
  it('an organization of 1,000 accounts and 100 OUs validates and synthesizes', () => {
    const model = resolveModel(validateConfig(largeOrgConfig(1000, 100)));
    expect(model.allAccounts).toHaveLength(1001);
    const out = tmp();
    synthesize(model, out);
    expect(fs.readdirSync(path.join(out, 'stacks'))).toHaveLength(1004);
    const mgmt = JSON.parse(fs.readFileSync(path.join(out, 'stacks', 'management', 'cdk.tf.json'), 'utf8'));
    // Every OU carries the root-deny SCP and each monitoring-protection SCP.
    const scps = Object.entries(mgmt.resource.aws_organizations_policy).filter(([, p]: [string, any]) => p.type === 'SERVICE_CONTROL_POLICY').map(([k]) => k);
    expect(scps.length).toBeGreaterThanOrEqual(2);
    // ...and the root-coverage SCP sits once, at the root (RCP attachments are counted apart).
    const attachments = Object.keys(mgmt.resource.aws_organizations_policy_attachment).filter((k) => k.startsWith('scps_'));
    expect(attachments).toHaveLength(100 * (scps.length - 1));
    expect(Object.keys(mgmt.resource.aws_organizations_policy_attachment).filter((k) => k.startsWith('root_coverage'))).toHaveLength(1);
  });
});
