/** Cross-field rules of the root-credential detections (detections/root-credentials.ts), run with the others. */
import type { RootlockConfig } from './schema';
import type { Problem } from './errors';
import { resolvePeople } from './model-people';
import { breakGlassCredentialFilter, METRIC_FILTER_PATTERN_MAX } from '../detections/break-glass-filter';

/** The break-glass users' credential filter must fit one CloudWatch Logs metric filter, or the security stack would not deploy. */
export function breakGlassCredentialFilterFits(c: RootlockConfig): Problem[] {
  const users = resolvePeople(c).breakGlassPrincipals.filter((p) => p.kind === 'user');
  if (users.length === 0) return [];
  const length = breakGlassCredentialFilter(users).length;
  if (length <= METRIC_FILTER_PATTERN_MAX) return [];
  return [
    {
      path: 'breakGlass.principals',
      message: `the metric filter that pages on any change to the ${users.length} break-glass users' credentials would be ${length} characters, over CloudWatch Logs' limit of ${METRIC_FILTER_PATTERN_MAX}: use fewer break-glass users (two or three, each with its MFA device) or shorter user names`,
    },
  ];
}

/**
 * A delegated administrator for centralized root access is the security account, its principals are its own, and its
 * OU keeps the root-deny SCP (which carries the sts:AssumeRoot limits, policies/assume-root-scp.ts).
 */
export function rootAccessDelegation(c: RootlockConfig): Problem[] {
  const d = c.rootAccess.delegatedAdministrator;
  if (!d) return [];
  const security = c.accounts.find((a) => a.name === c.securityAccount);
  if (!security) return []; // securityAccountIsDeclared reports it
  const problems: Problem[] = [];
  d.principals.forEach((arn, i) => {
    const account = arn.split(':')[4];
    if (account !== security.id) {
      problems.push({
        path: `rootAccess.delegatedAdministrator.principals[${i}]`,
        message: `${JSON.stringify(arn)} is in account ${account}: only principals of the security account ${security.id} (${c.securityAccount}), the delegated administrator, can call sts:AssumeRoot; name a role there`,
      });
    }
  });
  const exempt = c.exemptions.find((e) => e.ou === security.ou);
  if (exempt) {
    problems.push({
      path: 'rootAccess.delegatedAdministrator',
      message: `the security account's OU ${JSON.stringify(security.ou)} is exempt from the root-deny SCP, which carries the sts:AssumeRoot limits: remove the exemption or move the security account to a covered OU`,
    });
  }
  return problems;
}
