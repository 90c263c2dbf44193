/**
 * Every review rule with a change that fires it and a near miss (the closest change that must not fire it), on
 * synthetic plan changes of the shape the stacks synthesize; a rule without its two cases fails the table test. Also
 * the policy judgement's numbers: condition bounds are compared as numbers, never as text.
 */
import { review } from '../review/analyze';
import { judgePolicy, parsePolicy } from '../review/policy';
import { synthetic, type SyntheticChange } from './support/synthetic-plan';
import { trustPolicy, BREAK_GLASS_ROLE } from './fixtures/plans/scenarios';
import { RULES } from '../review/rules';
import { CIS_ROOT_USAGE_PATTERN } from '../detections/compliance';

type Synthetic = SyntheticChange;

function findings(...changes: Synthetic[]): string[] {
  return review([{ stack: 'test', file: 'test.json', plan: synthetic(...changes) }]).findings.map((f) => `${f.severity}:${f.rule.id}`);
}

const role = (policy: object, extra: object = {}) => ({ name: BREAK_GLASS_ROLE, assume_role_policy: JSON.stringify(policy), max_session_duration: 3600, ...extra });
const trustUpdate = (edit: (p: any) => void, extra: object = {}): Synthetic => {
  const after = trustPolicy() as any;
  edit(after);
  return { type: 'aws_iam_role', actions: ['update'], before: role(trustPolicy()), after: role(after, extra) };
};
const allowStatement = (p: any) => p.Statement.find((s: any) => s.Effect === 'Allow');

// ------------------------------------------------------------------ every rule: a firing case and a near miss

const upd = (type: string, before: object, after: object): Synthetic => ({ type, actions: ['update'], before, after });
const del = (type: string, before: object): Synthetic => ({ type, actions: ['delete'], before, after: null });
const rep = (type: string, before: object, after: object): Synthetic => ({ type, actions: ['delete', 'create'], before, after });
const forget = (type: string, before: object): Synthetic => ({ type, actions: ['forget'], before, after: null });

const DENY_ROOT = { Sid: 'DenyRoot', Effect: 'Deny', Action: '*', Resource: '*', Condition: { StringLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:root' } } };
const DENY_LEAVE = { Sid: 'DenyLeave', Effect: 'Deny', Action: 'organizations:LeaveOrganization', Resource: '*' };
const scp = (...statements: object[]) => ({ name: 'rootlock-root-deny', type: 'SERVICE_CONTROL_POLICY', content: JSON.stringify({ Version: '2012-10-17', Statement: statements }) });
const attachment = { policy_id: 'p-abc12345', target_id: 'ou-ab12-cdefgh12' };
const features = (...f: string[]) => ({ id: 'o-abc1234567', enabled_features: f });
const ORG = { id: 'o-abc1234567', feature_set: 'ALL', aws_service_access_principals: ['iam.amazonaws.com'], enabled_policy_types: ['SERVICE_CONTROL_POLICY', 'RESOURCE_CONTROL_POLICY'] };
const TRAIL = { name: 'rootlock-organization-trail', enable_logging: true, is_organization_trail: true, is_multi_region_trail: true, include_global_service_events: true, enable_log_file_validation: true, cloud_watch_logs_group_arn: 'arn:aws:logs:eu-west-1:2:log-group:/rootlock/organization-trail:*', s3_bucket_name: 'b' };
const ALARM = { alarm_name: 'rootlock-root-usage', actions_enabled: true, alarm_actions: ['arn:aws:sns:eu-west-1:2:rootlock-alerts'], threshold: 1 };
const RULE = { name: 'rootlock-root-usage', state: 'ENABLED', event_pattern: '{"source":["aws.iam"]}' };
const KEY = { description: 'rootlock alerts', is_enabled: true, tags: { RootlockPurpose: 'alerts' } };
const LOG_GROUP = { name: '/rootlock/organization-trail', retention_in_days: 365 };
const ACCOUNT = (parent: string) => ({ id: '222222222222', name: 'web-prod', parent_id: parent });
const LOGGING = { bucket: 'rootlock-trail', target_bucket: 'rootlock-access-logs', target_prefix: 'trail/' };
const LOCK = (mode: string, days: number) => ({ bucket: 'rootlock-trail', rule: [{ default_retention: [{ mode, days }] }] });
const SSE = (alg: string) => ({ bucket: 'rootlock-trail', rule: [{ apply_server_side_encryption_by_default: [{ sse_algorithm: alg }] }] });
const CIS = { name: 'rootlock-cis-root-usage', pattern: CIS_ROOT_USAGE_PATTERN, log_group_name: '/rootlock/organization-trail' };
const BG_POLICY = { role: BREAK_GLASS_ROLE, policy_arn: 'arn:aws:iam::aws:policy/AdministratorAccess' };
const DELEGATION = { account_id: '333333333333', service_principal: 'guardduty.amazonaws.com' };
const mfaOff = (p: any) => {
  for (const st of p.Statement) if (st.Condition) for (const op of Object.keys(st.Condition)) for (const k of Object.keys(st.Condition[op])) if (/MultiFactorAuth/.test(k)) delete st.Condition[op][k];
};
const sourceIdentityOff = (p: any) => {
  for (const st of p.Statement) if (st.Condition) for (const op of Object.keys(st.Condition)) for (const k of Object.keys(st.Condition[op])) if (k === 'sts:SourceIdentity') delete st.Condition[op][k];
};
const addPrincipal = (p: any) => {
  const s = allowStatement(p);
  s.Principal.AWS = [...([] as string[]).concat(s.Principal.AWS), 'arn:aws:iam::111111111111:user/mallory'];
};

/** For each rule id: a change that fires it and the nearest change that must not. */
const CASES: Record<string, { fires: Synthetic[]; nearMiss: Synthetic[] }> = {
  'RL-SCP-DETACHED': { fires: [del('aws_organizations_policy_attachment', attachment)], nearMiss: [forget('aws_organizations_policy_attachment', attachment)] },
  'RL-SCP-REATTACHED': { fires: [rep('aws_organizations_policy_attachment', attachment, { ...attachment, target_id: 'ou-ab12-zzzzzzzz' })], nearMiss: [del('aws_organizations_policy_attachment', attachment)] },
  'RL-SCP-DELETED': { fires: [del('aws_organizations_policy', scp(DENY_ROOT))], nearMiss: [del('aws_organizations_policy', { ...scp(DENY_ROOT), type: 'TAG_POLICY' })] },
  'RL-SCP-LOOSENED': { fires: [upd('aws_organizations_policy', scp(DENY_ROOT, DENY_LEAVE), scp(DENY_ROOT))], nearMiss: [upd('aws_organizations_policy', scp(DENY_ROOT), scp(DENY_ROOT, DENY_LEAVE))] },
  'RL-SCP-REPLACED': { fires: [rep('aws_organizations_policy', scp(DENY_ROOT), { ...scp(DENY_ROOT), name: 'rootlock-root-deny-2' })], nearMiss: [upd('aws_organizations_policy', scp(DENY_ROOT), { ...scp(DENY_ROOT), description: 'x' })] },
  'RL-SCP-CHANGED': { fires: [upd('aws_organizations_policy', scp(DENY_ROOT), scp(DENY_ROOT, DENY_LEAVE))], nearMiss: [upd('aws_organizations_policy', scp(DENY_ROOT, DENY_LEAVE), scp(DENY_ROOT))] },
  'RL-ROOT-ACCESS-DISABLED': {
    fires: [upd('aws_iam_organizations_features', features('RootCredentialsManagement', 'RootSessions'), features('RootSessions'))],
    nearMiss: [upd('aws_iam_organizations_features', features('RootSessions'), features('RootCredentialsManagement', 'RootSessions'))],
  },
  'RL-ROOT-ACCESS-ENABLED': {
    fires: [upd('aws_iam_organizations_features', features('RootSessions'), features('RootCredentialsManagement', 'RootSessions'))],
    nearMiss: [upd('aws_iam_organizations_features', features('RootCredentialsManagement'), features('RootSessions'))],
  },
  'RL-ORG-TRUSTED-ACCESS-REMOVED': { fires: [upd('aws_organizations_organization', ORG, { ...ORG, aws_service_access_principals: [] })], nearMiss: [upd('aws_organizations_organization', ORG, { ...ORG, aws_service_access_principals: ['iam.amazonaws.com', 'sso.amazonaws.com'] })] },
  'RL-ORG-SCP-TYPE-DISABLED': { fires: [upd('aws_organizations_organization', ORG, { ...ORG, enabled_policy_types: ['RESOURCE_CONTROL_POLICY'] })], nearMiss: [upd('aws_organizations_organization', { ...ORG, enabled_policy_types: [...ORG.enabled_policy_types, 'TAG_POLICY'] }, ORG)] },
  'RL-ORG-REMOVED': { fires: [del('aws_organizations_organization', ORG)], nearMiss: [upd('aws_organizations_organization', ORG, { ...ORG, aws_service_access_principals: ['iam.amazonaws.com', 'sso.amazonaws.com'] })] },
  'RL-ORG-DELEGATION-REMOVED': { fires: [del('aws_organizations_delegated_administrator', DELEGATION)], nearMiss: [{ type: 'aws_organizations_delegated_administrator', actions: ['create'], before: null, after: DELEGATION }] },
  'RL-ORG-CHANGED': { fires: [upd('aws_organizations_organization', ORG, { ...ORG, aws_service_access_principals: ['iam.amazonaws.com', 'sso.amazonaws.com'] })], nearMiss: [upd('aws_organizations_organization', { ...ORG, tags: {} }, { ...ORG, tags: { a: 'b' } })] },
  'RL-BG-ROLE-REMOVED': { fires: [del('aws_iam_role', role(trustPolicy()))], nearMiss: [del('aws_iam_role', { ...role(trustPolicy()), name: 'app-deployer' })] },
  'RL-BG-PRINCIPAL-ADDED': { fires: [trustUpdate(addPrincipal)], nearMiss: [trustUpdate((p) => (allowStatement(p).Sid = 'Renamed'))] },
  'RL-BG-MFA-WEAKENED': { fires: [trustUpdate(mfaOff)], nearMiss: [trustUpdate(sourceIdentityOff)] },
  'RL-BG-SOURCE-IDENTITY-WEAKENED': { fires: [trustUpdate(sourceIdentityOff)], nearMiss: [trustUpdate(mfaOff)] },
  'RL-BG-MFA-AGE-RAISED': { fires: [ageChange('900', '3600')], nearMiss: [ageChange('3600', '900')] },
  'RL-BG-SESSION-LONGER': {
    fires: [upd('aws_iam_role', role(trustPolicy(), { max_session_duration: 3600 }), role(trustPolicy(), { max_session_duration: 7200 }))],
    nearMiss: [upd('aws_iam_role', role(trustPolicy(), { max_session_duration: 7200 }), role(trustPolicy(), { max_session_duration: 3600 }))],
  },
  'RL-BG-ACTIONS-ADDED': { fires: [trustUpdate((p) => (allowStatement(p).Action = [...([] as string[]).concat(allowStatement(p).Action), 'sts:TagSession']))], nearMiss: [trustUpdate(addPrincipal)] },
  'RL-BG-PERMISSIONS-CHANGED': { fires: [del('aws_iam_role_policy_attachment', BG_POLICY)], nearMiss: [del('aws_iam_role_policy_attachment', { ...BG_POLICY, role: 'app-deployer' })] },
  'RL-BG-CHANGED': { fires: [upd('aws_iam_role', role(trustPolicy(), { path: '/' }), role(trustPolicy(), { path: '/x/' }))], nearMiss: [upd('aws_iam_role', role(trustPolicy(), { tags: {} }), role(trustPolicy(), { tags: { a: 'b' } }))] },
  'RL-MONITORING-REMOVED': { fires: [del('aws_cloudwatch_metric_alarm', ALARM)], nearMiss: [forget('aws_cloudwatch_metric_alarm', ALARM)] },
  'RL-TRAIL-WEAKENED': { fires: [upd('aws_cloudtrail', TRAIL, { ...TRAIL, is_multi_region_trail: false })], nearMiss: [upd('aws_cloudtrail', { ...TRAIL, is_multi_region_trail: false }, TRAIL)] },
  'RL-ALARM-SILENCED': { fires: [upd('aws_cloudwatch_metric_alarm', ALARM, { ...ALARM, alarm_actions: [] })], nearMiss: [upd('aws_cloudwatch_metric_alarm', ALARM, { ...ALARM, alarm_actions: [...ALARM.alarm_actions, 'arn:aws:sns:eu-west-1:2:other'] })] },
  'RL-RULE-DISABLED': { fires: [upd('aws_cloudwatch_event_rule', RULE, { ...RULE, state: 'DISABLED' })], nearMiss: [upd('aws_cloudwatch_event_rule', RULE, { ...RULE, state: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS' })] },
  'RL-KEY-DISABLED': { fires: [upd('aws_kms_key', KEY, { ...KEY, is_enabled: false })], nearMiss: [upd('aws_kms_key', { ...KEY, is_enabled: false }, KEY)] },
  'RL-LOG-RETENTION-SHORTER': { fires: [upd('aws_cloudwatch_log_group', LOG_GROUP, { ...LOG_GROUP, retention_in_days: 30 })], nearMiss: [upd('aws_cloudwatch_log_group', LOG_GROUP, { ...LOG_GROUP, retention_in_days: 0 })] },
  'RL-MONITORING-UNMANAGED': { fires: [forget('aws_cloudwatch_metric_alarm', ALARM)], nearMiss: [forget('aws_iam_user', { name: 'someone' })] },
  'RL-MONITORING-CHANGED': { fires: [upd('aws_cloudwatch_event_rule', RULE, { ...RULE, event_pattern: '{"source":["aws.sts"]}' })], nearMiss: [upd('aws_cloudwatch_event_rule', { ...RULE, tags: {} }, { ...RULE, tags: { a: 'b' } })] },
  'RL-ACCESS-LOGGING-REMOVED': { fires: [upd('aws_s3_bucket_logging', LOGGING, { ...LOGGING, target_bucket: 'elsewhere' })], nearMiss: [{ type: 'aws_s3_bucket_logging', actions: ['create'], before: null, after: LOGGING }] },
  'RL-OBJECT-LOCK-WEAKENED': { fires: [upd('aws_s3_bucket_object_lock_configuration', LOCK('GOVERNANCE', 365), LOCK('GOVERNANCE', 30))], nearMiss: [upd('aws_s3_bucket_object_lock_configuration', LOCK('GOVERNANCE', 30), LOCK('GOVERNANCE', 365))] },
  'RL-BUCKET-KMS-DROPPED': { fires: [upd('aws_s3_bucket_server_side_encryption_configuration', SSE('aws:kms'), SSE('AES256'))], nearMiss: [upd('aws_s3_bucket_server_side_encryption_configuration', SSE('AES256'), SSE('aws:kms'))] },
  'RL-CIS-FILTER-CHANGED': { fires: [upd('aws_cloudwatch_log_metric_filter', CIS, { ...CIS, pattern: '{ $.userIdentity.type = "Root" }' })], nearMiss: [upd('aws_cloudwatch_log_metric_filter', { ...CIS, pattern: '{ $.a = 1 }' }, { ...CIS, pattern: '{ $.a = 2 }' })] },
  'RL-KEY-PROTECTION-TAG-REMOVED': { fires: [upd('aws_kms_key', KEY, { ...KEY, tags: {} })], nearMiss: [upd('aws_kms_key', KEY, { ...KEY, tags: { ...KEY.tags, team: 'sec' } })] },
  'RL-ACCOUNT-MOVED-OUT': { fires: [upd('aws_organizations_account', ACCOUNT('ou-ab12-cdefgh12'), ACCOUNT('r-ab12'))], nearMiss: [upd('aws_organizations_account', ACCOUNT('r-ab12'), ACCOUNT('ou-ab12-cdefgh12'))] },
  'RL-ACCOUNT-PLACED': { fires: [upd('aws_organizations_account', ACCOUNT('r-ab12'), ACCOUNT('ou-ab12-cdefgh12'))], nearMiss: [upd('aws_organizations_account', ACCOUNT('ou-ab12-cdefgh12'), ACCOUNT('r-ab12'))] },
  'RL-ACCOUNT-CREATED': {
    fires: [{ type: 'aws_organizations_account', actions: ['create'], before: null, after: { name: 'web-prod', email: 'aws-web-prod@example.com', parent_id: 'ou-ab12-cdefgh12' } }],
    nearMiss: [upd('aws_organizations_account', ACCOUNT('r-ab12'), ACCOUNT('ou-ab12-cdefgh12'))],
  },
  'RL-ACCOUNT-REMOVED': { fires: [del('aws_organizations_account', ACCOUNT('ou-ab12-cdefgh12'))], nearMiss: [forget('aws_organizations_account', ACCOUNT('ou-ab12-cdefgh12'))] },
  'RL-COSMETIC': { fires: [upd('aws_iam_user', { name: 'u', tags: {} }, { name: 'u', tags: { a: 'b' } })], nearMiss: [upd('aws_iam_user', { name: 'u', path: '/' }, { name: 'u', path: '/x/' })] },
  'RL-OTHER': { fires: [upd('aws_iam_user', { name: 'u', path: '/' }, { name: 'u', path: '/x/' })], nearMiss: [upd('aws_iam_user', { name: 'u', tags: {} }, { name: 'u', tags: { a: 'b' } })] },
};

function ageChange(from: string, to: string): Synthetic {
  const setAge = (p: any, v: string) => {
    for (const st of p.Statement) for (const kv of Object.values(st.Condition ?? {}) as Array<Record<string, unknown>>) if ('aws:MultiFactorAuthAge' in kv) kv['aws:MultiFactorAuthAge'] = v;
  };
  const before = trustPolicy() as any;
  setAge(before, from);
  const after = trustPolicy() as any;
  setAge(after, to);
  return { type: 'aws_iam_role', actions: ['update'], before: role(before), after: role(after) };
}

describe('every review rule has a firing case and a near miss', () => {
  test('the table covers every rule the review has (a new rule needs its two cases here)', () => {
    expect(Object.keys(CASES).sort()).toEqual(RULES.map((r) => r.id).sort());
  });
  const ids = (changes: Synthetic[]) => findings(...changes).map((f) => f.split(':')[1]);
  test.each(Object.entries(CASES))('%s', (id, { fires, nearMiss }) => {
    expect(ids(fires)).toContain(id);
    expect(ids(nearMiss)).not.toContain(id);
  });
});

describe('the policy judgement compares bounds as numbers', () => {
  const ageLimit = (value: string) => parsePolicy(JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'Assume', Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: 'arn:aws:iam::111111111111:user/a' }, Condition: { NumericLessThan: { 'aws:MultiFactorAuthAge': value } } }] }));
  test('an Allow whose NumericLessThan bound drops from 3600 to 900 is tightened, not loosened', () => {
    const v = judgePolicy(ageLimit('3600'), ageLimit('900'));
    expect(v.loosened).toEqual([]);
    expect(v.tightened.join(' ')).toContain('aws:MultiFactorAuthAge');
  });
  test('from 900 to 3600 it is loosened; an unparsable bound is unclear', () => {
    expect(judgePolicy(ageLimit('900'), ageLimit('3600')).loosened.join(' ')).toContain('aws:MultiFactorAuthAge');
    expect(judgePolicy(ageLimit('900'), ageLimit('soon')).unclear.length).toBe(1);
  });
});
