/**
 * Custody rules the runbooks' bad cases rest on: every root secret has a deputy, somebody named owns the root mailbox,
 * and every break-glass principal's MFA device can give the one-time code that MFA-protected AssumeRole needs.
 */
import type { RootlockConfig } from './schema';
import { Problem, show } from './errors';

/**
 * MFA-protected API calls (sts assume-role with --serial-number and --token-code) take a code from a virtual or hardware
 * TOTP device; FIDO security keys and passkeys work only for console sign-in
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_configure-api-require.html,
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_enable_fido.html). A FIDO device's ARN is
 * `arn:aws:iam::<account>:u2f/...`; a TOTP device's is `...:mfa/...`.
 */
const FIDO_DEVICE = /^arn:aws[\w-]*:iam::\d{12}:u2f\//;

/** A root user and an IAM user can each register up to eight MFA devices (same AWS page as above, "enable FIDO"). */
export const MAX_MFA_DEVICES = 8;

export function totpForBreakGlass(c: RootlockConfig): Problem[] {
  return c.breakGlass.principals.flatMap((p, i) =>
    FIDO_DEVICE.test(p.mfaDeviceArn)
      ? [
          {
            path: `breakGlass.principals[${i}].mfaDeviceArn`,
            message: `${show(p.mfaDeviceArn)} is a FIDO security key (u2f): sts assume-role needs a one-time code (--token-code) and a FIDO key gives none, so this principal could never break glass; register a virtual or hardware TOTP device on ${p.arn} (its ARN has ":mfa/") and name it here (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_configure-api-require.html)`,
          },
        ]
      : [],
  );
}

const SECRETS = [
  { role: 'root-password', what: 'the root password', fix: 'give "root-password" to a second responder who holds no "mfa-device" (a deputy with their own copy in the vault)' },
  {
    role: 'mfa-device',
    what: 'a root MFA device',
    fix: `register a second MFA device on the management account root user (up to ${MAX_MFA_DEVICES} are allowed) and give it to a deputy who holds no "root-password"; add "mfa-device" to their custody`,
  },
] as const;

/**
 * One holder per secret fails the night that person is asleep, ill or gone: each root secret needs a deputy, and the
 * root mailbox (where AWS sends the password reset link and the account notices) needs a named owner who does not
 * also hold an MFA device (mailbox plus MFA device is a root sign-in by one person).
 */
export function custodyDeputies(c: RootlockConfig): Problem[] {
  if (c.responders.length < 2) return [];
  const problems: Problem[] = [];
  for (const s of SECRETS) {
    const holders = c.responders.filter((r) => r.custody.includes(s.role));
    if (holders.length === 1) {
      problems.push({
        path: 'responders',
        message: `only ${holders[0].name} holds ${s.what} ("${s.role}"): when they cannot be reached nobody can sign in as the management account root user; ${s.fix}`,
      });
    }
  }
  const owners = c.responders.map((r, i) => ({ r, i })).filter(({ r }) => r.custody.includes('root-mailbox'));
  if (owners.length === 0) {
    problems.push({
      path: 'responders',
      message: 'nobody owns the management account root mailbox ("root-mailbox"): AWS sends the root password reset link and account notices there, and the recovery procedure needs its owner; add "root-mailbox" to the custody of the responder who controls that address (not an MFA device holder)',
    });
  }
  for (const { r, i } of owners) {
    if (r.custody.includes('mfa-device')) {
      problems.push({
        path: `responders[${i}].custody`,
        message: `${show(r.custody)}: ${r.name} would own the root mailbox and hold a root MFA device, enough to reset the root password and sign in alone; give the mailbox to someone who holds no MFA device`,
      });
    }
  }
  return problems;
}
