/**
 * Playbooks for the alarms that watch the alert pipeline itself (modules/pipeline-watch.ts, modules/watch-alarms.ts):
 * trail delivery stopped, alerts that could not be published, events an account could not forward. Rendered into
 * alarm-playbooks.md after the detection playbooks, each behind its explicit anchor.
 */
import type { Model } from '../config/model';
import { custodyOf, GLOBAL_REGION, people, playbookAnchor, respondersWith } from './common';
import { aws, code, fence, heading, link, steps, table } from '../render/markdown';
import { DLQ_READ_VISIBILITY_SECONDS, purgeDeadLetters, readDeadLetters } from './common-contain';

function escalate(model: Model): string[] {
  return [
    heading(3, 'Escalate'),
    'Critical: until this is fixed, root activity may page nobody. Call an approver now, whatever the hour.',
    people(respondersWith(model, 'approver'), '**No approver is configured**: call every responder.'),
  ];
}

/** Every alarm on the pipeline's health: where it lives, how it pages, its playbook. */
export function watchAlarmsTable(model: Model): string {
  const d = model.delivery;
  const sec = model.security;
  const home = model.organization.homeRegion;
  const here = `security account ${code(sec.id)}, ${code(home)}`;
  const topic = `alarm action: the health topic ${code(model.health.topicArn)} (its own key: never the alert topic or key it watches)`;
  const h = model.health;
  const rule = model.detections.find((x) => x.id === d.watch.forwarding.id)!.event!.ruleName;
  const forwarded = `no action: its state change is forwarded by the rule ${code(rule)} and paged by the central rule of that name`;
  const central = d.deadLetterQueues.find((q) => q.purpose === 'alert-delivery')!;
  const pl = (id: string) => link(id, `#${model.playbooks.anchor(id)}`);
  const rows: string[][] = [
    [code(d.watch.trailDelivery.alarmName), here, topic, pl(d.watch.trailDelivery.id)],
    [code(central.alarmName), here, topic, pl(d.watch.alertDelivery.id)],
    ...d.centralRules.map((r) => [code(r.failureAlarmName), here, topic, pl(d.watch.alertDelivery.id)]),
    ...h.notificationFailures.map((f) => [
      code(f.alarmName),
      here,
      f.pagesThrough === 'health' ? topic : `alarm action: the alert topic ${code(model.pipeline.topicArn)} (the health topic's own failures)`,
      pl(d.watch.alertDelivery.id),
    ]),
    [code(h.subscriptionDeadLetterQueue.alarmName), here, topic, pl(d.watch.alertDelivery.id)],
    ...h.heartbeat.alarms.map((a) => [
      code(a.alarmName),
      here,
      `${topic}; fires when the heartbeat rule ${code(h.heartbeat.ruleName)} of ${a.accountName} (${code(a.accountId)}) in ${code(a.region)} stops reaching ${code(model.pipeline.busName)} for ${h.heartbeat.missedPeriods} periods of ${h.heartbeat.periodSeconds / 60} minutes`,
      pl(d.watch.forwarding.id),
    ]),
    [code(h.drillAlarm.alarmName), here, `${topic}; fires only when ${code('npm run drill -- --inject')} sets it to ALARM (path ${code('health')}): a drill, not an incident`, pl(d.watch.alertDelivery.id)],
    ...h.forwardingWatch.alarms.map((a) => [
      code(a.alarmName),
      `security account ${code(sec.id)}, ${code(a.region)}`,
      `${a.pagesThrough === 'health-topic' ? topic : `no action (an alarm pages a topic of its own region only): ${forwarded} of the security account`}; fires when the forwarding dead-letter queue ${code(h.forwardingWatch.queueName)} of ${a.accountName} (${code(a.accountId)}) in ${code(a.region)} holds a message${a.crossAccount ? `, read across accounts through its ${code(h.forwardingWatch.sharingRoleName)}` : ''}`,
      pl(d.watch.forwarding.id),
    ]),
  ];
  return table(['Alarm', 'Where', 'How it pages', 'Playbook'], rows);
}

function trailDeliveryPlaybook(model: Model): string {
  const p = model.pipeline;
  const w = model.delivery.watch.trailDelivery;
  const home = model.organization.homeRegion;
  return [
    playbookAnchor(model, w.id),
    heading(2, 'Organization trail stopped delivering to its log group'),
    table(
      ['What', 'Details'],
      [
        ['Severity', 'critical'],
        ['CloudWatch alarm', `${code(w.alarmName)} on ${code('AWS/Logs IncomingLogEvents')} of ${code(p.logGroupName)}: fewer than 1 event in ${w.windowMinutes} minutes; no data at all also alarms`],
        ['Pages', `health topic ${code(model.health.topicArn)}`],
      ],
    ),
    '**Why it matters:** every metric-filter alarm reads this log group. Without delivery they all stay quiet, and quiet looks like "no root activity". The EventBridge rules still page in near real time.',
    heading(3, 'Triage'),
    steps([
      `Open a record in ${custodyOf(model).recordLocation}.`,
      [
        `In the security account ${code(model.security.id)}, check the trail: ${code('IsLogging')}, ${code('LatestCloudWatchLogsDeliveryError')} and ${code('LatestCloudWatchLogsDeliveryTime')} say whether CloudTrail stopped or cannot deliver.`,
        fence([aws('cloudtrail', 'get-trail-status', [['--region', home], ['--name', p.trailArn]])]),
      ],
      [
        `Check the delivery role ${code(p.cloudTrailToLogsRoleName)} and its policy are unchanged (a broken trust or policy gives ${code('AccessDenied')} in the delivery error):`,
        fence([
          aws('iam', 'get-role', [['--region', GLOBAL_REGION], ['--role-name', p.cloudTrailToLogsRoleName]]),
          aws('iam', 'get-role-policy', [['--region', GLOBAL_REGION], ['--role-name', p.cloudTrailToLogsRoleName], ['--policy-name', 'deliver-to-log-group']]),
        ]),
      ],
      `Look for the trail tampering page (${link('playbook', `#${model.playbooks.anchor('trail-tampering')}`)}): someone may have stopped the trail.`,
    ]),
    heading(3, 'Contain'),
    steps([
      'Logging stopped: follow the trail tampering playbook (restart logging, redeploy the security stack).',
      'Delivery error: redeploy the security stack; it restores the delivery role, its trust and the key policy of the log group.',
      `Until delivery is back, the trail bucket ${code(p.trailBucketName)} still holds the log files: search them for root activity of the gap.`,
    ]),
    ...escalate(model),
  ].join('\n\n');
}

function alertDeliveryPlaybook(model: Model): string {
  const w = model.delivery.watch.alertDelivery;
  const central = model.delivery.deadLetterQueues.find((q) => q.purpose === 'alert-delivery')!;
  return [
    playbookAnchor(model, w.id),
    heading(2, 'Alerts could not be published to the alert topic'),
    table(
      ['What', 'Details'],
      [
        ['Severity', 'critical'],
        ['CloudWatch alarms', `${code(central.alarmName)} (a message in ${code(central.arn)}); one ${code('rootlock-pipeline-failed-<detection id>')} per central rule (${code('AWS/Events FailedInvocations')})`],
        ['Pages', `health topic ${code(model.health.topicArn)}, published by CloudWatch with the health key (not by the failing rules, not with the alert key)`],
      ],
    ),
    '**Why it matters:** each message in the queue is a page nobody received: a root sign-in, a break-glass use or a finding.',
    heading(3, 'Triage'),
    steps([
      [
        `In the security account (your read role, or its break-glass shell), read every queued event: the block long-polls until the queue is drained and saves each batch to a file for the record (one short poll can come back empty while messages wait). ${code('ERROR_CODE')} and ${code('ERROR_MESSAGE')} say why publishing failed (a topic or key policy); ${code('RULE_ARN')} names the rule, so the detection and its playbook. Messages read stay hidden for ${DLQ_READ_VISIBILITY_SECONDS / 60} minutes, then reappear.`,
        fence(readDeadLetters(model)),
      ],
      'Handle every queued event as the page it should have been: open the playbook of its rule.',
    ]),
    heading(3, 'Contain'),
    steps([
      'Redeploy the security stack: it restores the topic policy, the alerts key policy and the rule targets.',
      [
        `Only after every saved event was handled as its page and written into the record: empty the queue. The alarm ${code(
          central.alarmName,
        )} stays in ALARM as long as one message is in the queue, so it cannot page again for the next failure until the queue is empty. The monitoring-protection SCP lets only the deployment role of the security account purge it; from the management account:`,
        purgeDeadLetters(model),
        'Both counts must read 0 within a minute (a purge takes up to 60 seconds); then the alarm returns to OK.',
      ],
    ]),
    ...escalate(model),
  ].join('\n\n');
}

/** The pipeline-health part of alarm-playbooks.md. */
export function renderWatchPlaybooks(model: Model): string {
  return [
    heading(2, 'Alarms watching the pipeline'),
    'These alarms page when alerts may not arrive. A page from one of them means root activity may be going unreported: treat it as critical.',
    watchAlarmsTable(model),
    trailDeliveryPlaybook(model),
    alertDeliveryPlaybook(model),
  ].join('\n\n');
}
