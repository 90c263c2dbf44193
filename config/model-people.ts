/**
 * The people and custody side of the model: responders with structured contacts, where the root credentials are kept,
 * and each break-glass principal with its MFA device, custody and CLI profile. The runbooks read only these.
 */
import type { RootlockConfig } from './schema';
import { CUSTODY_ROLES } from './schema';

export type CustodyRole = (typeof CUSTODY_ROLES)[number];

export interface ResolvedResponder {
  name: string;
  role: string;
  email: string;
  /** International form; required by validation for custodians and approvers. */
  phone?: string;
  custody: CustodyRole[];
  /** An approver who holds neither secret: the only kind who may approve a root sign-in. */
  independentApprover: boolean;
}

export interface ResolvedBreakGlassPrincipal {
  arn: string;
  accountId: string;
  kind: 'user' | 'role';
  /** The IAM user or role name (last path segment). */
  name: string;
  mfaDeviceArn: string;
  /** Where this principal's own credentials are kept. */
  custody: string;
  /** AWS CLI profile on the responder's laptop that holds these credentials. */
  profile: string;
}

export interface ResolvedPeople {
  responders: ResolvedResponder[];
  custody: { rootPassword: string; mfaDevice: string; recordLocation: string };
  /** Sorted by ARN, like the trust policy. */
  breakGlassPrincipals: ResolvedBreakGlassPrincipal[];
}

export function resolvePeople(config: RootlockConfig): ResolvedPeople {
  const responders = config.responders.map((r) => ({
    name: r.name,
    role: r.role,
    email: r.contact.email,
    phone: r.contact.phone,
    custody: [...r.custody],
    independentApprover: r.custody.includes('approver') && !r.custody.includes('root-password') && !r.custody.includes('mfa-device'),
  }));
  const breakGlassPrincipals = config.breakGlass.principals
    .map((p) => {
      const [, , , , accountId, resource] = p.arn.split(':');
      const name = resource.slice(resource.lastIndexOf('/') + 1);
      return {
        arn: p.arn,
        accountId,
        kind: resource.startsWith('user/') ? ('user' as const) : ('role' as const),
        name,
        mfaDeviceArn: p.mfaDeviceArn,
        custody: p.custody,
        profile: p.profile ?? name,
      };
    })
    .sort((a, b) => a.arn.localeCompare(b.arn));
  return { responders, custody: { ...config.custody }, breakGlassPrincipals };
}
