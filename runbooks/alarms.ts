/** alarm-playbooks.md: one playbook per detection, named exactly like its alarm and rule. */
import { GLOBAL_EVENTS_REGION, type Model } from '../config/model';
import { ORG_CONFIG_RULES, type Detection } from '../detections/catalog';
import {
  detectionNames,
  generatedNote,
  insightsCommands,
  lookupEvents,
  people,
  placeholderSection,
  playbookHeading,
  playbookAnchor,
  playbookLink,
  contactOf,
  independentApprovers,
  timeWindow,
  custodyOf,
  ph,
} from './common';
import { aws, bullets, code, document, fence, heading, link, raw, slug, steps, table, prose } from '../render/markdown';
import { closeCriteriaSection, containNow, RECOVERY_HEADING, recoverySection, severityFirst, timelineSection } from './common-triage';

/** Detections that mean a root user acted for real, versus expected AssumeRoot task sessions. */
const REAL_ROOT = new Set(['root-console-sign-in', 'root-usage', 'guardduty-root-credential-usage', 'config-root-rule-noncompliant']);

function regionsOf(model: Model, d: Detection): string[] {
  if (!d.event) return [model.organization.homeRegion];
  if (d.event.regions === 'home') return [model.organization.homeRegion];
  if (d.event.regions === 'global') return [GLOBAL_EVENTS_REGION];
  return model.eventRegions;
}

function firesAs(model: Model, d: Detection): string {
  const sec = model.security;
  const home = model.organization.homeRegion;
  const rows: string[][] = [['Severity', d.severity]];
  if (d.metric) {
    rows.push([
      'CloudWatch alarm',
      `${code(d.metric.alarmName)} on metric ${code(`${model.pipeline.metricNamespace}/${d.metric.metricName}`)} (metric filter ${code(
        d.metric.filterName,
      )} on ${code(model.pipeline.logGroupName)}), security account ${code(sec.id)}, ${code(home)}`,
    ]);
  }
  if (d.event) {
    const where =
      d.event.scope === 'forwarded'
        ? `in every account in ${regionsOf(model, d).map(code).join(' and ')}, forwarded to the bus ${code(
            model.pipeline.busName,
          )} in the security account, where a rule of the same name pages`
        : `on the default event bus of the security account ${code(sec.id)}, ${code(home)}`;
    rows.push(['EventBridge rule', `${code(d.event.ruleName)}, ${where}`]);
  }
  if (d.metric?.route === 'compliance') {
    rows.push(['Notifies', `the compliance topic ${code(model.compliance.topicArn)} only (low noise, never the pager)`]);
  } else rows.push(['Pages', `topic ${code(model.pipeline.topicArn)}`]);
  return table(['What', 'Details'], rows);
}

function extraTriage(model: Model, d: Detection): Array<string | string[]> {
  const home = model.organization.homeRegion;
  const detail = (d.event?.pattern as { detail?: { type?: unknown[] } } | undefined)?.detail;
  if (d.id === 'guardduty-root-credential-usage' && Array.isArray(detail?.type)) {
    // Only this account's open findings: GuardDuty keeps findings for 90 days, so an unfiltered list mixes in old,
    // archived ones (FindingCriteria fields accountId and service.archived, GuardDuty API reference).
    const criterion = JSON.stringify({ Criterion: { type: { Eq: detail.type }, accountId: { Eq: [ph('ACCOUNT-ID')] }, 'service.archived': { Eq: ['false'] } } });
    return [
      [
        `In the security account, read every open (unarchived) finding of the affected account in full (caller, IP address, API calls). ${code(
          ph('ACCOUNT-ID'),
        )} is the account the page names (the finding's ${code('detail.accountId')}, not the account that sent the event):`,
        fence([
          aws(
            'guardduty',
            'list-detectors',
            [
              ['--region', home],
              ['--query', 'DetectorIds[0]'],
              ['--output', 'text'],
            ],
            'DETECTOR_ID',
          ),
          `for FINDING_ID in $(${aws('guardduty', 'list-findings', [
            ['--region', home],
            ['--detector-id', raw('"$DETECTOR_ID"')],
            ['--finding-criteria', criterion],
            ['--query', 'FindingIds[]'],
            ['--output', 'text'],
          ])}); do ${aws('guardduty', 'get-findings', [
            ['--region', home],
            ['--detector-id', raw('"$DETECTOR_ID"')],
            ['--finding-ids', raw('"$FINDING_ID"')],
          ])}; done`,
        ]),
      ],
    ];
  }
  if (d.id === 'config-root-rule-noncompliant') {
    return [
      [
        `In the account the alarm names, list what is NON_COMPLIANT (the organization rules are named ${ORG_CONFIG_RULES.map((r) => code(r.name)).join(
          ', ',
        )}, prefixed ${code('OrgConfigRule-')} in the account):`,
        fence([
          aws('configservice', 'describe-compliance-by-config-rule', [
            ['--region', home],
            ['--compliance-types', 'NON_COMPLIANT'],
          ]),
        ]),
      ],
    ];
  }
  return [];
}

function playbook(model: Model, d: Detection): string {
  const approvers = independentApprovers(model);
  const everyone = model.people.responders;
  const lookupRegions = d.event?.regions === 'global' ? [GLOBAL_EVENTS_REGION] : model.eventRegions;
  const triage: Array<string | string[]> = [
    `Acknowledge the page. Open a record in ${custodyOf(model).recordLocation}, or find the break-glass or change record this belongs to. Start the ${link(
      'incident timeline',
      `#${slug('Incident timeline')}`,
    )} in it.`,
    `Get read access to the security account ${code(model.security.id)} (your normal role, or ${link(
      'break glass',
      model.runbooks.breakGlass,
    )} if that is down).`,
    ...severityFirst(model, d),
    [
      `Query the organization trail: who, which account, which region. The window is the last 24 hours; widen ${code('START')} if needed.`,
      fence([...timeWindow(24), ...insightsCommands(model, d.insightsQuery)]),
    ],
    ...extraTriage(model, d),
  ];
  if (d.triageEvents.length) {
    triage.push([
      `In the account the query found (${code(
        'recipientAccountId',
      )}), look the events up in CloudTrail. Lookup sees only the account and region it runs in; global events (sign-in, IAM, STS) are in ${code(
        GLOBAL_EVENTS_REGION,
      )}.`,
      fence([...timeWindow(24), ...lookupRegions.flatMap((r) => d.triageEvents.map((e) => lookupEvents(r, 'EventName', e)))]),
    ]);
  }
  triage.push('Match what you found to an approved record. It matches: write the page into that record and stop here. It does not match: contain.');
  return [
    playbookAnchor(model, d.id),
    heading(2, playbookHeading(d)),
    firesAs(model, d),
    `**Why it matters:** ${d.why}`,
    heading(3, 'Triage'),
    steps(triage),
    heading(3, 'Contain'),
    steps([...containNow(model, d), ...d.contain]),
    heading(3, 'Escalate'),
    d.severity === 'critical'
      ? 'Critical: call an approver now, whatever the hour. If none answers within 15 minutes, call the next responder on the list.'
      : 'High: call an approver if it does not match a record; otherwise tell them in working hours.',
    people(approvers, '**No approver is configured**: call every responder.'),
    `All responders: ${everyone.map((r) => `${prose(r.name)} (${contactOf(r)})`).join('; ')}.`,
  ].join('\n\n');
}

/** `appendix`: further playbook sections (the pipeline watch alarms), rendered by their own module. */
export function renderAlarmPlaybooks(model: Model, appendix: string[] = []): string {
  const detections = model.detections;
  const real = detections.filter((d) => REAL_ROOT.has(d.id));
  const sessions = detections.filter((d) => d.id === 'root-task-session' || d.id === 'break-glass-assumed');
  const compliance = detections.filter((d) => d.metric?.route === 'compliance');
  const integrity = detections.filter((d) => !real.includes(d) && !sessions.includes(d) && !compliance.includes(d));
  const byName = detections.flatMap((d) => detectionNames(d).map((n) => [n, d] as const)).sort(([a], [b]) => a.localeCompare(b));

  const body = document([
    heading(2, 'Find the playbook'),
    'Find the name from the page (alarm or rule name) and open its playbook.',
    table(
      ['Name in the page', 'Kind', 'Severity', 'Playbook'],
      byName.map(([n, d]) => [code(n), d.metric?.alarmName === n ? 'CloudWatch alarm' : 'EventBridge rule', d.severity, playbookLink(model, d, d.title, true)]),
    ),
    heading(2, 'Real root use or a task session?'),
    bullets([
      `Real root use, always an incident unless a record approved it: ${real.map((d) => playbookLink(model, d, d.title, true)).join(', ')}.`,
      `Expected sessions that must match a record: ${sessions
        .map((d) => playbookLink(model, d, d.title, true))
        .join(', ')}. An AssumeRoot task session never triggers the real root use alarms, and real root use never hides behind the task session alarm.`,
      `Someone is blinding the alarms or loosening the lock: ${integrity.map((d) => playbookLink(model, d, d.title, true)).join(', ')}.`,
      ...compliance.map((d) => `For auditors, never the only page: ${playbookLink(model, d, d.title, true)} (see ${link('the compliance map', model.runbooks.compliance)}).`),
    ]),
    `Root password, email or MFA device already changed by someone else: ${link(RECOVERY_HEADING, `#${slug(RECOVERY_HEADING)}`)}.`,
    ...detections.map((d) => playbook(model, d)),
    ...recoverySection(),
    ...timelineSection(),
    ...closeCriteriaSection(model),
    ...appendix,
  ]);
  // Anchors must stay unique: two detections with the same title would share one.
  const anchors = detections.map((d) => slug(playbookHeading(d)));
  if (new Set(anchors).size !== anchors.length) throw new Error('two detections share a title, so their playbooks would share an anchor');

  return document([heading(1, 'Alarm playbooks'), generatedNote(model), placeholderSection(body), body.trimEnd()]);
}
