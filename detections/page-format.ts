/**
 * What a page says. Every EventBridge target that publishes to the alert topic rewrites the event with an input
 * transformer (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html) into plain
 * words: detection, severity, account, region, actor, time, the rule that fired and the playbook link. A responder
 * reading it on a phone at 3 a.m. knows what happened and where to start without parsing event JSON.
 */
import type { Model } from '../config/model';
import type { Detection } from './catalog';

export interface PageTransformer {
  inputPaths: Record<string, string>;
  inputTemplate: string;
}

/** Who or what acted, by event source: CloudTrail events name the caller; findings, rules and alarms name what they are about. */
const ACTOR: Record<string, { label: string; path: string }> = {
  'aws.guardduty': { label: 'Actor (finding)', path: '$.detail.resource.accessKeyDetails.userName' },
  'aws.config': { label: 'Resource', path: '$.detail.resourceId' },
  'aws.cloudwatch': { label: 'Alarm', path: '$.detail.alarmName' },
};
const CALLER = { label: 'Actor', path: '$.detail.userIdentity.arn' };

/**
 * The affected account, by event source. A GuardDuty finding reaches the bus of the delegated administrator (or the
 * forwarding account) with that account in the envelope; the member it is about is `detail.accountId`
 * (https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_findings_eventbridge.html).
 */
const ACCOUNT: Record<string, string> = { 'aws.guardduty': '$.detail.accountId' };

function sourceOf(d: Detection): string | undefined {
  const source = (d.event?.pattern as { source?: unknown } | undefined)?.source;
  return Array.isArray(source) && typeof source[0] === 'string' ? source[0] : undefined;
}

/** Text that goes into the template verbatim: no angle brackets (they delimit placeholders). */
function plain(text: string): string {
  return text.replace(/[<>]/g, '');
}

export function pageTransformer(model: Model, d: Detection): PageTransformer {
  if (!d.event) throw new Error(`detection ${d.id} has no rule: nothing to format`);
  // A CloudTrail API call names its caller, whatever the service (a tamper write to an alarm is a call, not an alarm state).
  const apiCall = JSON.stringify((d.event.pattern as { 'detail-type'?: unknown })['detail-type'] ?? []).includes('via CloudTrail');
  const actor = apiCall ? CALLER : ACTOR[sourceOf(d) ?? ''] ?? CALLER;
  const text = [
    `${d.severity.toUpperCase()} rootlock page: ${plain(d.title)} (detection ${d.id}).`,
    'Account <account>, region <region>.',
    `${actor.label}: <actor>.`,
    'Time: <time>.',
    `Rule: ${d.event.ruleName}.`,
    `Playbook: ${model.playbooks.url(d.id)}`,
  ].join(' ');
  return {
    inputPaths: { account: ACCOUNT[sourceOf(d) ?? ''] ?? '$.account', region: '$.region', time: '$.time', actor: actor.path },
    // A quoted template: EventBridge delivers it as text (a JSON string), which SNS passes on as the message.
    inputTemplate: JSON.stringify(text),
  };
}
