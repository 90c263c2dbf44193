/**
 * The pure parts of the deployed-state audit: the one semantic normalizer (policies/judgement.ts), the expected state
 * read generically from a real synth of the example, and the attribute comparison with placeholders for values AWS
 * generates. The live side is proven against a Terraform-applied stack in audit-deployed.test.ts.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import fc from 'fast-check';
import { documentDiff, normalizeDocument, sameDocument } from '../policies/judgement';
import { readExpected } from '../audit/expected';
import { compareResource, judgeResource, SPECS } from '../audit/deployed';
import { READERS } from '../audit/deployed-read';
import { exampleModel } from './support/example';
import { auditJsonSchema, exitCodeFor, renderJson } from '../audit/report';
import { renderSarif } from '../audit/sarif';
import { validateSarif } from './support/sarif';

const REPO = path.join(__dirname, '..');

describe('policies/judgement: what AWS treats as the same document', () => {
  const base = {
    Version: '2012-10-17',
    Statement: [{ Sid: 'A', Effect: 'Allow', Principal: '*', Action: 'sns:Publish', Resource: ['arn:aws:sns:eu-west-1:1:t'], Condition: { NumericLessThan: { 'aws:MultiFactorAuthAge': 900 } } }],
  };
  it('Principal "*" is {AWS: "*"}, a single value is a one-element list, numbers are numbers in strings, URL-encoding is text', () => {
    const same = {
      Statement: [{ Condition: { NumericLessThan: { 'aws:MultiFactorAuthAge': ['900'] } }, Resource: 'arn:aws:sns:eu-west-1:1:t', Action: ['sns:Publish'], Principal: { AWS: '*' }, Effect: 'Allow', Sid: 'A' }],
      Version: '2012-10-17',
    };
    expect(sameDocument(base, same)).toBe(true);
    expect(sameDocument(base, encodeURIComponent(JSON.stringify(same)))).toBe(true);
    expect(documentDiff(base, same)).toEqual([]);
  });

  it('tells a widened principal, a dropped condition and an added action apart, each on its own line', () => {
    const wider = JSON.parse(JSON.stringify(base));
    wider.Statement[0].Principal = { AWS: ['*', 'arn:aws:iam::999999999999:root'] };
    delete wider.Statement[0].Condition;
    wider.Statement[0].Action = ['sns:Publish', 'sns:Subscribe'];
    expect(sameDocument(base, wider)).toBe(false);
    expect(documentDiff(base, wider)).toEqual([
      '- Statement[0].Condition.NumericLessThan.aws:MultiFactorAuthAge ∋ "900"',
      '+ Statement[0].Action ∋ "sns:Subscribe"',
      '+ Statement[0].Principal.AWS ∋ "arn:aws:iam::999999999999:root"',
    ]);
  });

  it('keeps an event pattern strict: [1] (numeric) is not ["1"] (string), but key and value order are free', () => {
    expect(sameDocument({ detail: { n: [1] } }, { detail: { n: ['1'] } }, 'pattern')).toBe(false);
    expect(sameDocument({ source: ['a', 'b'], detail: { x: ['y'] } }, '{"detail":{"x":["y"]},"source":["b","a"]}', 'pattern')).toBe(true);
  });

  it('is order-insensitive for any permutation of values and statements (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[a-z]{1,6}:[A-Za-z*]{1,8}$/), { minLength: 1, maxLength: 8 }), fc.infiniteStream(fc.integer()), (actions, seeds) => {
        const shuffled = [...actions].sort(() => (seeds.next().value % 3) - 1);
        const a = { Statement: [{ Effect: 'Deny', Action: actions, Resource: '*' }, { Effect: 'Allow', Action: 'x:Y', Resource: '*' }] };
        const b = { Statement: [{ Effect: 'Allow', Action: ['x:Y'], Resource: ['*'] }, { Effect: 'Deny', Action: shuffled, Resource: ['*'] }] };
        return JSON.stringify(normalizeDocument(a)) === JSON.stringify(normalizeDocument(b));
      }),
    );
  });
});

describe('the expected state from a real synth of the example', () => {
  let outdir: string;
  const model = exampleModel();
  beforeAll(() => {
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'rootlock-expected-'));
    const r = spawnSync(process.execPath, [path.join(REPO, 'node_modules', 'ts-node', 'dist', 'bin.js'), '--transpile-only', 'main.ts'], {
      cwd: REPO,
      env: { ...process.env, CDKTF_OUTDIR: outdir, ROOTLOCK_STACKS: 'security,baseline-payments-prod' },
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(r.stderr);
  });
  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

  it('reads every resource by type, in its provider account and region, with references resolved from names', () => {
    const expected = readExpected(outdir, model.organization.managementAccountId);
    const rule = expected.find((r) => r.type === 'aws_cloudwatch_event_target' && r.stack === 'security' && r.name === 'central_bus_root_usage_target')!;
    expect(rule).toMatchObject({ account: model.security.id, region: model.organization.homeRegion });
    expect(rule.attrs).toMatchObject({ arn: model.pipeline.topicArn, event_bus_name: model.pipeline.busName, rule: 'rootlock-root-api-call', dead_letter_config: { arn: model.pipeline.deadLetterQueueArn } });
    const payments = model.allAccounts.find((a) => a.name === 'payments-prod')!;
    const global = expected.filter((r) => r.stack === 'baseline-payments-prod' && r.type === 'aws_cloudwatch_event_rule');
    expect(new Set(global.map((r) => `${r.account}/${r.region}`))).toEqual(new Set(model.eventRegions.map((region) => `${payments.id}/${region}`)));
    // What AWS generates stays a placeholder, bound on first use: the trail's key.
    const trail = expected.find((r) => r.type === 'aws_cloudtrail')!;
    expect(trail.attrs.kms_key_id).toBe('⟨security/aws_kms_key.organization_trail_key_key.arn⟩');
    // Metadata and tags are not expected state; every audited type has a spec and is present.
    expect(Object.keys(rule.attrs)).not.toContain('//');
    const types = new Set(expected.map((r) => r.type));
    for (const t of ['aws_cloudwatch_event_rule', 'aws_cloudwatch_log_metric_filter', 'aws_cloudwatch_metric_alarm', 'aws_sns_topic_subscription', 'aws_sns_topic_policy', 'aws_cloudtrail', 'aws_iam_role']) {
      expect({ t, audited: types.has(t) && !!SPECS[t] }).toEqual({ t, audited: true });
    }
  });

  it('finds each KMS key through the alias that targets it, generically, with its generated ids as placeholders to bind', () => {
    const expected = readExpected(outdir, model.organization.managementAccountId);
    const keys = expected.filter((r) => r.type === 'aws_kms_key');
    const aliases = expected.filter((r) => r.type === 'aws_kms_alias');
    expect(keys.length).toBeGreaterThanOrEqual(3);
    for (const key of keys) {
      const alias = aliases.find((a) => a.attrs.target_key_id === `⟨${key.stack}/aws_kms_key.${key.name}.key_id⟩`)!;
      expect(key.lookup).toEqual({
        name: alias.attrs.name,
        via: alias.address,
        generated: { arn: `⟨${key.stack}/aws_kms_key.${key.name}.arn⟩`, key_id: `⟨${key.stack}/aws_kms_key.${key.name}.key_id⟩`, id: `⟨${key.stack}/aws_kms_key.${key.name}.id⟩` },
      });
    }
    expect(keys.map((k) => k.lookup!.name)).toContain('alias/rootlock-alerts');
  });

  it('a key no alias names is not checked, saying why, and is never read', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rootlock-expected-noalias-'));
    try {
      fs.mkdirSync(path.join(dir, 'stacks', 's'), { recursive: true });
      const doc = { provider: { aws: [{ region: 'eu-west-1', allowed_account_ids: ['111111111111'] }] }, resource: { aws_kms_key: { k: { policy: '{}', enable_key_rotation: true } }, aws_kms_alias: { other: { name: 'alias/x', target_key_id: 'not-a-reference' } } } };
      fs.writeFileSync(path.join(dir, 'stacks', 's', 'cdk.tf.json'), JSON.stringify(doc));
      const [key] = readExpected(dir, '1').filter((r) => r.type === 'aws_kms_key');
      expect(key.lookup).toBeUndefined();
      const ctx = { client: () => Promise.reject(new Error('read')), memo: () => Promise.reject(new Error('read')), targetName: (x: string) => x };
      const live = await READERS.aws_kms_key(ctx, key);
      expect(judgeResource(key, live, new Map())).toEqual([
        expect.objectContaining({ check: 'deployed-kms-key', status: 'not-checked', resource: 's/aws_kms_key.k (no alias)', detail: expect.stringMatching(/no synthesized alias targets this key, and AWS generates its id/) }),
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stops with a message naming the fix when there is no synth', () => {
    expect(() => readExpected(path.join(outdir, 'nope'), '1')).toThrow(/run `npm run synth`.*--synth-dir/);
  });
});

describe('comparing one resource', () => {
  const alarm = SPECS.aws_cloudwatch_metric_alarm;
  const want = { alarm_name: 'a', alarm_actions: ['arn:aws:sns:eu-west-1:1:alerts'], threshold: 1, period: 60, treat_missing_data: 'notBreaching' };
  const live = { alarm_name: 'a', actions_enabled: true, alarm_actions: ['arn:aws:sns:eu-west-1:1:alerts'], ok_actions: [], insufficient_data_actions: [], threshold: 1, period: 60, treat_missing_data: 'notBreaching' };

  it('applies AWS defaults to what the synth leaves out (actions enabled), and names each differing attribute', () => {
    expect(compareResource(alarm, want, live, new Map())).toEqual([]);
    const diffs = compareResource(alarm, want, { ...live, actions_enabled: false, alarm_actions: ['arn:aws:sns:eu-west-1:9:other'] }, new Map());
    expect(diffs.map((d) => [d.attribute, d.expected, d.actual])).toEqual([
      ['actions_enabled', 'true', 'false'],
      ['alarm_actions', '["arn:aws:sns:eu-west-1:1:alerts"]', '["arn:aws:sns:eu-west-1:9:other"]'],
    ]);
  });

  it('a cross-account alarm: its query as synthesized passes; pointed at another account or queue it is named', () => {
    const query = (account: string, queue: string) => [{ id: 'depth', account_id: account, metric: { dimensions: { QueueName: queue }, metric_name: 'ApproximateNumberOfMessagesVisible', namespace: 'AWS/SQS', period: 300, stat: 'Maximum' }, return_data: true }];
    const xWant = { ...want, metric_query: query('444444444444', 'rootlock-forwarding-dlq') };
    expect(compareResource(alarm, xWant, { ...live, metric_query: query('444444444444', 'rootlock-forwarding-dlq') }, new Map())).toEqual([]);
    expect(compareResource(alarm, xWant, { ...live, metric_query: query('999999999999', 'rootlock-forwarding-dlq') }, new Map()).map((d) => d.attribute)).toEqual(['metric_query']);
    expect(compareResource(alarm, xWant, { ...live, metric_query: query('444444444444', 'empty-queue') }, new Map()).map((d) => d.attribute)).toEqual(['metric_query']);
    expect(compareResource(alarm, xWant, live, new Map()).map((d) => d.attribute)).toEqual(['metric_query']);
  });

  it('binds a placeholder to its first live value, then holds every other use to it', () => {
    const trail = SPECS.aws_cloudtrail;
    const bindings = new Map<string, string>();
    const expected = { name: 't', kms_key_id: '⟨s/aws_kms_key.k.arn⟩', s3_bucket_name: 'b', cloud_watch_logs_group_arn: 'arn:aws:logs:eu-west-1:1:log-group:g:*', cloud_watch_logs_role_arn: 'r', enable_logging: true, is_multi_region_trail: true, is_organization_trail: true };
    const actual = { ...expected, include_global_service_events: true, kms_key_id: 'arn:aws:kms:eu-west-1:1:key/k1' };
    expect(compareResource(trail, expected, actual, bindings)).toEqual([]);
    expect(bindings.get('⟨s/aws_kms_key.k.arn⟩')).toBe('arn:aws:kms:eu-west-1:1:key/k1');
    const topic = { name: 'x', kms_key_id: '⟨s/aws_kms_key.k.arn⟩' };
    expect(compareResource({ check: 'c', label: () => '', attrs: [{ attr: 'kms_key_id', kind: 'value' }] }, topic, { kms_key_id: 'arn:aws:kms:eu-west-1:1:key/attacker' }, bindings)).toHaveLength(1);
  });

  it('a KMS key: a dropped service statement is a readable policy diff; disabled, pending deletion or not rotating is named', () => {
    const policy = {
      Version: '2012-10-17',
      Statement: [
        { Sid: 'AlarmsPublishEncrypted', Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'], Resource: '*' },
        { Sid: 'RulesPublishEncrypted', Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'], Resource: '*' },
      ],
    };
    const key = { stack: 's', type: 'aws_kms_key', name: 'k', address: 's/aws_kms_key.k', account: '1', region: 'eu-west-1', attrs: { policy: JSON.stringify(policy), enable_key_rotation: true }, lookup: { name: 'alias/rootlock-alerts', via: 's/aws_kms_alias.a', generated: {} } };
    // As KMS returns it: other key order, single values as they were.
    const same = { policy: JSON.stringify({ Statement: [...policy.Statement].reverse(), Version: '2012-10-17' }), is_enabled: true, enable_key_rotation: true };
    expect(judgeResource(key, same, new Map())).toEqual([expect.objectContaining({ status: 'pass', resource: 's/aws_kms_key.k (alias/rootlock-alerts)' })]);
    const tampered = { policy: JSON.stringify({ ...policy, Statement: policy.Statement.slice(0, 1) }), is_enabled: 'false (PendingDeletion through alias/rootlock-alerts)', enable_key_rotation: false };
    const results = judgeResource(key, tampered, new Map());
    expect(results.map((r) => [r.status, r.attribute, r.expected, r.attribute === 'policy' ? '(document)' : r.actual])).toEqual([
      ['fail', 'policy', JSON.stringify(policy), '(document)'],
      ['fail', 'is_enabled', 'true', 'false (PendingDeletion through alias/rootlock-alerts)'],
      ['fail', 'enable_key_rotation', 'true', 'false'],
    ]);
    expect(results[0].detail).toMatch(/- Statement\[\d+\]\.Principal\.Service ∋ "events\.amazonaws\.com"/);
    expect(results.every((r) => r.check === 'deployed-kms-key')).toBe(true);
  });

  it('a missing resource is a failure with expected "exists"; an unreadable one is not checked, never a pass', () => {
    const r = { stack: 's', type: 'aws_cloudwatch_event_rule', name: 'n', address: 's/aws_cloudwatch_event_rule.n', account: '1', region: 'eu-west-1', attrs: { name: 'rule', event_pattern: '{"source":["aws.iam"]}' } };
    expect(judgeResource(r, null, new Map())).toEqual([expect.objectContaining({ status: 'fail', attribute: '(resource)', expected: 'exists', actual: 'missing' })]);
    expect(judgeResource(r, { error: 'AccessDenied: no' }, new Map())).toEqual([expect.objectContaining({ status: 'not-checked' })]);
    expect(judgeResource(r, { state: 'ENABLED', event_pattern: '{}' }, new Map())).toEqual([expect.objectContaining({ status: 'fail', attribute: 'event_pattern' })]);
  });
});

describe('reports carry the expected/actual pair', () => {
  const outcome = {
    organizationId: 'o-example',
    accounts: 2,
    results: [
      { check: 'deployed-event-rule', status: 'fail' as const, resource: 'security/aws_cloudwatch_event_rule.r (rootlock-root-api-call)', detail: 'state differs from the synthesized value: - ENABLED; + DISABLED', attribute: 'state', expected: 'ENABLED', actual: 'DISABLED' },
      { check: 'deployed-alarm', status: 'pass' as const, resource: 'security/aws_cloudwatch_metric_alarm.a (rootlock-root-usage)', detail: 'As synthesized.' },
    ],
  };
  it('JSON (schema-valid) and SARIF 2.1.0 (structurally valid, properties on the result) name the attribute with both values', () => {
    const json = JSON.parse(renderJson(outcome));
    expect(auditJsonSchema.safeParse(json).success).toBe(true);
    expect(json.results[0]).toMatchObject({ attribute: 'state', expected: 'ENABLED', actual: 'DISABLED' });
    const sarif = JSON.parse(renderSarif(outcome, 'rootlock.yaml'));
    expect(validateSarif(sarif)).toEqual([]);
    expect(sarif.runs[0].results).toEqual([
      expect.objectContaining({ ruleId: 'deployed-event-rule', level: 'error', properties: { attribute: 'state', expected: 'ENABLED', actual: 'DISABLED' }, partialFingerprints: { 'rootlockAudit/v1': 'deployed-event-rule:security/aws_cloudwatch_event_rule.r (rootlock-root-api-call):state' } }),
    ]);
    expect(exitCodeFor(outcome.results)).toBe(2);
  });
});
