/**
 * The pipeline watching itself: the security account's alarm on an account's forwarding dead-letter queue
 * (modules/forwarding-watch.ts) changes state. In the home region that alarm pages the health topic directly; in any
 * other region it has no topic to page, so CloudWatch's state change event on the security account's default bus
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-eventbridge.html) is carried by this
 * detection's forwarded rule to the central bus, where the central rule pages. An alarm's actions reach only topics of
 * its own region.
 */
import type { Detection } from './catalog';
import { prefixed } from '../config/contract';

/** The security account's queue alarms outside the home region are named with this prefix; the forwarded rule matches it. */
export const FORWARDING_ALARM_PREFIX = prefixed('forwarding-');

export function pipelineHealthDetections(): Detection[] {
  return [
    {
      id: 'forwarding-failed',
      title: 'Alert forwarding failing in an account',
      severity: 'critical',
      why: 'Events an account could not forward to the central bus sit in its dead-letter queue: until it is fixed, root activity in that account and region pages nobody.',
      event: {
        ruleName: prefixed('forwarding-failed'),
        pattern: {
          source: ['aws.cloudwatch'],
          'detail-type': ['CloudWatch Alarm State Change'],
          detail: { alarmName: [{ prefix: FORWARDING_ALARM_PREFIX }], state: { value: ['ALARM'] } },
        },
        scope: 'forwarded',
        regions: 'all',
      },
      triageEvents: ['PutRule', 'PutTargets', 'RemoveTargets', 'DeleteRule', 'PutPermission', 'RemovePermission'],
      insightsQuery:
        'fields @timestamp, recipientAccountId, awsRegion, eventName, userIdentity.arn, sourceIPAddress, errorCode | filter eventSource in ["events.amazonaws.com", "sqs.amazonaws.com"] and eventName in ["PutRule", "PutTargets", "RemoveTargets", "DeleteRule", "DisableRule", "PutPermission", "RemovePermission", "SetQueueAttributes"] | sort @timestamp desc | limit 200',
      contain: [
        'Read one message of the dead-letter queue of the account and region the alarm names (`rootlock-forwarding-dlq`, read as that account\'s audit or drill role): its `ERROR_CODE` and `ERROR_MESSAGE` attributes say why forwarding failed.',
        'Fix the cause (central bus policy, forwarder role, rule target) by redeploying the security stack and the account\'s baseline stack; then replay the queued events from the queue before purging it, and check each for root activity.',
      ],
    },
  ];
}
