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
    // STS records an assumption in the region that served it, and requests to the global endpoint may be served in
    // the caller's region (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_region-endpoints.html):
    // the forwarding rules listen in the event regions only, so the role refuses every other region rather than
    // letting an assumption be recorded where nothing pages.
    {
      Sid: 'DenyOutsideWatchedRegions',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: BREAK_GLASS_ACTIONS,
      Condition: { StringNotEquals: { 'aws:RequestedRegion': model.eventRegions } },
    },
  );
}
