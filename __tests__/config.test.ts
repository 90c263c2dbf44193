import * as fs from 'fs';
import * as path from 'path';
import fc from 'fast-check';
import { DEFAULT_CONFIG, loadConfigFile, validateConfig } from '../config/load';
import { ConfigError, formatProblem } from '../config/errors';
import { configJsonSchema } from '../config/json-schema';
import { exampleRaw, problemsOf } from './support/example';
import { resolveModel } from '../config/model';
import { spawnSync } from 'child_process';

const example = exampleRaw;


describe('the bundled example', () => {
  it('validates', () => {
    const config = loadConfigFile(DEFAULT_CONFIG);
    expect(config.accounts.length).toBeGreaterThanOrEqual(5);
    expect(config.organizationalUnits.length).toBeGreaterThanOrEqual(3);
  });
});

// Each rule: a bad configuration and the exact message a user sees.
const rules: Array<[string, (c: any) => void, string]> = [
  ['account id format', (c) => (c.accounts[3].id = '12345'), 'accounts[3].id: "12345" is not a 12-digit AWS account id'],
  ['account id as number', (c) => (c.accounts[0].id = 222222222222), 'accounts[0].id: 222222222222 must be a 12-digit AWS account id in quotes'],
  ['management account id', (c) => (c.organization.managementAccountId = 'abc'), 'organization.managementAccountId: "abc" is not a 12-digit AWS account id'],
  ['region', (c) => (c.organization.homeRegion = 'europe'), 'organization.homeRegion: "europe" is not an AWS region name such as "eu-west-1"'],
  ['organization id', (c) => (c.organization.existingOrganizationId = 'org-1'), 'organization.existingOrganizationId: "org-1" is not an organization id such as "o-a1b2c3d4e5"'],
  ['unknown field', (c) => (c.breakGlass.mfaAge = 5), 'breakGlass.mfaAge: is not a known field: check its spelling against the configuration reference in README.md'],
  ['missing section', (c) => delete c.custody, 'custody: missing: a mapping is required'],
  ['account OU exists', (c) => (c.accounts[2].ou = 'Prodd'), 'accounts[2].ou: "Prodd" is not an OU in organizationalUnits (known: Security, Workloads, Prod, Dev, Sandbox, Suspended)'],
  ['duplicate account id', (c) => (c.accounts[1].id = c.accounts[0].id), 'accounts[1].id: "222222222222" duplicates accounts[0].id: each account id must be unique'],
  [
    'duplicate account name',
    (c) => (c.accounts[2].name = 'Web_Prod'),
    'accounts[3].name: "web-prod" duplicates accounts[2].name: each account name (ignoring case and punctuation) must be unique',
  ],
  ['duplicate OU name', (c) => (c.organizationalUnits[3].name = 'prod'), 'organizationalUnits[3].name: "prod" duplicates organizationalUnits[2].name: each OU name (ignoring case and punctuation) must be unique'],
  ['MFA age too high', (c) => (c.breakGlass.mfaMaxAgeSeconds = 3601), 'breakGlass.mfaMaxAgeSeconds: 3601 must be within 1..3600 seconds'],
  ['MFA age zero', (c) => (c.breakGlass.mfaMaxAgeSeconds = 0), 'breakGlass.mfaMaxAgeSeconds: 0 must be within 1..3600 seconds'],
  ['session too short', (c) => (c.breakGlass.sessionDurationSeconds = 1800), "breakGlass.sessionDurationSeconds: 1800 must be within the IAM role limits 3600..43200 seconds (a role's maximum session is 1 to 12 hours; callers may still ask for shorter sessions)"],
  ['session too long', (c) => (c.breakGlass.sessionDurationSeconds = 43201), "breakGlass.sessionDurationSeconds: 43201 must be within the IAM role limits 3600..43200 seconds (a role's maximum session is 1 to 12 hours; callers may still ask for shorter sessions)"],
  [
    'whole account as principal',
    (c) => (c.breakGlass.principals[0].arn = 'arn:aws:iam::111111111111:root'),
    'breakGlass.principals[0].arn: "arn:aws:iam::111111111111:root" is not an IAM user or role ARN (a whole account or a wildcard is never allowed)',
  ],
  ['no principals', (c) => (c.breakGlass.principals = []), 'breakGlass.principals: [] needs at least one named IAM user or role ARN'],
  [
    'principal as a plain ARN string',
    (c) => (c.breakGlass.principals[0] = 'arn:aws:iam::111111111111:user/breakglass-alice'),
    'breakGlass.principals[0]: "arn:aws:iam::111111111111:user/breakglass-alice" must be a mapping',
  ],
  [
    'principal without MFA device',
    (c) => delete c.breakGlass.principals[1].mfaDeviceArn,
    'breakGlass.principals[1].mfaDeviceArn: missing: a string is required',
  ],
  [
    'principal with a bad MFA device ARN',
    (c) => (c.breakGlass.principals[0].mfaDeviceArn = 'GAHT12345678'),
    'breakGlass.principals[0].mfaDeviceArn: "GAHT12345678" is not an MFA device ARN such as "arn:aws:iam::111111111111:mfa/breakglass-alice"',
  ],
  [
    'principal without custody',
    (c) => (c.breakGlass.principals[0].custody = ' '),
    'breakGlass.principals[0].custody: "" must not be empty: give where this principal\'s own credentials (password or access key) are kept',
  ],
  [
    'assumed-role session as principal',
    (c) => (c.breakGlass.principals[0].arn = 'arn:aws:sts::111111111111:assumed-role/admin/alice'),
    'breakGlass.principals[0].arn: "arn:aws:sts::111111111111:assumed-role/admin/alice" is a role session (assumed-role), not a principal: a session ends, and MFA-protected AssumeRole needs the calling IAM user\'s own MFA device; name the IAM user that breaks glass (arn:aws:iam::<account>:user/<name>)',
  ],
  [
    'IAM Identity Center role as principal',
    (c) => (c.breakGlass.principals[1].arn = 'arn:aws:iam::111111111111:role/AWSReservedSSO_AdministratorAccess_0123456789abcdef'),
    'breakGlass.principals[1].arn: "arn:aws:iam::111111111111:role/AWSReservedSSO_AdministratorAccess_0123456789... is an IAM Identity Center role: its sessions come from single sign-on (SAML) and carry no MFA context, so they can never pass the break-glass MFA condition, and break glass is needed exactly when single sign-on is down; name a dedicated IAM user with its own MFA device instead',
  ],
  [
    'IAM Identity Center role with its path as principal',
    (c) => (c.breakGlass.principals[0].arn = 'arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Admin_0123456789abcdef'),
    'breakGlass.principals[0].arn: "arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSR... is an IAM Identity Center role: its sessions come from single sign-on (SAML) and carry no MFA context, so they can never pass the break-glass MFA condition, and break glass is needed exactly when single sign-on is down; name a dedicated IAM user with its own MFA device instead',
  ],
  [
    'role principal with a session longer than role chaining allows',
    (c) => {
      c.breakGlass.principals[1].arn = 'arn:aws:iam::111111111111:role/incident-commander';
      c.breakGlass.sessionDurationSeconds = 7200;
    },
    'breakGlass.sessionDurationSeconds: 7200 is longer than 3600 seconds while arn:aws:iam::111111111111:role/incident-commander is a role: a role session assuming a role (role chaining) is capped at one hour and STS rejects a longer --duration-seconds; set at most 3600 or use IAM user principals only',
  ],
  [
    'only approver holds the MFA device',
    (c) => {
      c.responders[2].custody = [];
      c.responders[1].custody = ['mfa-device', 'approver'];
    },
    'responders: no approver holds neither the root password nor the MFA device (approvers: Bob Example): an approver who holds a secret approves their own use, so the two-person rule can never be met; add "approver" to the custody of a responder who holds neither',
  ],
  [
    'no approver at all',
    (c) => (c.responders[2].custody = []),
    'responders: no approver holds neither the root password nor the MFA device (no approver at all): an approver who holds a secret approves their own use, so the two-person rule can never be met; add "approver" to the custody of a responder who holds neither',
  ],
  [
    'custodian without phone',
    (c) => delete c.responders[1].contact.phone,
    'responders[1].contact.phone: missing: Bob Example holds mfa-device and must be reachable by a call at 3 a.m.; add a phone number such as "+44 20 7946 0001"',
  ],
  [
    'approver without phone',
    (c) => delete c.responders[2].contact.phone,
    'responders[2].contact.phone: missing: Carol Example holds approver and must be reachable by a call at 3 a.m.; add a phone number such as "+44 20 7946 0001"',
  ],
  ['phone not international', (c) => (c.responders[0].contact.phone = '020 7946 0001'), 'responders[0].contact.phone: "020 7946 0001" is not an international phone number such as "+44 20 7946 0001"'],
  ['contact as free text', (c) => (c.responders[0].contact = 'alice@example.com'), 'responders[0].contact: "alice@example.com" must be a mapping'],
  ['contact email', (c) => (c.responders[0].contact.email = 'alice'), 'responders[0].contact.email: "alice" is not an email address'],
  [
    'duplicate principal',
    (c) => (c.breakGlass.principals[1].arn = c.breakGlass.principals[0].arn),
    'breakGlass.principals[1].arn: "arn:aws:iam::111111111111:user/breakglass-alice" duplicates breakGlass.principals[0].arn: each principal must be unique',
  ],
  [
    'exemption without reason',
    (c) => (c.exemptions[0].reason = ''),
    'exemptions[0].reason: "": OU "Suspended" would be left without the root-deny SCP and no reason is written; give the reason a reviewer can check (10+ characters) or remove the exemption',
  ],
  ['exemption of unknown OU', (c) => (c.exemptions[0].ou = 'Gone'), 'exemptions[0].ou: "Gone" is not an OU in organizationalUnits'],
  [
    'one responder',
    (c) => (c.responders = [c.responders[0]]),
    'responders: has 1 responder(s): the two-person rule needs at least two, one holding the root password and another the MFA device',
  ],
  [
    'one person holds both secrets',
    (c) => (c.responders[0].custody = ['root-password', 'mfa-device']),
    'responders[0].custody: ["root-password","mfa-device"]: Alice Example would hold both the root password and the MFA device; give them to two different people',
  ],
  [
    'nobody holds the MFA device',
    (c) => {
      c.responders[1].custody = ['approver'];
      c.responders[4].custody = [];
    },
    'responders: nobody holds "mfa-device": add it to one responder\'s custody (and the other secret to another responder)',
  ],
  [
    'a FIDO security key as a break-glass MFA device',
    (c) => (c.breakGlass.principals[0].mfaDeviceArn = 'arn:aws:iam::111111111111:u2f/user/breakglass-alice/yubikey-ABCDEFGHIJKLMNOP'),
    'breakGlass.principals[0].mfaDeviceArn: "arn:aws:iam::111111111111:u2f/user/breakglass-alice/yubikey-ABCDEFGHIJKLMNOP" is a FIDO security key (u2f): sts assume-role needs a one-time code (--token-code) and a FIDO key gives none, so this principal could never break glass; register a virtual or hardware TOTP device on arn:aws:iam::111111111111:user/breakglass-alice (its ARN has ":mfa/") and name it here (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_configure-api-require.html)',
  ],
  [
    'the root password without a deputy',
    (c) => (c.responders[3].custody = ['root-mailbox']),
    'responders: only Alice Example holds the root password ("root-password"): when they cannot be reached nobody can sign in as the management account root user; give "root-password" to a second responder who holds no "mfa-device" (a deputy with their own copy in the vault)',
  ],
  [
    'one root MFA device, no second one with a deputy',
    (c) => (c.responders[4].custody = []),
    'responders: only Bob Example holds a root MFA device ("mfa-device"): when they cannot be reached nobody can sign in as the management account root user; register a second MFA device on the management account root user (up to 8 are allowed) and give it to a deputy who holds no "root-password"; add "mfa-device" to their custody',
  ],
  [
    'nobody owns the root mailbox',
    (c) => {
      c.responders[0].custody = ['root-password'];
      c.responders[3].custody = ['root-password'];
    },
    'responders: nobody owns the management account root mailbox ("root-mailbox"): AWS sends the root password reset link and account notices there, and the recovery procedure needs its owner; add "root-mailbox" to the custody of the responder who controls that address (not an MFA device holder)',
  ],
  [
    'the root mailbox owner holds an MFA device',
    (c) => (c.responders[4].custody = ['mfa-device', 'root-mailbox']),
    'responders[4].custody: ["mfa-device","root-mailbox"]: Erin Example would own the root mailbox and hold a root MFA device, enough to reset the root password and sign in alone; give the mailbox to someone who holds no MFA device',
  ],
  ['no alert destination', (c) => (c.alerts = { emails: [], httpsEndpoints: [] }), 'alerts: has no destination: add at least one of alerts.emails or alerts.httpsEndpoints, or root use pages nobody'],
  ['http endpoint', (c) => (c.alerts.httpsEndpoints = ['http://pager.example.com']), 'alerts.httpsEndpoints[0]: "http://pager.example.com" is not an https:// URL'],
  ['bad email', (c) => (c.alerts.emails = ['oncall']), 'alerts.emails[0]: "oncall" is not an email address'],
  ['security account exists', (c) => (c.securityAccount = 'sec'), 'securityAccount: "sec" is not the name of an account in accounts (known: security-tooling, log-archive, payments-prod, web-prod, payments-dev, sandbox-alice)'],
  ['management account listed as member', (c) => (c.accounts[5].id = '111111111111'), 'accounts[5].id: "111111111111" is the management account: list only member accounts here'],
  ['created OU without parent', (c) => delete c.organizationalUnits[1].parent, 'organizationalUnits[1].parent: missing: an OU to create needs a parent ("root" or another OU\'s name), or an id to adopt it'],
  ['unknown parent', (c) => (c.organizationalUnits[2].parent = 'Nowhere'), 'organizationalUnits[2].parent: "Nowhere" is neither "root" nor an OU in organizationalUnits'],
  [
    'parent cycle',
    (c) => (c.organizationalUnits[1].parent = 'Prod'),
    'organizationalUnits[1].parent: "Prod" makes a cycle (Workloads -> Prod -> Workloads)',
  ],
  ['retention', (c) => (c.logging.retentionDays = 42), 'logging.retentionDays: 42 is not a CloudWatch Logs retention (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)'],
  ['reserved account name', (c) => (c.accounts[5].name = 'Management'), 'accounts[5].name: "Management" is reserved for the management account\'s baseline stack: rename the member account'],
  ['state backend', (c) => (c.state = { backend: 'gcs' }), 'state.backend: "gcs" must be { backend: local } or { backend: s3, bucket, region }'],
];

describe('validation names the field, the value and the fix', () => {
  it.each(rules)('%s', (_name, mutate, message) => {
    expect(problemsOf(mutate)).toContain(message);
  });

  it('reports every problem at once, not only the first', () => {
    const problems = problemsOf((c) => {
      c.accounts[0].id = '1';
      c.breakGlass.mfaMaxAgeSeconds = 0;
    });
    expect(problems).toHaveLength(2);
  });

  it('reports a YAML syntax error with the file name', () => {
    const file = path.join(fs.mkdtempSync('/tmp/rootlock-'), 'bad.yaml');
    fs.writeFileSync(file, 'organization: [unclosed\n');
    expect(() => loadConfigFile(file)).toThrow(ConfigError);
    expect(() => loadConfigFile(file)).toThrow(/bad\.yaml: 1 configuration problem\(s\):\n {2}- is not valid YAML\/JSON/);
  });

  it('reads a JSON configuration natively to the same value as through the YAML parser', () => {
    const { plainJson } = require('../config/load') as typeof import('../config/load');
    const { parse } = require('yaml') as typeof import('yaml');
    const tricky = { a: 'quote " colon: brace { bracket [ backslash \\', b: [{ a: 1 }, { a: 2, b: { a: null } }], 'é "k"': [true, false, 1.5, -2, 1e21], c: '' };
    for (const value of [example(), tricky]) {
      for (const text of [JSON.stringify(value), JSON.stringify(value, null, 2)]) {
        expect(plainJson(text)).toEqual(value);
        expect(plainJson(text)).toEqual(parse(text));
      }
    }
    // YAML, invalid JSON and a top-level scalar go to the YAML parser.
    for (const text of ['organization: {}\n', '{"a": 1,}', '"just a string"', '']) expect(plainJson(text)).toBeUndefined();
  });

  it('refuses a JSON configuration that repeats a key in one object, as for YAML (JSON.parse would take the last)', () => {
    const { plainJson } = require('../config/load') as typeof import('../config/load');
    expect(plainJson('{"a": {"x": 1}, "b": {"x": 2}, "c": [{"x": 1}, {"x": 2}]}')).toEqual({ a: { x: 1 }, b: { x: 2 }, c: [{ x: 1 }, { x: 2 }] });
    expect(plainJson('{"a": 1, "b": {"x": 1, "y": "\\"x\\":"}}')).toEqual({ a: 1, b: { x: 1, y: '"x":' } });
    expect(plainJson('{"a": 1, "b": {"x": 1, "x" : 2}}')).toBeUndefined();
    expect(plainJson('{"a": 1, "\\u0061": 2}')).toBeUndefined();
    const file = path.join(fs.mkdtempSync('/tmp/rootlock-'), 'twice.json');
    const text = JSON.stringify(example(), null, 2);
    fs.writeFileSync(file, text.replace('"organization": {', '"securityAccount": "other",\n  "organization": {'));
    expect(() => loadConfigFile(file)).toThrow(/twice\.json: 1 configuration problem\(s\):\n {2}- is not valid YAML\/JSON: Map keys must be unique/);
  });

  it('reports a missing file with the fix', () => {
    expect(() => loadConfigFile('/nonexistent/rootlock.yaml')).toThrow('cannot read the configuration file (ENOENT): set ROOTLOCK_CONFIG to an existing YAML or JSON file');
  });
});

describe('warnings: accepted, but worth a reviewer\'s attention', () => {
  const { crossWarnings } = require('../config/cross-checks') as typeof import('../config/cross-checks');
  it('a role principal is accepted with a warning that names it and why', () => {
    const c = example();
    c.breakGlass.principals[1].arn = 'arn:aws:iam::111111111111:role/incident-commander';
    const config = validateConfig(c);
    expect(crossWarnings(config).map(formatProblem)).toEqual([
      'breakGlass.principals[1].arn: "arn:aws:iam::111111111111:role/incident-commander" is a role: it can break glass only from a session that already carries MFA (role chaining, at most 3600 seconds) and only while whatever signs in to that role works; an IAM user with its own MFA device is the dependable choice',
    ]);
  });
  it('IAM users give no warning', () => {
    expect(crossWarnings(validateConfig(example()))).toEqual([]);
  });
});

describe('validation never throws anything but its own error', () => {
  const keys = ['organization', 'accounts', 'organizationalUnits', 'breakGlass', 'responders', 'custody', 'alerts', 'exemptions', 'logging', 'state', 'monitoring'];

  it('on random values', () => {
    fc.assert(
      fc.property(fc.anything(), (raw) => {
        try {
          validateConfig(raw);
        } catch (e) {
          return e instanceof ConfigError && e.problems.length > 0;
        }
        return true;
      }),
      { numRuns: 300 },
    );
  });

  it('on mutated example configurations', () => {
    const paths = (obj: any, prefix: (string | number)[] = []): (string | number)[][] =>
      obj && typeof obj === 'object'
        ? Object.keys(obj).flatMap((k) => {
            const key = Array.isArray(obj) ? Number(k) : k;
            return [[...prefix, key], ...paths(obj[k], [...prefix, key])];
          })
        : [];
    const allPaths = paths(example());
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...allPaths), fc.anything()), { minLength: 1, maxLength: 4 }), fc.subarray(keys), (mutations, deletions) => {
        const c = example();
        for (const [p, value] of mutations) {
          let cursor = c;
          for (const k of p.slice(0, -1)) cursor = cursor?.[k];
          if (cursor && typeof cursor === 'object') cursor[p[p.length - 1]] = value;
        }
        for (const k of deletions) delete c[k];
        try {
          validateConfig(c);
        } catch (e) {
          if (!(e instanceof ConfigError)) throw e;
          for (const p of e.problems) expect(p.message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 400 },
    );
  });
});

describe('JSON Schema for editors', () => {
  it('is committed and current (regenerate with npm run schema)', () => {
    const committed = fs.readFileSync(path.join(__dirname, '..', 'schema', 'rootlock.schema.json'), 'utf8');
    expect(committed).toBe(configJsonSchema());
  });

  it('describes every top-level field of the configuration', () => {
    const schema = JSON.parse(configJsonSchema());
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['organization', 'accounts', 'breakGlass', 'responders', 'custody', 'alerts', 'exemptions']));
  });
});

describe('exemptions with inheritance and accounts left alone (placement)', () => {
  const childExemption = (c: any) => {
    c.exemptions.push({ ou: 'Prod', reason: 'legacy payments root user still in use' });
    // Accounts declared in an exempt OU are acknowledged (root-coverage.test.ts proves the acknowledgement rule).
    for (const a of c.accounts.filter((x: any) => x.ou === 'Prod')) a.rootDenyExemptionAcknowledged = true;
  };
  const CHILD_MESSAGE =
    'exemptions[1].ou: "Prod" is below "Workloads", which carries the root-deny SCP: the SCP is inherited, so this exemption cannot take effect. Exempt "Workloads" too, or give "Prod" a parent without the root-deny SCP ("root" or an exempt OU)';

  it('rejects exempting a child OU whose parent carries the root-deny SCP, naming the field, the ancestor and the fix', () => {
    expect(problemsOf(childExemption)).toEqual([CHILD_MESSAGE]);
  });

  it('accepts it once every ancestor is exempt too, and then no rootlock root-deny reaches its accounts', () => {
    const raw = example();
    childExemption(raw);
    raw.exemptions.push({ ou: 'Workloads', reason: 'whole workload tree keeps root for the migration, ticket SEC-7' });
    const model = resolveModel(validateConfig(raw));
    const payments = model.placement.accounts.find((a) => a.name === 'payments-prod');
    expect(payments!.scps.map((s) => s.name)).toEqual([model.scps.monitoringProtection.name]);
  });

  it('shows the SCPs that really reach each account: its OU or inherited from an ancestor', () => {
    const model = resolveModel(validateConfig(example()));
    const payments = model.placement.accounts.find((a) => a.name === 'payments-prod');
    expect(payments!.scps).toEqual([
      { name: model.scps.rootDeny.name, attachedTo: 'Workloads/Prod', inherited: false },
      { name: model.scps.monitoringProtection.name, attachedTo: 'Workloads/Prod', inherited: false },
    ]);
  });

  it('main.ts exits 1 on a child exemption, names it, and writes nothing', () => {
    const dir = fs.mkdtempSync('/tmp/rootlock-');
    const config = path.join(dir, 'child-exemption.yaml');
    const raw = example();
    childExemption(raw);
    fs.writeFileSync(config, JSON.stringify(raw));
    const outdir = path.join(dir, 'cdktf.out');
    const root = path.join(__dirname, '..');
    const run = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(root, 'main.ts')], {
      cwd: root,
      env: { ...process.env, ROOTLOCK_CONFIG: config, CDKTF_OUTDIR: outdir },
      encoding: 'utf8',
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(CHILD_MESSAGE);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(fs.existsSync(outdir)).toBe(false);
  });

  const unmanaged: Array<[string, (c: any) => void, string]> = [
    ['without a reason', (c) => (c.unmanagedAccounts = [{ id: '888888888888' }]), 'unmanagedAccounts[0].reason: missing: account "888888888888" would be left outside the root-deny SCP with no reason written; give the reason a reviewer can check (10+ characters), or declare it under accounts'],
    ['also declared', (c) => (c.unmanagedAccounts = [{ id: '444444444444', reason: 'run by another team' }]), 'unmanagedAccounts[0].id: "444444444444" is also declared as accounts[2]: an account is either placed by rootlock or left alone, remove one of the two'],
    ['the management account', (c) => (c.unmanagedAccounts = [{ id: '111111111111', reason: 'the payer account' }]), 'unmanagedAccounts[0].id: "111111111111" is the management account: it is never placed or covered by SCPs, remove it'],
    ['unknown policy type', (c) => (c.organization.keepPolicyTypes = ['TAGS']), 'organization.keepPolicyTypes[0]: "TAGS" must be one of SERVICE_CONTROL_POLICY, RESOURCE_CONTROL_POLICY, TAG_POLICY, BACKUP_POLICY, AISERVICES_OPT_OUT_POLICY, CHATBOT_POLICY, DECLARATIVE_POLICY_EC2'],
  ];
  it.each(unmanaged)('unmanagedAccounts / keepPolicyTypes: %s', (_name, mutate, message) => {
    expect(problemsOf(mutate)).toContain(message);
  });
});
