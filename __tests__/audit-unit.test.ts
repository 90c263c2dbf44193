/** The audit's pure parts: evaluation functions on hand-made states, policy normalisation, retries, concurrency, reports. */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { evaluateAccounts } from '../audit/accounts';
import * as http from 'http';
import type { AddressInfo } from 'net';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { clientConfig, mapLimit } from '../audit/aws';
import { CHECKS, checkDef, Result } from '../audit/checks';
import { parseArgs, progressReporter } from '../audit/cli';
import { normalizeDocument as normalizePolicy, sameDocument as samePolicy } from '../policies/judgement';
import { evaluateOrganization } from '../audit/organization';
import { OrgTree } from '../audit/org-tree';
import { evaluateConfigRecorders, evaluatePipeline, PipelineState } from '../audit/pipeline';
import { auditJsonSchema, exitCodeFor, renderJson, renderMarkdown } from '../audit/report';
import { evaluateRootCredentials } from '../audit/root-credentials';
import { renderSarif } from '../audit/sarif';
import { breakGlassTrustPolicy } from '../policies/break-glass';
import { scpSpecs } from '../policies/scp';
import { exampleModel } from './support/example';
import { validateSarif } from './support/sarif';

const model = exampleModel();
const statusOf = (results: Result[], check: string, resource?: string) => results.filter((r) => r.check === check && (!resource || r.resource.startsWith(resource))).map((r) => r.status);

describe('policy normalisation', () => {
  it('matches the synthesized trust policy as IAM returns it (URL-encoded, single values as strings, other key order)', () => {
    const doc = breakGlassTrustPolicy(model) as any;
    const asIam = JSON.parse(JSON.stringify(doc));
    asIam.Statement[1].Action = [...asIam.Statement[1].Action].reverse();
    asIam.Statement[3].Action = 'sts:AssumeRole';
    asIam.Statement[0].Principal.AWS = [...asIam.Statement[0].Principal.AWS].reverse();
    const encoded = encodeURIComponent(JSON.stringify({ Statement: asIam.Statement, Version: asIam.Version }));
    expect(samePolicy(encoded, doc)).toBe(true);
  });
  it('tells an added principal and a dropped condition apart', () => {
    const doc = breakGlassTrustPolicy(model) as any;
    const added = JSON.parse(JSON.stringify(doc));
    added.Statement[0].Principal.AWS.push('arn:aws:iam::111111111111:user/mallory');
    expect(samePolicy(added, doc)).toBe(false);
    const noMfa = JSON.parse(JSON.stringify(doc));
    delete noMfa.Statement[0].Condition.Bool;
    expect(samePolicy(noMfa, doc)).toBe(false);
    expect(normalizePolicy({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 'a:B', Resource: '*' } })).toEqual({
      Statement: [{ Action: ['a:B'], Effect: 'Allow', Resource: ['*'] }],
      Version: '2012-10-17',
    });
  });
});

describe('retries and concurrency', () => {
  it('leaves retries to the SDK in adaptive mode: a throttled call is retried, an access error is not', async () => {
    // A local endpoint that throttles the first two GetCallerIdentity calls the way STS does (HTTP 400, Throttling).
    let calls = 0;
    let denyAll = false;
    const server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        calls++;
        const error = (code: string) =>
          `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${code}</Message></Error><RequestId>r</RequestId></ErrorResponse>`;
        res.setHeader('content-type', 'text/xml');
        if (denyAll) return void res.writeHead(403).end(error('AccessDenied'));
        if (calls <= 2) return void res.writeHead(400).end(error('Throttling'));
        res.writeHead(200).end(
          '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::111111111111:root</Arn><UserId>111111111111</UserId><Account>111111111111</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetCallerIdentityResponse>',
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const config = clientConfig({ base: { endpoint, credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }, concurrency: 1 }, 'eu-west-1');
    expect(config).toMatchObject({ retryMode: 'adaptive' });
    const sts = new STSClient(config);
    try {
      expect((await sts.send(new GetCallerIdentityCommand({}))).Account).toBe('111111111111');
      expect(calls).toBe(3);
      denyAll = true;
      calls = 0;
      await expect(sts.send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({ name: 'AccessDenied' });
      expect(calls).toBe(1);
    } finally {
      sts.destroy();
      server.close();
    }
  });
  it('keeps at most `limit` calls in flight and the results in order', async () => {
    let inFlight = 0;
    let peak = 0;
    const out = await mapLimit(Array.from({ length: 50 }, (_, i) => i), 7, async (i) => {
      peak = Math.max(peak, ++inFlight);
      await new Promise((r) => setTimeout(r, (i * 7) % 5));
      inFlight--;
      return i * 2;
    });
    expect(peak).toBe(7);
    expect(out).toEqual(Array.from({ length: 50 }, (_, i) => i * 2));
  });
});

describe('command line', () => {
  it('parses formats and files, and rejects what it does not know', () => {
    expect(parseArgs(['--json', '--out', 'a.json', '--sarif-file', 'a.sarif', '--concurrency', '4'])).toEqual({
      format: 'json',
      out: 'a.json',
      files: [{ format: 'sarif', file: 'a.sarif' }],
      concurrency: 4,
    });
    expect(() => parseArgs(['--json', '--sarif'])).toThrow(/choose one/);
    expect(() => parseArgs(['--out'])).toThrow(/--out needs a value/);
    expect(() => parseArgs(['--concurrency', '0'])).toThrow(/from 1 to 64/);
    expect(() => parseArgs(['x'])).toThrow(/unexpected argument x/);
    expect(() => parseArgs(['--bogus'])).toThrow(/unknown option --bogus/);
  });
});

describe('progress', () => {
  it('one line per 10 % off a terminal, rewritten in place on one, silent for small organizations', () => {
    const lines: string[] = [];
    const pipe = { isTTY: false, write: (t: string) => lines.push(t) } as unknown as NodeJS.WriteStream;
    const report = progressReporter(pipe);
    for (let i = 1; i <= 1000; i++) report('accounts', i, 1000);
    expect(lines).toHaveLength(11);
    expect(lines[lines.length - 1]).toBe('rootlock audit: accounts 1000/1000\n');
    const tty: string[] = [];
    const term = progressReporter({ isTTY: true, write: (t: string) => tty.push(t) } as unknown as NodeJS.WriteStream);
    for (let i = 1; i <= 30; i++) term('accounts', i, 30);
    expect(tty[0]).toBe('\rrootlock audit: accounts 1/30');
    expect(tty[29]).toBe('\rrootlock audit: accounts 30/30\n');
    const small: string[] = [];
    const quiet = progressReporter({ isTTY: false, write: (t: string) => small.push(t) } as unknown as NodeJS.WriteStream);
    for (let i = 1; i <= 5; i++) quiet('accounts', i, 5);
    expect(small).toEqual([]);
  });
});

describe('evaluation', () => {
  it('organization: missing features and trusted access are findings; unreadable features are not checked', () => {
    const base = { id: 'o-a1b2c3d4e5', managementAccountId: model.management.id, featureSet: 'ALL', rootId: 'r-abcd', rootPolicyTypes: [{ type: 'SERVICE_CONTROL_POLICY', status: 'ENABLED' }] };
    const ok = evaluateOrganization(model, { ...base, trustedAccess: model.organization.servicePrincipals, iamFeatures: ['RootCredentialsManagement', 'RootSessions'] });
    expect(ok.filter((r) => r.status !== 'pass')).toEqual([]);
    const bad = evaluateOrganization(model, { ...base, featureSet: 'CONSOLIDATED_BILLING', rootPolicyTypes: [], trustedAccess: [], iamFeatures: ['RootSessions'] });
    expect(statusOf(bad, 'org-all-features')).toEqual(['fail']);
    expect(statusOf(bad, 'org-scp-policy-type')).toEqual(['fail']);
    expect(statusOf(bad, 'org-trusted-access', 'iam.amazonaws.com')).toEqual(['fail']);
    expect(statusOf(bad, 'org-root-credentials-management')).toEqual(['fail']);
    expect(statusOf(bad, 'org-root-sessions')).toEqual(['pass']);
    const unreadable = evaluateOrganization(model, { ...base, trustedAccess: [], iamFeatures: { error: 'AccessDenied: no' } });
    expect(statusOf(unreadable, 'org-root-sessions')).toEqual(['not-checked']);
  });

  it('accounts: exempt OUs, adopted OUs by id, a wrong OU, SCPs inherited from the root', () => {
    const m = exampleModel((c) => {
      c.organizationalUnits = [
        { name: 'Security', id: 'ou-abcd-11111111' },
        { name: 'Workloads', parent: 'root' },
        { name: 'Prod', parent: 'Workloads' },
        { name: 'Suspended', parent: 'root' },
      ];
      c.accounts = [
        { id: '222222222222', name: 'security-tooling', ou: 'Security' },
        { id: '333333333333', name: 'payments-prod', ou: 'Prod' },
        { id: '444444444444', name: 'old', ou: 'Suspended', rootDenyExemptionAcknowledged: true },
        { id: '555555555555', name: 'misplaced', ou: 'Prod' },
      ];
      c.securityAccount = 'security-tooling';
      c.exemptions = [{ ou: 'Suspended', reason: 'closed accounts awaiting deletion' }];
    });
    const tree: OrgTree = {
      rootId: 'r-root',
      ous: new Map([
        ['ou-abcd-11111111', { name: 'Security', parentId: 'r-root' }],
        ['ou-w', { name: 'Workloads', parentId: 'r-root' }],
        ['ou-p', { name: 'Prod', parentId: 'ou-w' }],
        ['ou-s', { name: 'Suspended', parentId: 'r-root' }],
      ]),
      accounts: [
        { id: m.management.id, name: 'mgmt', status: 'ACTIVE', parentId: 'r-root' },
        { id: '222222222222', name: 'security-tooling', status: 'ACTIVE', parentId: 'ou-abcd-11111111' },
        { id: '333333333333', name: 'payments-prod', status: 'ACTIVE', parentId: 'ou-p' },
        { id: '444444444444', name: 'old', status: 'ACTIVE', parentId: 'ou-s' },
        { id: '555555555555', name: 'misplaced', status: 'ACTIVE', parentId: 'ou-w' },
      ],
      scps: new Map([
        ['r-root', scpSpecs(m).filter((p) => p.key.startsWith('monitoring_protection')).map((p) => p.name)],
        ['ou-abcd-11111111', [m.scps.rootDeny.name]],
        ['ou-w', [m.scps.rootDeny.name]],
      ]),
    };
    const results = evaluateAccounts(m, tree, [
      { accountId: '222222222222', breakGlassTrust: JSON.stringify(breakGlassTrustPolicy(m)) },
      { accountId: '333333333333', breakGlassTrust: null },
      { accountId: '444444444444', error: 'cannot assume' },
    ]);
    expect(results.filter((r) => r.status !== 'pass').map((r) => `${r.check} ${r.status} ${r.resource.slice(0, 12)}`).sort()).toEqual([
      'account-break-glass-role fail 333333333333',
      'account-break-glass-role not-checked 444444444444',
      'account-ou-path fail 555555555555',
    ]);
    expect(results.find((r) => r.check === 'account-root-deny-scp' && r.resource.startsWith('444444444444'))!.detail).toMatch(/^Exempt by configuration/);
  });

  it('root credentials: each kind is its own finding; a refused AssumeRoot is not checked, never a pass', () => {
    const results = evaluateRootCredentials([
      { accountId: '333333333333', name: 'a', loginProfile: false, accessKeys: [], certificates: ['C1 (Active)'], mfaDevices: ['arn:aws:iam::333333333333:mfa/root'] },
      { accountId: '444444444444', name: 'b', error: 'sts:AssumeRoot refused: AccessDenied' },
    ]);
    expect(results.filter((r) => r.status !== 'pass').map((r) => [r.check, r.status, checkDef(r.check).severity])).toEqual([
      ['root-signing-certificates', 'fail', 'high'],
      ['root-mfa-devices', 'fail', 'medium'],
      ['root-login-profile', 'not-checked', 'high'],
      ['root-access-keys', 'not-checked', 'high'],
      ['root-signing-certificates', 'not-checked', 'high'],
      ['root-mfa-devices', 'not-checked', 'medium'],
    ]);
  });

  it('pipeline: stale or failing delivery, disabled and firing alarms, pending subscriptions, queued alerts, GuardDuty off', () => {
    const now = new Date('2026-06-01T12:00:00Z');
    const alarmNames = model.detections.filter((d) => d.metric).map((d) => d.metric!.alarmName);
    const compliance = new Set(model.detections.filter((d) => d.metric?.route === 'compliance').map((d) => d.metric!.alarmName));
    const topicOf = (name: string) => (compliance.has(name) ? model.compliance.topicArn : model.pipeline.topicArn);
    const healthy: PipelineState = {
      trail: { found: true, isLogging: true, latestLogsDelivery: new Date('2026-06-01T11:00:00Z') },
      // As the stacks route them: the CIS alarm to the compliance topic, every other metric alarm to the alert topic.
      alarms: alarmNames.map((name) => ({ name, actionsEnabled: true, alarmActions: [topicOf(name)], state: 'OK' })),
      subscriptions: model.pipeline.subscriptions.map((s) => ({ ...s, pending: false })),
      deadLetterQueues: [{ name: model.pipeline.deadLetterQueueName, depth: 0 }],
      guardDuty: ['ENABLED'],
    };
    expect(evaluatePipeline(model, healthy, now).filter((r) => r.status !== 'pass')).toEqual([]);
    // A compliance alarm sent to the pager (or the reverse) is a mis-route.
    const swapped = evaluatePipeline(model, { ...healthy, alarms: alarmNames.map((name) => ({ name, actionsEnabled: true, alarmActions: [model.pipeline.topicArn], state: 'OK' })) }, now);
    expect(swapped.filter((r) => r.status === 'fail').map((r) => r.resource)).toEqual(model.detections.filter((d) => d.metric?.route === 'compliance').map((d) => d.metric!.alarmName));
    const stale = evaluatePipeline(model, { ...healthy, trail: { found: true, isLogging: true, latestLogsDelivery: new Date('2026-05-31T11:59:00Z') } }, now);
    expect(stale.find((r) => r.check === 'pipeline-trail-delivery')).toMatchObject({ status: 'fail', detail: expect.stringContaining('2026-05-31T11:59:00.000Z') });
    const broken = evaluatePipeline(
      model,
      {
        trail: { found: true, isLogging: false, latestLogsDeliveryError: 'AccessDenied' },
        alarms: [{ name: alarmNames[0], actionsEnabled: true, alarmActions: [model.pipeline.topicArn], state: 'ALARM' }],
        subscriptions: [{ ...model.pipeline.subscriptions[0], pending: true }],
        deadLetterQueues: [{ name: model.pipeline.deadLetterQueueName, depth: 3 }],
        guardDuty: ['DISABLED'],
      },
      now,
    );
    expect(statusOf(broken, 'pipeline-trail-logging')).toEqual(['fail']);
    expect(statusOf(broken, 'pipeline-trail-delivery')).toEqual(['fail']);
    expect(statusOf(broken, 'pipeline-alarm-state')).toEqual(['fail']);
    expect(statusOf(broken, 'pipeline-alarm-actions').filter((s) => s === 'fail')).toHaveLength(alarmNames.length - 1);
    expect(statusOf(broken, 'pipeline-subscriptions')).toEqual(model.pipeline.subscriptions.map(() => 'fail'));
    expect(broken.find((r) => r.check === 'pipeline-dead-letter-queue')!.detail).toBe('3 undelivered message(s).');
    expect(statusOf(broken, 'pipeline-guardduty')).toEqual(['fail']);
    const unreadable = evaluatePipeline(model, { ...healthy, alarms: { error: 'AccessDenied' }, deadLetterQueues: [{ name: 'q', depth: null }] }, now);
    expect(new Set(statusOf(unreadable, 'pipeline-alarm-actions'))).toEqual(new Set(['not-checked']));
    expect(statusOf(unreadable, 'pipeline-dead-letter-queue')).toEqual(['fail']);
  });

  it('config recorders: stopped or missing is a finding, unreadable is not checked', () => {
    const [a, b, c] = model.allAccounts;
    const results = evaluateConfigRecorders(model, [
      { accountId: a.id, configRecorders: [true] },
      { accountId: b.id, configRecorders: [] },
      { accountId: c.id, configRecorders: { error: 'AccessDenied' } },
    ]);
    expect(results.map((r) => r.status)).toEqual(['pass', 'fail', 'not-checked']);
  });
});

describe('reports', () => {
  const results: Result[] = [
    { check: 'root-access-keys', status: 'fail', resource: '333333333333 (payments | prod)', detail: 'The root user has 1 access key(s): AKIA1 (Active).' },
    { check: 'pipeline-subscriptions', status: 'fail', resource: 'https:https://events.example.com/x', detail: 'Pending confirmation: see https://events.example.com/x <now>.' },
    { check: 'account-break-glass-role', status: 'not-checked', resource: '444444444444 (b)', detail: 'cannot assume arn:aws:iam::444444444444:role/x' },
    { check: 'org-root-sessions', status: 'pass', resource: 'organization o-a1b2c3d4e5', detail: 'RootSessions is enabled.' },
  ];
  const outcome = { organizationId: 'o-a1b2c3d4e5', accounts: 3, results };

  it('exit code 2 only with a high finding', () => {
    expect(exitCodeFor(results)).toBe(2);
    expect(exitCodeFor(results.filter((r) => r.check !== 'root-access-keys' && r.check !== 'pipeline-subscriptions'))).toBe(0);
  });

  it('JSON matches its schema; SARIF passes the 2.1.0 structural checks, and the validator is live', () => {
    expect(auditJsonSchema.safeParse(JSON.parse(renderJson(outcome))).success).toBe(true);
    const sarif = JSON.parse(renderSarif(outcome, 'examples/example-org.yaml'));
    expect(validateSarif(sarif)).toEqual([]);
    expect(sarif.runs[0].tool.driver.rules).toHaveLength(CHECKS.length);
    expect(sarif.runs[0].results.map((r: any) => [r.ruleId, r.level, r.kind])).toEqual([
      ['root-access-keys', 'error', 'fail'],
      ['pipeline-subscriptions', 'error', 'fail'],
      ['account-break-glass-role', 'none', 'review'],
    ]);
    const broken = JSON.parse(JSON.stringify(sarif));
    broken.version = '2.0.0';
    broken.runs[0].results[0].ruleId = 'nope';
    broken.runs[0].results[2].level = 'warning';
    expect(validateSarif(broken)).toHaveLength(4);
  });

  it('markdown passes markdownlint with the repository configuration, pipes and URLs included', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rootlock-audit-md-'));
    const file = path.join(dir, 'audit.md');
    fs.writeFileSync(file, renderMarkdown(outcome, 'examples/example-org.yaml'));
    const root = path.join(__dirname, '..');
    const lint = spawnSync(path.join(root, 'node_modules', '.bin', 'markdownlint-cli2'), ['--config', path.join(root, '.markdownlint-cli2.jsonc'), file], { cwd: root, encoding: 'utf8' });
    expect({ status: lint.status, out: lint.stdout + lint.stderr }).toEqual({ status: 0, out: expect.any(String) });
    fs.writeFileSync(file, `${renderMarkdown(outcome, 'x')}#bad heading\n`);
    expect(spawnSync(path.join(root, 'node_modules', '.bin', 'markdownlint-cli2'), ['--config', path.join(root, '.markdownlint-cli2.jsonc'), file], { cwd: root }).status).not.toBe(0);
  });
});
