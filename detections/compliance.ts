/**
 * Detections that auditors' tools look for (CIS AWS Foundations, Security Hub, Prowler), kept apart from the paging
 * root detections so that the split between real root use and AssumeRoot task sessions stays intact.
 *
 * - `cis-root-usage`: the CIS 4.3 filter, byte for byte. Security Hub CloudWatch.1 fails when "additional fields or
 *   terms" are added to it, and rootlock's own `root-usage` filter rightly adds
 *   `$.userIdentity.sessionContext.assumedRoot NOT EXISTS`. This alarm notifies the low-noise compliance topic only:
 *   every event it counts also fires `root-usage` or `root-task-session`, which page (proven in
 *   __tests__/compliance-filters.test.ts with the emulator's TestMetricFilter).
 *   Sources: https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html#cloudwatch-1 ,
 *   CIS AWS Foundations Benchmark v3.0.0 4.3.
 * - `kms-key-disabled`: disabling or scheduling deletion of a key in the security account, where every rootlock key
 *   lives (CIS 4.7 / Security Hub CloudWatch.7 for those keys). Also an EventBridge rule on the security account's
 *   default bus: a disabled trail key stops CloudTrail's delivery to the log group, so the metric filter alone might
 *   never see the event that disabled it.
 */
import type { Detection, DetectionInputs } from './catalog';
import { detectionMetric, detectionRuleName } from './names';

/** The CIS AWS Foundations 4.3 root-usage filter, exactly as CIS and Security Hub CloudWatch.1 publish it. */
export const CIS_ROOT_USAGE_PATTERN = '{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}';

const KMS_KEY_EVENTS = ['DisableKey', 'ScheduleKeyDeletion'];

function triageQuery(filter: string): string {
  return `fields @timestamp, recipientAccountId, awsRegion, eventName, userIdentity.arn, requestParameters.keyId, sourceIPAddress, errorCode | filter ${filter} | sort @timestamp desc | limit 200`;
}

export function complianceDetections(model: DetectionInputs): Detection[] {
  const sec = model.security.id;
  const keys = [model.pipeline.trailKeyAlias, model.pipeline.alertsKeyAlias, ...(model.monitoring.config ? [model.compliance.configKeyAlias] : [])];
  return [
    {
      id: 'cis-root-usage',
      title: 'CIS 4.3 root usage, task sessions included (compliance alarm)',
      severity: 'high',
      why: 'Auditors (CIS 4.3, Security Hub CloudWatch.1, Prowler) look for this exact filter. It also counts AssumeRoot task sessions, so it notifies the compliance topic and never pages: the root-usage and root-task-session alarms page for the same events.',
      metric: detectionMetric('cis-root-usage', CIS_ROOT_USAGE_PATTERN, { route: 'compliance' }),
      triageEvents: [],
      insightsQuery: triageQuery('userIdentity.type = "Root" and ispresent(userIdentity.invokedBy) = 0 and eventType != "AwsServiceEvent"'),
      contain: [
        'Nothing to contain from this alarm alone: find the root-usage or root-task-session page for the same minute and follow that playbook.',
        'No such page within 15 minutes: the paging pipeline is broken; treat it as a root-usage page and check the alert topic subscriptions.',
      ],
    },
    {
      id: 'kms-key-disabled',
      title: 'Pipeline KMS key disabled or scheduled for deletion',
      severity: 'critical',
      why: `Every rootlock key (${keys.join(', ')}) lives in the security account ${sec}: a disabled trail key stops trail delivery and the alarms, a disabled alerts key silences every page, and a deleted key makes the logs unreadable for good.`,
      metric: detectionMetric('kms-key-disabled', `{ ($.eventSource = "kms.amazonaws.com") && (($.eventName = "DisableKey") || ($.eventName = "ScheduleKeyDeletion")) && ($.recipientAccountId = "${sec}") }`),
      event: {
        ruleName: detectionRuleName('kms-key-disabled'),
        pattern: { source: ['aws.kms'], 'detail-type': ['AWS API Call via CloudTrail'], detail: { eventSource: ['kms.amazonaws.com'], eventName: KMS_KEY_EVENTS } },
        scope: 'security-default-bus',
        regions: 'home',
      },
      triageEvents: KMS_KEY_EVENTS,
      insightsQuery: triageQuery('eventSource = "kms.amazonaws.com" and eventName in ["DisableKey", "ScheduleKeyDeletion"]'),
      contain: [
        'Scheduled deletion: cancel it with `aws kms cancel-key-deletion --key-id KEY_ARN` (the key ARN from the event); a cancelled key is left disabled, so enable it next.',
        'Disabled: `aws kms enable-key --key-id KEY_ARN`, then redeploy the security stack and check that the trail logs again (`aws cloudtrail get-trail-status`).',
        'Find who made the call: only the deployment role should administer these keys.',
      ],
    },
  ];
}
