/**
 * The pipeline watching itself from every account: an alarm in an account (its forwarding dead-letter queue holds a
 * message, or a forwarding rule failed an invocation) changes state; CloudWatch puts every alarm state change on the
 * account's default bus, whatever the alarm's actions
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-eventbridge.html); this detection's
 * forwarded rule carries it to the central bus like any root event, where the central rule pages. An alarm action
 * cannot do it: an alarm publishes to a topic of its own account, and the alert topic is in the security account.
 */
import type { Detection } from './catalog';
import { prefixed } from '../config/contract';

/** Every per-account watch alarm is named with this prefix; the forwarded rule matches it. */
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
        'Read one message of the dead-letter queue named in the page (account and region of the page): its `ERROR_CODE` and `ERROR_MESSAGE` attributes say why forwarding failed.',
        'Fix the cause (central bus policy, forwarder role, rule target) by redeploying the security stack and the account\'s baseline stack; then replay the queued events from the queue before purging it, and check each for root activity.',
      ],
    },
  ];
}
