/** The break-glass role's trust policy: named principals, fresh MFA, a source identity, nothing else. */
import type { Model } from '../config/model';
import { policy, PolicyDocument, Statement } from './document';

export const BREAK_GLASS_ACTIONS = ['sts:AssumeRole', 'sts:SetSourceIdentity'];

/**
 * Source identity binds a session to a person (it cannot be changed later in the session nor in chained sessions:
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_monitor.html). An IAM user must
 * set it to its own user name (`\${aws:username}`, which AWS sends for IAM users only), so one principal cannot act in
 * another's name. A role principal has no user name: it must arrive already carrying a source identity set upstream by
 * its identity provider (SAML `SourceIdentity` attribute or OIDC claim), which STS then refuses to change.
 */
export function breakGlassTrustPolicy(model: Model): PolicyDocument {
  const bg = model.breakGlass;
  const users = bg.principals.filter((p) => /:user\//.test(p));
  const roles = bg.principals.filter((p) => !/:user\//.test(p));
  const fresh = {
    Bool: { 'aws:MultiFactorAuthPresent': 'true' },
    NumericLessThan: { 'aws:MultiFactorAuthAge': String(bg.mfaMaxAgeSeconds) },
  };
  const allows: Statement[] = [];
  if (users.length > 0 || roles.length === 0) {
    allows.push({
      Sid: 'AllowNamedPrincipalsWithFreshMfaAndSourceIdentity',
      Effect: 'Allow',
      Principal: { AWS: users },
      Action: BREAK_GLASS_ACTIONS,
      Condition: { ...fresh, StringEquals: { 'sts:SourceIdentity': '${aws:username}' } },
    });
  }
  if (roles.length > 0) {
    allows.push({
      Sid: 'AllowNamedRolesWithFreshMfaAndUpstreamSourceIdentity',
      Effect: 'Allow',
      Principal: { AWS: roles },
      Action: BREAK_GLASS_ACTIONS,
      Condition: { ...fresh, Null: { 'aws:SourceIdentity': 'false' } },
    });
  }
  return policy(
    ...allows,
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
