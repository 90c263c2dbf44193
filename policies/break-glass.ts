/** The break-glass role's trust policy: named principals, fresh MFA, a source identity, nothing else. */
import type { Model } from '../config/model';
import { policy, PolicyDocument } from './document';

export const BREAK_GLASS_ACTIONS = ['sts:AssumeRole', 'sts:SetSourceIdentity'];

export function breakGlassTrustPolicy(model: Model): PolicyDocument {
  const bg = model.breakGlass;
  return policy(
    {
      Sid: 'AllowNamedPrincipalsWithFreshMfaAndSourceIdentity',
      Effect: 'Allow',
      Principal: { AWS: bg.principals },
      Action: BREAK_GLASS_ACTIONS,
      Condition: {
        Bool: { 'aws:MultiFactorAuthPresent': 'true' },
        NumericLessThan: { 'aws:MultiFactorAuthAge': String(bg.mfaMaxAgeSeconds) },
        StringLike: { 'sts:SourceIdentity': '?*' },
      },
    },
    // Explicit denies survive a later edit that adds a principal or loosens the Allow.
    {
      Sid: 'DenyWithoutMfa',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: BREAK_GLASS_ACTIONS,
      Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },
    },
    {
      Sid: 'DenyStaleMfa',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: BREAK_GLASS_ACTIONS,
      Condition: { NumericGreaterThanEquals: { 'aws:MultiFactorAuthAge': String(bg.mfaMaxAgeSeconds) } },
    },
    {
      Sid: 'DenyWithoutSourceIdentity',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 'sts:AssumeRole',
      Condition: { Null: { 'sts:SourceIdentity': 'true' } },
    },
  );
}
