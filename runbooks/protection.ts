/**
 * monitoring-protection.md: who can change the alarm pipeline (the principals that can assume the one exempt role),
 * what the monitoring-protection SCPs protect, and what they deliberately leave open, with the reasons. Rendered from
 * the protected set and the reviewed classification, the same data the SCPs are generated from.
 */
import type { Model } from '../config/model';
import { accountScopedDenies, decide, openArnless } from '../policies/protection-scp';
import { scpSpecs } from '../policies/scp';
import { DENY_TO_EVERYONE } from '../policies/protection-classification';
import { generatedNote, GLOBAL_REGION } from './common';
import { aws, bullets, code, document, fence, heading, table } from '../render/markdown';

const DEFAULT_ORGANIZATIONS_ROLE = 'OrganizationAccountAccessRole';

function whoCanAssume(model: Model): string[] {
  const pr = model.protection;
  if (pr.deploymentRoleTrustedBy.length > 0) {
    return [`The configuration declares that only these principals can assume ${code(pr.deploymentRoleName)}:`, bullets(pr.deploymentRoleTrustedBy.map(code))];
  }
  if (pr.deploymentRoleName === DEFAULT_ORGANIZATIONS_ROLE) {
    return [
      `**Not narrowed.** ${code(DEFAULT_ORGANIZATIONS_ROLE)} trusts the whole management account ${code(model.management.id)} as Organizations creates it: every principal there with ${code(
        'sts:AssumeRole',
      )} on it can assume it, and so can change or destroy the alarm pipeline. Use a dedicated deployment role that trusts only the deploy pipeline, and declare its principals in ${code(
        'organization.deploymentRoleTrustedBy',
      )}.`,
    ];
  }
  return [`Not declared in the configuration (${code('organization.deploymentRoleTrustedBy')}). Check the trust policy of ${code(pr.deploymentRoleName)} in each account:`];
}

export function renderProtection(model: Model): string {
  const pr = model.protection;
  const names = scpSpecs(model)
    .filter((s) => s.key.startsWith('monitoring_protection'))
    .map((s) => code(s.name));
  const decisions = pr.resources.map(decide);
  const where = (h: string) => (h === 'security' ? `the security account ${code(pr.securityAccountId)}` : 'every member account');
  const scope = (d: (typeof decisions)[number]) => {
    const s = d.resource.scope;
    if (s.by === 'arn') return s.arns.map(code).join(', ');
    if (s.by === 'tag') return `any resource tagged ${code(s.tagKey)}`;
    return `requests with ${code(s.conditionKey)} = ${s.values.map(code).join(', ')}`;
  };
  const openOnProtected = decisions.flatMap((d) => d.open.map((o) => [code(o.action), d.resource.what, o.why]));

  return document([
    heading(1, 'Monitoring protection'),
    generatedNote(model),
    `The SCPs ${names.join(', ')} deny every change to the root-usage alarm pipeline to every principal of every member account except the deployment role ${code(
      pr.deploymentRoleArnPattern,
    )}. The break-glass role and every administrator are denied too. The management account is never affected by SCPs.`,
    heading(2, 'Who can change the alarm pipeline'),
    `Whoever can assume ${code(pr.deploymentRoleName)} in an account can change or remove the alarm pipeline there.`,
    ...whoCanAssume(model),
    fence([aws('iam', 'get-role', [['--region', GLOBAL_REGION], ['--role-name', pr.deploymentRoleName], ['--query', 'Role.AssumeRolePolicyDocument'], ['--output', 'json']])]),
    `Nobody, the deployment role included, can take a member account out of the organization (${DENY_TO_EVERYONE.map(code).join(', ')}).`,
    heading(2, 'What is protected'),
    table(
      ['What', 'Recognised by', 'Where', 'Changing actions denied'],
      decisions.map((d) => [d.resource.what, scope(d), where(d.resource.holder), String(d.denied.length)]),
    ),
    heading(2, 'Denied by account'),
    'These actions name no resource, so they are denied in the account that holds the protected resources.',
    table(
      ['Action', 'Denied in', 'Why'],
      accountScopedDenies(model).map((a) => [code(a.action), DENY_TO_EVERYONE.includes(a.action) ? 'every member account, to everyone' : where(a.holder), a.why]),
    ),
    heading(2, 'Left open on purpose'),
    table(['Action', 'On', 'Why'], [...openOnProtected, ...openArnless(model).map((o) => [code(o.action), 'no resource (account-wide)', o.why])]),
  ]);
}
