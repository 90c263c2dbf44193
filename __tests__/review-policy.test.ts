/** Policy comparison behind the SCP and trust-policy rules: which edits loosen, which tighten, which are unclear. */
import { effectiveMfaMaxAge, judgePolicy, lineDiff, NormPolicy, parsePolicy, policyDiff, trustedPrincipals, wildcardMatch } from '../review/policy';

const doc = (...Statement: object[]) => parsePolicy(JSON.stringify({ Version: '2012-10-17', Statement }))!;
const deny = (extra: object = {}) => ({ Sid: 'D', Effect: 'Deny', Action: '*', Resource: '*', Condition: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:root' } }, ...extra });
const allow = (extra: object = {}) => ({ Sid: 'A', Effect: 'Allow', Principal: { AWS: ['arn:aws:iam::1:user/a'] }, Action: 'sts:AssumeRole', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } }, ...extra });

function verdict(before: NormPolicy, after: NormPolicy) {
  const v = judgePolicy(before, after);
  return { loosened: v.loosened.length > 0, tightened: v.tightened.length > 0, unclear: v.unclear.length > 0 };
}

describe('Deny statements (SCPs)', () => {
  test.each([
    ['statement removed', doc(), { loosened: true, tightened: false, unclear: false }],
    ['actions narrowed from * to a service', doc(deny({ Action: ['iam:*'] })), { loosened: true, tightened: false, unclear: false }],
    ['a condition added (an exception)', doc(deny({ Condition: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:root' }, StringNotEquals: { 'aws:PrincipalAccount': '1' } } })), { loosened: true, tightened: false, unclear: false }],
    ['a positive condition value replaced (may match less)', doc(deny({ Condition: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::123:root' } } })), { loosened: true, tightened: false, unclear: false }],
    ['a positive condition value added (matches more)', doc(deny({ Condition: { ArnLike: { 'aws:PrincipalArn': ['arn:aws:iam::*:root', 'arn:aws:iam::*:user/x'] } } })), { loosened: false, tightened: true, unclear: false }],
    ['a condition removed (the Deny hits everyone)', doc(deny({ Condition: undefined })), { loosened: false, tightened: true, unclear: false }],
    ['Deny turned into Allow', doc(deny({ Effect: 'Allow' })), { loosened: true, tightened: false, unclear: false }],
    ['NotAction added', doc(deny({ NotAction: ['sts:*'] })), { loosened: true, tightened: false, unclear: false }],
  ])('%s', (_what, after, expected) => expect(verdict(doc(deny()), after)).toEqual(expected));

  test('a negated operator gaining a value is an extra exception: loosened', () => {
    const b = doc(deny({ Condition: { ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/Deployer' } } }));
    const a = doc(deny({ Condition: { ArnNotLike: { 'aws:PrincipalArn': ['arn:aws:iam::*:role/Deployer', 'arn:aws:iam::*:role/*'] } } }));
    expect(verdict(b, a)).toEqual({ loosened: true, tightened: false, unclear: false });
    expect(verdict(a, b)).toEqual({ loosened: false, tightened: true, unclear: false });
  });

  test('a Null or Bool value flipped is unclear, not silently accepted', () => {
    const b = doc(deny({ Condition: { Null: { 'aws:AssumedRoot': 'true' } } }));
    const a = doc(deny({ Condition: { Null: { 'aws:AssumedRoot': 'false' } } }));
    expect(verdict(b, a)).toEqual({ loosened: false, tightened: false, unclear: true });
  });

  test('formatting, ordering and single-item lists do not count as changes', () => {
    const a = parsePolicy(JSON.stringify({ Statement: [{ Resource: ['*'], Effect: 'Deny', Action: ['*'], Sid: 'D', Condition: { ArnLike: { 'aws:PrincipalArn': ['arn:aws:iam::*:root'] } } }], Version: '2012-10-17' }))!;
    expect(judgePolicy(doc(deny()), a)).toEqual({ loosened: [], tightened: [], unclear: [] });
  });
});

describe('Allow statements (trust policies)', () => {
  test('a principal added loosens, removed tightens', () => {
    const a = doc(allow({ Principal: { AWS: ['arn:aws:iam::1:user/a', 'arn:aws:iam::2:root'] } }));
    expect(verdict(doc(allow()), a)).toEqual({ loosened: true, tightened: false, unclear: false });
    expect(trustedPrincipals(a)).toEqual(['AWS:arn:aws:iam::1:user/a', 'AWS:arn:aws:iam::2:root']);
    expect(trustedPrincipals(doc(allow({ Principal: '*' })))).toEqual(['AWS:*']);
  });

  test('a condition removed loosens', () => expect(verdict(doc(allow()), doc(allow({ Condition: undefined })))).toEqual({ loosened: true, tightened: false, unclear: false }));

  test('MultiFactorAuthAge: raising NumericLessThan loosens; the effective limit takes explicit Denies into account', () => {
    const age = (n: number, denyAt?: number) =>
      doc(
        allow({ Condition: { NumericLessThan: { 'aws:MultiFactorAuthAge': String(n) } } }),
        ...(denyAt ? [{ Sid: 'S', Effect: 'Deny', Principal: { AWS: '*' }, Action: 'sts:AssumeRole', Condition: { NumericGreaterThanEquals: { 'aws:MultiFactorAuthAge': String(denyAt) } } }] : []),
      );
    expect(verdict(age(900), age(3600))).toEqual({ loosened: true, tightened: false, unclear: false });
    expect(effectiveMfaMaxAge(age(900))).toBe(900);
    expect(effectiveMfaMaxAge(age(3600, 900))).toBe(900);
    expect(effectiveMfaMaxAge(doc(allow()))).toBe(Infinity);
  });
});

describe('wildcards and diffs', () => {
  test('IAM wildcards', () => {
    expect(wildcardMatch('iam:*', 'iam:CreateUser')).toBe(true);
    expect(wildcardMatch('iam:*', 's3:GetObject')).toBe(false);
    expect(wildcardMatch('s3:Get?bject', 's3:GetObject')).toBe(true);
    expect(wildcardMatch('*', 'anything')).toBe(true);
  });

  test('a Deny widened from one action to its service is tighter, not looser', () => {
    const b = doc(deny({ Action: 'iam:CreateUser' }));
    const a = doc(deny({ Action: 'iam:*' }));
    expect(verdict(b, a)).toEqual({ loosened: false, tightened: true, unclear: false });
  });

  test('line diff keeps unchanged list items unchanged when one is appended', () => {
    const d = lineDiff(['[', '  "a",', '  "b"', ']'], ['[', '  "a",', '  "b",', '  "c"', ']']);
    expect(d.filter((l) => /^[-+]/.test(l))).toEqual(['+   "c"']);
  });

  test('statements without Sid are paired by position', () => {
    const b = parsePolicy(JSON.stringify({ Statement: [{ Effect: 'Deny', Action: 'a:*', Resource: '*' }] }));
    const a = parsePolicy(JSON.stringify({ Statement: [{ Effect: 'Deny', Action: 'b:*', Resource: '*' }] }));
    expect(policyDiff(b, a)[0]).toBe('# Statement "#1": changed');
  });

  test('not a policy: undefined, never a throw', () => {
    for (const t of [undefined, '', 'null', '[]', '{', 42]) expect(parsePolicy(t)).toBeUndefined();
  });
});
