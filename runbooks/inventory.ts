/** inventory.md: everything rootlock deployed, by name, and how to find what only exists after deploy. */
import type { Model } from '../config/model';
import { scpSpecs } from '../policies/scp';
import { ORG_CONFIG_RULES } from '../detections/catalog';
import { accountLabel, GLOBAL_REGION, scpPathCommands, generatedNote, placeholderSection, playbookLink, respondersTable, subscriptionsList, custodyOf } from './common';
import { GUARD_TEXT } from '../config/model-placement';
import { aws, bullets, code, document, fence, heading, raw, table, prose } from '../render/markdown';

function deadLetterQueuesTable(model: Model): string {
  return table(
    ['Queue', 'Account', 'Region', 'Holds', 'Alarm'],
    model.delivery.deadLetterQueues.map((q) => [
      code(q.arn),
      accountLabel({ name: q.accountName, id: q.accountId }),
      code(q.region),
      q.purpose === 'alert-delivery' ? 'alerts the central rules could not publish to the topic' : `events the account could not forward to ${code(model.pipeline.busName)}`,
      code(q.alarmName),
    ]),
  );
}

export function renderInventory(model: Model): string {
  const org = model.organization;
  const p = model.pipeline;
  const bg = model.breakGlass;
  const scps = scpSpecs(model);

  const body = document([
    heading(2, 'Organization'),
    table(
      ['', ''],
      [
        ['Management account', code(org.managementAccountId)],
        ['Organization', org.existingOrganizationId ? `${code(org.existingOrganizationId)} (adopted)` : 'created by rootlock: its id is known after deploy'],
        ['Root', org.rootId ? code(org.rootId) : 'known after deploy'],
        ['Home region', code(org.homeRegion)],
        ['Event regions', model.eventRegions.map(code).join(', ')],
        ['Centralized root access', org.rootFeatures.map(code).join(', ')],
        ['Security account (delegated administrator)', code(model.security.id)],
        ['Deployment role (the only principal the monitoring protection exempts)', `${code(org.deploymentRoleArnPattern)}: who can assume it is in [${model.runbooks.protection}](${model.runbooks.protection})`],
      ],
    ),
    'Trusted service access:',
    bullets(
      org.servicePrincipals.map((sp) => {
        const why = org.requiredServicePrincipals.find((r) => r.principal === sp)?.why;
        return `${code(sp)}: ${why ?? 'enabled before rootlock, kept'}`;
      }),
    ),
    fence([
      aws('organizations', 'describe-organization', [
        ['--region', GLOBAL_REGION],
        ['--query', 'Organization.[Id,MasterAccountId,FeatureSet]'],
        ['--output', 'text'],
      ]),
      aws('organizations', 'list-roots', [
        ['--region', GLOBAL_REGION],
        ['--query', 'Roots[].[Id,Name]'],
        ['--output', 'text'],
      ]),
    ]),
    heading(2, 'Organizational units'),
    table(
      ['OU', 'Id', 'Accounts', code(model.scps.rootDeny.name), `${code(model.scps.monitoringProtection.name)}-1...${scps.length - 1}`],
      model.ous.map((o) => [
        code(o.path),
        o.existingId ? code(o.existingId) : 'created by rootlock, known after deploy',
        o.accounts.length ? o.accounts.join(', ') : 'none',
        o.rootDenyExemptReason ? `**exempt**: ${prose(o.rootDenyExemptReason ?? '')}` : 'attached',
        model.scps.monitoringProtection.targets.includes(o) ? 'attached' : 'not attached',
      ]),
    ),
    `The management account ${code(model.management.id)} is never covered by SCPs.`,
    heading(2, 'Accounts and break-glass roles'),
    `Role ${code(bg.roleName)} with ${code(bg.adminPolicyArn)}; session ${bg.sessionDurationSeconds} seconds; MFA no older than ${
      bg.mfaMaxAgeSeconds
    } seconds; a source identity is required. May be assumed only by:`,
    table(
      ['Principal', 'MFA device', 'CLI profile', 'Credentials kept in'],
      model.people.breakGlassPrincipals.map((p) => [code(p.arn), code(p.mfaDeviceArn), code(p.profile), prose(p.custody)]),
    ),
    table(
      ['Account', 'OU', 'Stack', 'Break-glass role', 'Console switch role'],
      model.allAccounts.map((a) => [
        `${accountLabel(a)}${a.isManagement ? ', management' : ''}${a.isSecurity ? ', security' : ''}`,
        a.ou ? code(a.ou) : 'none (management)',
        code(a.stackName),
        code(a.breakGlassRoleArn),
        `<${a.switchRoleUrl}>`,
      ]),
    ),
    ...placementSection(model),
    heading(2, 'Service control policies'),
    table(
      ['Name', 'Attached to', 'What it does'],
      scps.map((s) => [code(s.name), s.targets.length ? s.targets.map((o) => code(o.path)).join(', ') : 'nothing', s.description]),
    ),
    'Policy ids exist only after deploy. Find them, and what each is attached to, from the management account:',
    fence(
      scps.flatMap((s) => {
        const v = s.key === 'root_deny' ? 'ROOT_DENY_ID' : 'PROTECTION_ID'; // one variable, reassigned per monitoring-protection part
        return [
          aws(
            'organizations',
            'list-policies',
            [
              ['--region', GLOBAL_REGION],
              ['--filter', 'SERVICE_CONTROL_POLICY'],
              ['--query', raw(`"Policies[?Name=='${s.name}'].Id"`)],
              ['--output', 'text'],
            ],
            v,
          ),
          aws('organizations', 'list-targets-for-policy', [
            ['--region', GLOBAL_REGION],
            ['--policy-id', raw(`"$${v}"`)],
            ['--query', 'Targets[].[TargetId,Name,Type]'],
            ['--output', 'text'],
          ]),
        ];
      }),
    ),
    heading(2, 'Alert pipeline'),
    table(
      ['', ''],
      [
        ['Organization trail', `${code(p.trailName)}, ${code(p.trailArn)}`],
        ['Trail log group', `${code(p.logGroupName)} in ${code(model.security.id)}, ${code(org.homeRegion)}, kept ${p.logRetentionDays} days`],
        ['Metric namespace', code(p.metricNamespace)],
        ['Central event bus', code(p.busArn)],
        ['Alert topic', code(p.topicArn)],
        ['Undeliverable alerts', code(p.deadLetterQueueArn)],
      ],
    ),
    'The topic delivers to:',
    subscriptionsList(model),
    fence([
      aws('sns', 'list-subscriptions-by-topic', [
        ['--region', org.homeRegion],
        ['--topic-arn', p.topicArn],
        ['--query', 'Subscriptions[].[Protocol,Endpoint,SubscriptionArn]'],
        ['--output', 'text'],
      ]),
    ]),
    heading(3, 'Dead-letter queues'),
    'Events a rule could not deliver wait here (14 days); each queue has an alarm that pages (see the alarm playbooks, section Alarms watching the pipeline).',
    deadLetterQueuesTable(model),
    heading(2, 'Detections'),
    table(
      ['Playbook', 'Severity', 'CloudWatch alarm', 'EventBridge rule'],
      model.detections.map((d) => [
        playbookLink(model, d),
        d.severity,
        d.metric ? code(d.metric.alarmName) : 'none',
        d.event ? code(d.event.ruleName) : 'none',
      ]),
    ),
    model.monitoring.config
      ? `AWS Config organization rules: ${ORG_CONFIG_RULES.map((r) => `${code(r.name)} (${r.why})`).join('; ')}.`
      : 'AWS Config is run outside rootlock.',
    model.monitoring.guardDuty
      ? `GuardDuty: delegated administrator is the security account ${code(model.security.id)}.`
      : 'GuardDuty is run outside rootlock.',
    heading(2, 'Responders'),
    respondersTable(model),
    table(
      ['Custody', 'Where'],
      [
        ['Root password', custodyOf(model).rootPassword],
        ['Root MFA device', custodyOf(model).mfaDevice],
        ['Break-glass records', custodyOf(model).recordLocation],
      ],
    ),
  ]);

  return document([heading(1, 'Inventory'), generatedNote(model), placeholderSection(body), body.trimEnd()]);
}

/** Per member account: the OU it is kept in and the rootlock SCPs that really reach it (attached or inherited). */
function placementSection(model: Model): string[] {
  const p = model.placement;
  const scpCell = (scps: Model['placement']['accounts'][number]['scps']) =>
    scps.length ? scps.map((s) => `${code(s.name)} (${s.inherited ? `inherited from ${code(s.attachedTo)}` : `on ${code(s.attachedTo)}`})`).join('; ') : '**none**';
  return [
    heading(2, 'Where each account is kept, and what reaches it'),
    `The management stack adopts every declared account and keeps it in its OU (a move by hand is undone by the next deploy). ${
      'SCPs are inherited: an account is covered by what is attached to its OU and to every OU above it.'
    }`,
    table(
      ['Account', 'Kept in OU', 'rootlock SCPs that reach it'],
      p.accounts.map((a) => [`${code(a.id)} ${a.name}`, code(a.ouPath), scpCell(a.scps)]),
    ),
    p.unmanaged.length
      ? `Left outside rootlock on purpose (${code('unmanagedAccounts')}): not placed, no baseline, no rootlock SCP guaranteed:`
      : `No account is left outside rootlock: any ACTIVE member account not declared above fails the management plan.`,
    p.unmanaged.length ? bullets(p.unmanaged.map((u) => `${code(u.id)}: ${prose(u.reason)}`)) : undefined,
    `When the organization holds an ACTIVE account the configuration does not know, the management plan fails with ${code(
      GUARD_TEXT.undeclared.split(':')[0],
    )} and names it; declare it under ${code('accounts')} or list it under ${code('unmanagedAccounts')} with the reason.`,
    'Check where an account really is, and the SCPs on each step of its path up to the root:',
    fence(scpPathCommands()),
  ].filter((b): b is string => b !== undefined);
}
