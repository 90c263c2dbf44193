/**
 * Which drill path a message at the alert topic proves (pure). The temporary subscriber receives SNS's JSON envelope
 * ({Type: "Notification", TopicArn, Subject, Message, Timestamp}); the Message is what the topic was given: an alarm
 * notification (JSON with AlarmName and NewStateValue), or an EventBridge event, whole or reshaped by the target's
 * input transformer. Matching therefore never depends on one template:
 *
 * - `metric:<id>`: an alarm notification for the detection's alarm going to ALARM, stamped after the drill started;
 * - `event:<account>:<region>`: the run id appears in the message (the event's detail carries it), or, when a
 *   transformer keeps only envelope fields, the drill marker (source or rule name) with that account and region;
 * - `health`: the drill alarm's notification going to ALARM with this run's reason (it arrives at the health topic);
 * - `guardduty`: the root-credential finding type with the GuardDuty source or rule, marked as a sample finding when
 *   the message shows the detail.
 */
import type { DrillPath } from './plan';
import { DRILL_MARKER, DRILL_SOURCE } from '../detections/drill';

export interface Envelope {
  topicArn: string;
  subject: string;
  message: string;
  timestamp?: string;
}

/** SNS's envelope from an SQS message body (raw delivery off), or undefined when it is not one. */
export function parseEnvelope(body: string): Envelope | undefined {
  try {
    const env = JSON.parse(body) as Record<string, unknown>;
    if (typeof env.Message !== 'string' || typeof env.TopicArn !== 'string') return undefined;
    return { topicArn: env.TopicArn, subject: typeof env.Subject === 'string' ? env.Subject : '', message: env.Message, timestamp: typeof env.Timestamp === 'string' ? env.Timestamp : undefined };
  } catch {
    return undefined;
  }
}

function json(text: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export interface MatchContext {
  runId: string;
  /** When the drill started (ms since epoch): earlier alarm transitions are not this drill's. */
  startedAt: number;
}

export function messageProves(path: DrillPath, env: Envelope, ctx: MatchContext): boolean {
  const text = env.message;
  if (path.kind === 'metric') {
    const alarm = json(text);
    if (!alarm || alarm.AlarmName !== path.detection.metric?.alarmName || alarm.NewStateValue !== 'ALARM') return false;
    const changed = Date.parse(String(alarm.StateChangeTime ?? '').replace(/\+0000$/, 'Z'));
    return Number.isNaN(changed) || changed >= ctx.startedAt - 1000;
  }
  if (path.kind === 'event') {
    const event = json(text);
    const detail = event?.detail as Record<string, unknown> | undefined;
    if (detail && detail.runId !== undefined) return detail.runId === ctx.runId && detail.account === path.account.id && detail.region === path.region;
    if (text.includes(ctx.runId)) return text.includes(path.account.id) && text.includes(path.region);
    const marked = text.includes(DRILL_SOURCE) || text.includes(DRILL_MARKER) || text.includes(path.detection.event?.ruleName ?? DRILL_SOURCE);
    return marked && text.includes(path.account.id) && text.includes(path.region);
  }
  if (path.kind === 'health') {
    const alarm = json(text);
    return !!alarm && path.alarmName !== undefined && alarm.AlarmName === path.alarmName && alarm.NewStateValue === 'ALARM' && String(alarm.NewStateReason ?? '').includes(ctx.runId);
  }
  if (path.kind === 'guardduty') {
    const type = 'Policy:IAMUser/RootCredentialUsage';
    if (!text.includes(type) && !text.includes(path.detection.event?.ruleName ?? type)) return false;
    const event = json(text);
    const detail = event?.detail as { service?: { additionalInfo?: { sample?: unknown } } } | undefined;
    return detail?.service ? detail.service.additionalInfo?.sample === true : true;
  }
  return false;
}
