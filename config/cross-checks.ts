/** Rules that span fields, run after the schema has accepted each field on its own. Each rule is data with its reason. */
import type { RootlockConfig } from './schema';
import { Problem, show } from './errors';
import { kebab, snake } from './naming';
import { trustChecks } from './cross-checks-trust';
import { breakGlassCredentialFilterFits, rootAccessDelegation } from './cross-checks-root-credentials';
import { accountIdentity } from './cross-checks-accounts';
import { exemptAccountsAcknowledged } from './cross-checks-coverage';
import { custodyDeputies, totpForBreakGlass } from './cross-checks-custody';

function duplicates<T>(items: T[], key: (t: T) => string, path: (i: number) => string, what: string): Problem[] {
  const seen = new Map<string, number>();
  const problems: Problem[] = [];
  items.forEach((item, i) => {
    const k = key(item);
    const first = seen.get(k);
    if (first === undefined) seen.set(k, i);
    else problems.push({ path: path(i), message: `${show(k)} duplicates ${path(first)}: each ${what} must be unique` });
  });
  return problems;
}

/**
 * Every cross-field rule, by name, in the order their problems are reported (the LZA way: one named check per
 * concern, all problems at once). Each check is pure and returns its problems with field path and fix.
 */
const CHECKS: ReadonlyArray<(c: RootlockConfig) => Problem[]> = [
  uniqueNames,
  accountsAreMembers,
  ouParents,
  parentCycles,
  exemptionReasons,
  organizationIds,
  securityAccountIsDeclared,
  alertDestinations,
  twoPersonRule,
  custodyDeputies,
  totpForBreakGlass,
  breakGlassPrincipalChecks,
  reachability,
  complianceChecks,
  inheritedExemptions,
  unmanagedAccounts,
  trustChecks,
  breakGlassCredentialFilterFits,
  rootAccessDelegation,
  accountIdentity,
  exemptAccountsAcknowledged,
];

export function crossCheck(c: RootlockConfig): Problem[] {
  return CHECKS.flatMap((check) => check(c));
}

/** Names become stack names (baseline-<name>) and logical ids, so they must differ in more than case and punctuation. */
function uniqueNames(c: RootlockConfig): Problem[] {
  const withId = c.organizationalUnits.map((o, i) => ({ o, i })).filter(({ o }) => o.id);
  const problems = [
    ...duplicates(c.organizationalUnits, (o) => snake(o.name), (i) => `organizationalUnits[${i}].name`, 'OU name (ignoring case and punctuation)'),
    ...duplicates(withId, ({ o }) => o.id!, (k) => `organizationalUnits[${withId[k].i}].id`, 'OU id'),
    ...duplicates(c.accounts, (a) => kebab(a.name), (i) => `accounts[${i}].name`, 'account name (ignoring case and punctuation)'),
    ...duplicates(c.breakGlass.principals, (p) => p.arn, (i) => `breakGlass.principals[${i}].arn`, 'principal'),
    ...duplicates(c.exemptions, (e) => e.ou, (i) => `exemptions[${i}].ou`, 'exempted OU'),
  ];
  c.accounts.forEach((a, i) => {
    if (kebab(a.name) === 'management') problems.push({ path: `accounts[${i}].name`, message: `${show(a.name)} is reserved for the management account's baseline stack: rename the member account` });
  });
  return problems;
}

/** Member accounts only, each in a declared OU. */
function accountsAreMembers(c: RootlockConfig): Problem[] {
  const ouNames = new Set(c.organizationalUnits.map((o) => o.name));
  const problems: Problem[] = [];
  c.accounts.forEach((a, i) => {
    if (a.id === c.organization.managementAccountId) {
      problems.push({ path: `accounts[${i}].id`, message: `${show(a.id)} is the management account: list only member accounts here` });
    }
    if (!ouNames.has(a.ou)) {
      problems.push({ path: `accounts[${i}].ou`, message: `${show(a.ou)} is not an OU in organizationalUnits (known: ${[...ouNames].join(', ')})` });
    }
  });
  return problems;
}

/** An adopted OU keeps its place; an OU to create needs a parent that exists. */
function ouParents(c: RootlockConfig): Problem[] {
  const ouNames = new Set(c.organizationalUnits.map((o) => o.name));
  const problems: Problem[] = [];
  c.organizationalUnits.forEach((o, i) => {
    if (o.id && o.parent !== undefined) {
      problems.push({ path: `organizationalUnits[${i}].parent`, message: `${show(o.parent)} is set on an adopted OU (id ${o.id}): an adopted OU keeps its place, remove parent` });
    }
    if (!o.id) {
      if (o.parent === undefined) {
        problems.push({ path: `organizationalUnits[${i}].parent`, message: `missing: an OU to create needs a parent ("root" or another OU's name), or an id to adopt it` });
      } else if (o.parent === o.name) {
        problems.push({ path: `organizationalUnits[${i}].parent`, message: `${show(o.parent)} is the OU itself` });
      } else if (o.parent !== 'root' && !ouNames.has(o.parent)) {
        problems.push({ path: `organizationalUnits[${i}].parent`, message: `${show(o.parent)} is neither "root" nor an OU in organizationalUnits` });
      } else if (o.parent === 'root' && c.organization.existingOrganizationId && !c.organization.rootId) {
        problems.push({ path: `organizationalUnits[${i}].parent`, message: `"root" of an adopted organization needs organization.rootId (find it with: aws organizations list-roots)` });
      }
    }
  });
  return problems;
}

/** An exemption names a declared OU and says why, for the reviewer. */
function exemptionReasons(c: RootlockConfig): Problem[] {
  const ouNames = new Set(c.organizationalUnits.map((o) => o.name));
  const problems: Problem[] = [];
  c.exemptions.forEach((e, i) => {
    if (!ouNames.has(e.ou)) problems.push({ path: `exemptions[${i}].ou`, message: `${show(e.ou)} is not an OU in organizationalUnits` });
    if ((e.reason ?? '').trim().length < 10) {
      problems.push({
        path: `exemptions[${i}].reason`,
        message: `${show(e.reason)}: OU ${show(e.ou)} would be left without the root-deny SCP and no reason is written; give the reason a reviewer can check (10+ characters) or remove the exemption`,
      });
    }
  });
  return problems;
}

function organizationIds(c: RootlockConfig): Problem[] {
  return c.organization.rootId && !c.organization.existingOrganizationId
    ? [{ path: 'organization.rootId', message: `${show(c.organization.rootId)} is set but no existingOrganizationId: a created organization's root id is not known yet, remove rootId` }]
    : [];
}

function securityAccountIsDeclared(c: RootlockConfig): Problem[] {
  return c.accounts.some((a) => a.name === c.securityAccount)
    ? []
    : [{ path: 'securityAccount', message: `${show(c.securityAccount)} is not the name of an account in accounts (known: ${c.accounts.map((a) => a.name).join(', ')})` }];
}

/** Root use must page someone, each destination once. */
function alertDestinations(c: RootlockConfig): Problem[] {
  return [
    ...(c.alerts.emails.length + c.alerts.httpsEndpoints.length === 0
      ? [{ path: 'alerts', message: 'has no destination: add at least one of alerts.emails or alerts.httpsEndpoints, or root use pages nobody' }]
      : []),
    ...duplicates(c.alerts.emails, (e) => e.toLowerCase(), (i) => `alerts.emails[${i}]`, 'email'),
    ...duplicates(c.alerts.httpsEndpoints, (e) => e, (i) => `alerts.httpsEndpoints[${i}]`, 'endpoint'),
  ];
}

/**
 * An SCP attached to an OU applies to every OU and account below it (Organizations: "policy inheritance"), so an
 * exemption holds only where no ancestor OU carries the root-deny SCP. Adopted OUs have no parent in the
 * configuration: their ancestors are not known here (see README, exemptions).
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_inheritance_auth.html
 */
function inheritedExemptions(c: RootlockConfig): Problem[] {
  const exempt = new Set(c.exemptions.map((e) => e.ou));
  const byName = new Map(c.organizationalUnits.map((o) => [o.name, o]));
  const problems: Problem[] = [];
  c.exemptions.forEach((e, i) => {
    const seen = new Set<string>([e.ou]);
    let cursor = byName.get(e.ou);
    while (cursor && !cursor.id && cursor.parent && cursor.parent !== 'root' && !seen.has(cursor.parent)) {
      seen.add(cursor.parent);
      const ancestor = byName.get(cursor.parent);
      if (!ancestor) break;
      if (!exempt.has(ancestor.name)) {
        problems.push({
          path: `exemptions[${i}].ou`,
          message: `${show(e.ou)} is below ${show(ancestor.name)}, which carries the root-deny SCP: the SCP is inherited, so this exemption cannot take effect. Exempt ${show(ancestor.name)} too, or give ${show(e.ou)} a parent without the root-deny SCP ("root" or an exempt OU)`,
        });
        return;
      }
      cursor = ancestor;
    }
  });
  return problems;
}

/** Accounts left outside rootlock: each with a reason, none also declared, never the management account. */
function unmanagedAccounts(c: RootlockConfig): Problem[] {
  const problems = duplicates(c.unmanagedAccounts, (u) => u.id, (i) => `unmanagedAccounts[${i}].id`, 'unmanaged account id');
  const declared = new Map(c.accounts.map((a, i) => [a.id, i]));
  c.unmanagedAccounts.forEach((u, i) => {
    const at = declared.get(u.id);
    if (at !== undefined) {
      problems.push({ path: `unmanagedAccounts[${i}].id`, message: `${show(u.id)} is also declared as accounts[${at}]: an account is either placed by rootlock or left alone, remove one of the two` });
    }
    if (u.id === c.organization.managementAccountId) {
      problems.push({ path: `unmanagedAccounts[${i}].id`, message: `${show(u.id)} is the management account: it is never placed or covered by SCPs, remove it` });
    }
    if ((u.reason ?? '').trim().length < 10) {
      problems.push({
        path: `unmanagedAccounts[${i}].reason`,
        message: `${show(u.reason)}: account ${show(u.id)} would be left outside the root-deny SCP with no reason written; give the reason a reviewer can check (10+ characters), or declare it under accounts`,
      });
    }
  });
  return problems;
}

function parentCycles(c: RootlockConfig): Problem[] {
  const parentOf = new Map(c.organizationalUnits.filter((o) => !o.id && o.parent).map((o) => [o.name, o.parent!]));
  const problems: Problem[] = [];
  c.organizationalUnits.forEach((o, i) => {
    const seen = new Set<string>([o.name]);
    let cursor = parentOf.get(o.name);
    while (cursor && cursor !== 'root') {
      if (seen.has(cursor)) {
        problems.push({ path: `organizationalUnits[${i}].parent`, message: `${show(o.parent)} makes a cycle (${[...seen, cursor].join(' -> ')})` });
        return;
      }
      seen.add(cursor);
      cursor = parentOf.get(cursor);
    }
  });
  return problems;
}

/** The two-person rule: nobody holds both the root password and the MFA device, and each is held by someone. */
function twoPersonRule(c: RootlockConfig): Problem[] {
  const problems: Problem[] = [];
  if (c.responders.length < 2) {
    problems.push({ path: 'responders', message: `has ${c.responders.length} responder(s): the two-person rule needs at least two, one holding the root password and another the MFA device` });
    return problems;
  }
  problems.push(...duplicates(c.responders, (r) => r.name.toLowerCase(), (i) => `responders[${i}].name`, 'responder name'));
  c.responders.forEach((r, i) => {
    if (r.custody.includes('root-password') && r.custody.includes('mfa-device')) {
      problems.push({ path: `responders[${i}].custody`, message: `${show(r.custody)}: ${r.name} would hold both the root password and the MFA device; give them to two different people` });
    }
  });
  for (const role of ['root-password', 'mfa-device'] as const) {
    if (!c.responders.some((r) => r.custody.includes(role))) {
      problems.push({ path: 'responders', message: `nobody holds "${role}": add it to one responder's custody (and the other secret to another responder)` });
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------------------------------
// Break-glass principals that can pass the trust policy, and people who can be reached

/** IAM Identity Center roles: `AWSReservedSSO_*`, created under the path `/aws-reserved/sso.amazonaws.com/`. */
const IDENTITY_CENTER_ROLE = /:role\/(aws-reserved\/sso\.amazonaws\.com\/([\w+=,.@-]+\/)*)?AWSReservedSSO_/;
const ASSUMED_ROLE = /^arn:aws[\w-]*:sts::\d{12}:assumed-role\//;
const ROLE = /^arn:aws[\w-]*:iam::\d{12}:role\//;
/**
 * Role chaining caps a session at one hour whatever the role allows:
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html#iam-term-role-chaining
 */
export const ROLE_CHAINING_MAX_SECONDS = 3600;

/**
 * The trust policy requires fresh MFA. MFA-protected AssumeRole takes the serial number of the calling IAM user's own
 * device (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_configure-api-require.html); a session
 * (assumed-role ARN) is not a principal a policy can name durably, and IAM Identity Center / SAML sessions carry no
 * MFA context to STS, so such a principal could never break glass, least of all when single sign-on is down.
 */
function breakGlassPrincipalChecks(c: RootlockConfig): Problem[] {
  const problems: Problem[] = [];
  c.breakGlass.principals.forEach((p, i) => {
    const path = `breakGlass.principals[${i}].arn`;
    if (ASSUMED_ROLE.test(p.arn)) {
      problems.push({
        path,
        message: `${show(p.arn)} is a role session (assumed-role), not a principal: a session ends, and MFA-protected AssumeRole needs the calling IAM user's own MFA device; name the IAM user that breaks glass (arn:aws:iam::<account>:user/<name>)`,
      });
    } else if (IDENTITY_CENTER_ROLE.test(p.arn)) {
      problems.push({
        path,
        message: `${show(p.arn)} is an IAM Identity Center role: its sessions come from single sign-on (SAML) and carry no MFA context, so they can never pass the break-glass MFA condition, and break glass is needed exactly when single sign-on is down; name a dedicated IAM user with its own MFA device instead`,
      });
    }
  });
  const roles = c.breakGlass.principals.filter((p) => ROLE.test(p.arn));
  if (roles.length > 0 && c.breakGlass.sessionDurationSeconds > ROLE_CHAINING_MAX_SECONDS) {
    problems.push({
      path: 'breakGlass.sessionDurationSeconds',
      message: `${c.breakGlass.sessionDurationSeconds} is longer than ${ROLE_CHAINING_MAX_SECONDS} seconds while ${roles.map((r) => r.arn).join(', ')} is a role: a role session assuming a role (role chaining) is capped at one hour and STS rejects a longer --duration-seconds; set at most ${ROLE_CHAINING_MAX_SECONDS} or use IAM user principals only`,
    });
  }
  return problems;
}

/** The two-person rule needs an approver outside both custodies, and every custodian and approver needs a phone. */
function reachability(c: RootlockConfig): Problem[] {
  const problems: Problem[] = [];
  const approvers = c.responders.filter((r) => r.custody.includes('approver'));
  const independent = approvers.filter((r) => !r.custody.includes('root-password') && !r.custody.includes('mfa-device'));
  if (c.responders.length >= 2 && independent.length === 0) {
    problems.push({
      path: 'responders',
      message: `no approver holds neither the root password nor the MFA device (${approvers.length ? `approvers: ${approvers.map((r) => r.name).join(', ')}` : 'no approver at all'}): an approver who holds a secret approves their own use, so the two-person rule can never be met; add "approver" to the custody of a responder who holds neither`,
    });
  }
  c.responders.forEach((r, i) => {
    if (r.custody.length > 0 && !r.contact.phone) {
      problems.push({
        path: `responders[${i}].contact.phone`,
        message: `missing: ${r.name} holds ${r.custody.join(', ')} and must be reachable by a call at 3 a.m.; add a phone number such as "+44 20 7946 0001"`,
      });
    }
  });
  return problems;
}

/** Not errors, but worth a reviewer's attention: each with its path and why. */
export function crossWarnings(c: RootlockConfig): Problem[] {
  return c.breakGlass.principals.flatMap((p, i) =>
    ROLE.test(p.arn) && !IDENTITY_CENTER_ROLE.test(p.arn)
      ? [
          {
            path: `breakGlass.principals[${i}].arn`,
            message: `${show(p.arn)} is a role: it can break glass only from a session that already carries MFA (role chaining, at most ${ROLE_CHAINING_MAX_SECONDS} seconds) and only while whatever signs in to that role works; an IAM user with its own MFA device is the dependable choice`,
          },
        ]
      : [],
  );
}

/** Weaker than the default only with a written reason (Object Lock off), and the compliance alarm must reach someone. */
function complianceChecks(c: RootlockConfig): Problem[] {
  const problems: Problem[] = [];
  const lock = c.compliance.trailObjectLock;
  if (!lock.enabled && (lock.reason ?? '').trim().length < 10) {
    problems.push({
      path: 'compliance.trailObjectLock.reason',
      message: `${show(lock.reason)}: Object Lock is off, so trail logs can be deleted before logging.retentionDays; write why (10+ characters) or set enabled: true`,
    });
  }
  if (lock.enabled && lock.reason !== undefined) {
    problems.push({ path: 'compliance.trailObjectLock.reason', message: 'is set but Object Lock is enabled: a reason is only for turning it off, remove it' });
  }
  const emails = c.compliance.emails ?? c.alerts.emails;
  if (c.compliance.emails !== undefined && emails.length === 0) {
    problems.push({ path: 'compliance.emails', message: 'is empty: the CIS 4.3 alarm would notify nobody and the check fails; give a compliance mailbox or remove the field to use alerts.emails' });
  }
  problems.push(...duplicates(c.compliance.emails ?? [], (e) => e.toLowerCase(), (i) => `compliance.emails[${i}]`, 'email'));
  return problems;
}
