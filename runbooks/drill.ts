/** drill.md: what `npm run drill` sends, what the pager then shows, and how to tell a drill from an incident. */
import type { Model } from '../config/model';
import { DRILL_DETAIL_TYPE, DRILL_MARKER, DRILL_SOURCE } from '../detections/drill';
import { planPaths } from '../drill/plan';
import { generatedNote, insightsCommands, playbookLink, timeWindow } from './common';
import { bullets, code, document, fence, heading, table } from '../render/markdown';

export function renderDrill(model: Model): string {
  const p = model.pipeline;
  const paths = planPaths(model);
  const drill = model.detections.find((d) => d.id === 'drill');
  const kindText: Record<string, string> = {
    event: `a custom event (source ${code(DRILL_SOURCE)}, detail-type ${code(DRILL_DETAIL_TYPE)}) on the account's default event bus`,
    metric: `a synthetic trail record in ${code(p.logGroupName)} (log stream ${code(`${DRILL_MARKER}/<run id>`)}) that the metric filter counts`,
    guardduty: 'a GuardDuty sample finding of type `Policy:IAMUser/RootCredentialUsage` in the security account',
    health: `the drill's own alarm ${code(model.health.drillAlarm.alarmName)} set to ALARM (SetAlarmState); its action pages the health topic ${code(model.health.topicArn)}, then it is set back to OK`,
    config: 'nothing: see the reason',
  };
  return document([
    heading(1, 'Drill'),
    generatedNote(model),
    `A drill proves that a root event reaches the pager: for every delivery path it injects a harmless, clearly marked synthetic event at the path's start and waits for the page at the alert topic ${code(
      p.topicArn,
    )} through a temporary SQS subscriber that it removes afterwards (the ${code('health')} path: at the health topic ${code(
      model.health.topicArn,
    )}, through its own temporary subscriber). It runs weekly and after each deploy (see README, "Drill").`,
    heading(2, 'What it sends'),
    table(
      ['Path', 'Injected in', 'What'],
      paths.map((x) => [code(x.name), `${x.account.name} (${code(x.account.id)}), ${code(x.region)}`, x.notDriven ? `not driven: ${x.notDriven.replace(/^not driven: /, '')}` : kindText[x.kind]]),
    ),
    heading(2, 'What the pager shows'),
    bullets([
      `${code('event:')} paths: one message per account and region from the rule ${code(drill?.event?.ruleName ?? 'rootlock-drill')}: the event names source ${code(DRILL_SOURCE)}, its account and region, and a ${code(
        'runId',
      )} starting with ${code(DRILL_MARKER)}; its note says "DRILL ... Not an incident".${drill ? ` Playbook: ${playbookLink(model, drill)}.` : ''}`,
      `${code('metric:')} paths: the real alarms (one notification each, state ALARM), because the alarm cannot know why its metric rose. These look exactly like an incident: check the drill schedule first, then the trail records below.`,
      `${code('health')}: one notification of the alarm ${code(model.health.drillAlarm.alarmName)} (state ALARM, its description and reason say DRILL and the run id) on the health topic's subscriptions; setting it back to OK sends nothing.`,
      `${code('guardduty')}: a GuardDuty finding whose title ends with "(sample finding)" and whose ${code('service.additionalInfo.sample')} is true.`,
    ]),
    heading(2, 'Drill or incident?'),
    bullets([
      'A drill runs on a schedule (the weekly drill workflow) or right after a deploy, and pages every path within a few minutes. One alarm alone is not a drill.',
      `Drill events carry source ${code(DRILL_SOURCE)}: AWS services only ever use ${code('aws.*')} sources, so a root-sign-in or GuardDuty page never has it.`,
      [
        `Drill trail records carry a ${code('rootlockDrill')} block, ${code(`userAgent = ${DRILL_MARKER}`)} and ${code('eventID')} = the run id, and sit in a log stream named ${code(
          `${DRILL_MARKER}/<run id>`,
        )}, never in CloudTrail's own streams. List the drill records of the last day:`,
        fence([...timeWindow(24), ...insightsCommands(model, `fields @timestamp, @logStream, rootlockDrill.runId, eventName | filter @message like /${DRILL_MARKER}/ | sort @timestamp desc | limit 100`)]),
      ],
      'If an alarm fired and no drill record explains it, it is an incident: follow its playbook.',
    ]),
  ]);
}
