/**
 * Delivery: everything that makes an alert arrive, resolved once. Dead-letter queues (central and per account and
 * region), the central rules that page (their ARNs limit who may publish), the alarms that watch the pipeline itself,
 * and the one place playbook links are built.
 */
import type { Detection } from '../detections/catalog';
import { eventRuleArn, sqsQueueArn } from './arn';
import { FORWARDING_ALARM_PREFIX } from '../detections/pipeline-health';
import { prefixed } from './contract';
import { forwardingWatchAlarmName } from './model-health';

export { FORWARDING_ALARM_PREFIX };

export interface DeadLetterQueueRef {
  accountId: string;
  accountName: string;
  region: string;
  name: string;
  arn: string;
  /** alert-delivery: central rules to the topic; forwarding: an account's rules to the central bus. */
  purpose: 'alert-delivery' | 'forwarding';
  /** Alarm on the queue: in the security account, a cross-account alarm for forwarding queues (config/model-health.ts). */
  alarmName: string;
}

export interface CentralRule {
  detectionId: string;
  ruleName: string;
  /** Undefined: the security account's default bus (GuardDuty findings). */
  eventBusName?: string;
  arn: string;
  /** FailedInvocations alarm of this rule, paging through the topic. */
  failureAlarmName: string;
}

export interface PlaybookLinks {
  /** `runbooks.baseUrl` without its trailing slash, when configured. */
  baseUrl?: string;
  /** The anchor of a detection's (or watch alarm's) playbook: the id itself, written explicitly in the runbook. */
  anchor(id: string): string;
  /** The link a page carries: absolute when `runbooks.baseUrl` is set, else relative to the runbook directory. */
  url(id: string): string;
  /** The link between runbook files (relative: the published set moves together). */
  relativeUrl(id: string): string;
}

export interface DeliveryModel {
  forwardingDeadLetterQueueName: string;
  deadLetterQueues: DeadLetterQueueRef[];
  centralRules: CentralRule[];
  watch: {
    trailDelivery: { id: 'trail-delivery-stopped'; alarmName: string; windowMinutes: number };
    alertDelivery: { id: 'alert-delivery-failed' };
    /** Every account's forwarding: its queues are watched from the security account (health.forwardingWatch). */
    forwarding: { id: 'forwarding-failed' };
  };
}

interface DeliveryInput {
  homeRegion: string;
  eventRegions: string[];
  security: { id: string; name: string };
  accounts: Array<{ id: string; name: string }>;
  busName: string;
  alertQueueName: string;
  detections: Detection[];
  forwardedIn(region: string): Detection[];
  securityDefaultBus: Detection[];
  windowMinutes: number;
}

export const FORWARDING_DLQ_NAME = prefixed('forwarding-dlq');

export function playbookLinks(file: string, baseUrl?: string): PlaybookLinks {
  const base = baseUrl?.replace(/\/+$/, '');
  return {
    baseUrl: base,
    anchor: (id) => id,
    url: (id) => `${base ? `${base}/` : ''}${file}#${id}`,
    relativeUrl: (id) => `${file}#${id}`,
  };
}

export function resolveDelivery(input: DeliveryInput): DeliveryModel {
  const { homeRegion, security } = input;
  const sqsArn = sqsQueueArn;
  const forwarding = { id: 'forwarding-failed' as const };
  const deadLetterQueues: DeadLetterQueueRef[] = [
    {
      accountId: security.id,
      accountName: security.name,
      region: homeRegion,
      name: input.alertQueueName,
      arn: sqsArn(homeRegion, security.id, input.alertQueueName),
      purpose: 'alert-delivery',
      alarmName: prefixed('pipeline-alert-dlq-not-empty'),
    },
    ...input.accounts.flatMap((a) =>
      input.eventRegions.map((region) => ({
        accountId: a.id,
        accountName: a.name,
        region,
        name: FORWARDING_DLQ_NAME,
        arn: sqsArn(region, a.id, FORWARDING_DLQ_NAME),
        purpose: 'forwarding' as const,
        alarmName: forwardingWatchAlarmName(a.id, region, homeRegion),
      })),
    ),
  ];

  // Forwarded events keep their shape, so one central rule per forwarded detection, whatever region sent it.
  const forwardedIds = new Set(input.eventRegions.flatMap((r) => input.forwardedIn(r).map((d) => d.id)));
  const rule = (d: Detection, eventBusName?: string): CentralRule => ({
    detectionId: d.id,
    ruleName: d.event!.ruleName,
    eventBusName,
    arn: eventRuleArn(homeRegion, security.id, d.event!.ruleName, eventBusName),
    failureAlarmName: prefixed(`pipeline-failed-${d.id}`),
  });
  const centralRules = [
    ...input.detections.filter((d) => forwardedIds.has(d.id)).map((d) => rule(d, input.busName)),
    ...input.securityDefaultBus.map((d) => rule(d)),
  ];

  return {
    forwardingDeadLetterQueueName: FORWARDING_DLQ_NAME,
    deadLetterQueues,
    centralRules,
    watch: {
      trailDelivery: { id: 'trail-delivery-stopped', alarmName: prefixed('pipeline-trail-delivery-stopped'), windowMinutes: input.windowMinutes },
      alertDelivery: { id: 'alert-delivery-failed' },
      forwarding,
    },
  };
}
