/**
 * Review rules that had no test of their own: each with a change that fires it and a near miss (the closest change
 * that must not fire it), on synthetic plan changes of the shape the stacks synthesize. Also the policy judgement's
 * numbers: condition bounds are compared as numbers, never as text.
 */
import { review } from '../review/analyze';
import { judgePolicy, parsePolicy } from '../review/policy';
import { asPlan, ResourceChange } from '../review/plan';
import { trustPolicy, BREAK_GLASS_ROLE } from './fixtures/plans/scenarios';

type Synthetic = { type: string; actions: ResourceChange['change']['actions']; before?: object | null; after?: object | null };

function findings(...changes: Synthetic[]): string[] {
  const plan = asPlan(
    {
      format_version: '1.2',
      terraform_version: '1.11.4',
      planned_values: { root_module: {} },
      resource_changes: changes.map((c, i) => ({
        address: `${c.type}.r${i}`,
        mode: 'managed',
        type: c.type,
        name: `r${i}`,
        change: { actions: c.actions, before: c.before ?? null, after: c.after ?? null, after_unknown: {} },
      })),
    },
    'synthetic',
  );
  return review([{ stack: 'test', file: 'test.json', plan }]).findings.map((f) => `${f.severity}:${f.rule.id}`);
}

const role = (policy: object, extra: object = {}) => ({ name: BREAK_GLASS_ROLE, assume_role_policy: JSON.stringify(policy), max_session_duration: 3600, ...extra });
const trustUpdate = (edit: (p: any) => void, extra: object = {}): Synthetic => {
  const after = trustPolicy() as any;
  edit(after);
  return { type: 'aws_iam_role', actions: ['update'], before: role(trustPolicy()), after: role(after, extra) };
};
const allowStatement = (p: any) => p.Statement.find((s: any) => s.Effect === 'Allow');

describe('RL-BG-ACTIONS-ADDED', () => {
  test('fires: the trust policy now also allows sts:TagSession', () => {
    expect(findings(trustUpdate((p) => (allowStatement(p).Action = [...([] as string[]).concat(allowStatement(p).Action), 'sts:TagSession'])))).toContain('medium:RL-BG-ACTIONS-ADDED');
  });
  test('near miss: the same actions listed in another order', () => {
    const out = findings(
      trustUpdate((p) => {
        const s = allowStatement(p);
        s.Action = ([] as string[]).concat(s.Action).reverse();
      }),
    );
    expect(out).not.toContain('medium:RL-BG-ACTIONS-ADDED');
  });
});

describe('RL-BG-CHANGED (fallback)', () => {
  test('fires: a non-cosmetic change no specific rule covers (the role path)', () => {
    const before = role(trustPolicy(), { path: '/' });
    expect(findings({ type: 'aws_iam_role', actions: ['update'], before, after: { ...before, path: '/emergency/' } })).toEqual(['medium:RL-BG-CHANGED']);
  });
  test('near miss: only tags and the description change (cosmetic), or the same change on another role', () => {
    const before = role(trustPolicy(), { description: 'a', tags: { a: '1' } });
    expect(findings({ type: 'aws_iam_role', actions: ['update'], before, after: { ...before, description: 'b', tags: { a: '2' } } })).toEqual(['low:RL-COSMETIC']);
    const other = { ...role(trustPolicy(), { path: '/' }), name: 'app-deployer' };
    expect(findings({ type: 'aws_iam_role', actions: ['update'], before: other, after: { ...other, path: '/x/' } })).not.toContain('medium:RL-BG-CHANGED');
  });
});

describe('RL-KEY-DISABLED', () => {
  const key = { description: 'rootlock alerts', is_enabled: true, enable_key_rotation: true, tags: { RootlockPurpose: 'alerts' } };
  test('fires: a monitoring key disabled', () => {
    expect(findings({ type: 'aws_kms_key', actions: ['update'], before: key, after: { ...key, is_enabled: false } })).toEqual(['high:RL-KEY-DISABLED']);
  });
  test('near miss: a disabled key enabled again is not a disablement', () => {
    expect(findings({ type: 'aws_kms_key', actions: ['update'], before: { ...key, is_enabled: false }, after: key })).not.toContain('high:RL-KEY-DISABLED');
  });
});

describe('RL-ORG-REMOVED', () => {
  const org = { id: 'o-abc1234567', feature_set: 'ALL', aws_service_access_principals: ['iam.amazonaws.com'], enabled_policy_types: ['SERVICE_CONTROL_POLICY'] };
  test('fires: deleted, replaced, or the feature set changed', () => {
    expect(findings({ type: 'aws_organizations_organization', actions: ['delete'], before: org, after: null })).toEqual(['high:RL-ORG-REMOVED']);
    expect(findings({ type: 'aws_organizations_organization', actions: ['delete', 'create'], before: org, after: org })).toEqual(['high:RL-ORG-REMOVED']);
    expect(findings({ type: 'aws_organizations_organization', actions: ['update'], before: org, after: { ...org, feature_set: 'CONSOLIDATED_BILLING' } })).toEqual(['high:RL-ORG-REMOVED']);
  });
  test('near miss: a trusted-access principal added (the organization stays, its features too)', () => {
    const out = findings({ type: 'aws_organizations_organization', actions: ['update'], before: org, after: { ...org, aws_service_access_principals: ['iam.amazonaws.com', 'sso.amazonaws.com'] } });
    expect(out).not.toContain('high:RL-ORG-REMOVED');
  });
});

describe('RL-ORG-CHANGED (fallback)', () => {
  const org = { id: 'o-abc1234567', feature_set: 'ALL', aws_service_access_principals: ['iam.amazonaws.com'], enabled_policy_types: ['SERVICE_CONTROL_POLICY'] };
  test('fires: a trusted-access principal added (no specific rule covers an addition)', () => {
    expect(findings({ type: 'aws_organizations_organization', actions: ['update'], before: org, after: { ...org, aws_service_access_principals: ['iam.amazonaws.com', 'sso.amazonaws.com'] } })).toEqual([
      'medium:RL-ORG-CHANGED',
    ]);
  });
  test('near miss: tags only (cosmetic); a removal goes to its specific high rule instead', () => {
    expect(findings({ type: 'aws_organizations_organization', actions: ['update'], before: { ...org, tags: {} }, after: { ...org, tags: { team: 'sec' } } })).toEqual(['low:RL-COSMETIC']);
    expect(findings({ type: 'aws_organizations_organization', actions: ['update'], before: org, after: { ...org, aws_service_access_principals: [] } })).toEqual(['high:RL-ORG-TRUSTED-ACCESS-REMOVED']);
  });
});

describe('condition bounds are numbers (the MFA age)', () => {
  const setMaxAge = (p: any, value: string) => {
    for (const s of p.Statement) for (const kv of Object.values(s.Condition ?? {}) as Array<Record<string, unknown>>) if ('aws:MultiFactorAuthAge' in kv) kv['aws:MultiFactorAuthAge'] = value;
  };
  test('cutting the MFA age from 3600 to 900 is not a raise and not a weakening ("900" > "3600" only as text)', () => {
    const before = trustPolicy() as any;
    setMaxAge(before, '3600');
    const after = trustPolicy() as any;
    setMaxAge(after, '900');
    const out = findings({ type: 'aws_iam_role', actions: ['update'], before: role(before), after: role(after) });
    expect(out).not.toContain('medium:RL-BG-MFA-AGE-RAISED');
    expect(out).not.toContain('high:RL-BG-MFA-WEAKENED');
  });
  test('raising it from 900 to 3600 is a raise', () => {
    const before = trustPolicy() as any;
    setMaxAge(before, '900');
    const after = trustPolicy() as any;
    setMaxAge(after, '3600');
    expect(findings({ type: 'aws_iam_role', actions: ['update'], before: role(before), after: role(after) })).toContain('medium:RL-BG-MFA-AGE-RAISED');
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
