/**
 * The drill detection: `npm run drill` puts a custom event with source `rootlock.drill` on every account's default bus
 * (home region and us-east-1); this rule forwards it to the central bus like any root event, where the rule of the same
 * name pages. It proves the EventBridge path end to end (rule, forwarding role, bus policy, central rule, topic, key)
 * and is the only detection nobody can trigger by accident: AWS services never use a source outside `aws.*`.
 */
import { prefixed } from '../config/contract';
import type { Detection, DetectionInputs } from './catalog';

/** Source of every drill event (EventBridge reserves `aws.*` for AWS services, so no service sends this). */
export const DRILL_SOURCE = 'rootlock.drill';
/** detail-type of drill events. */
export const DRILL_DETAIL_TYPE = 'rootlock drill';
/** Marker in every synthetic record and event of a drill, so a responder (and a Logs Insights query) tells it apart. */
export const DRILL_MARKER = prefixed('drill');

export function drillDetections(_model: DetectionInputs): Detection[] {
  return [
    {
      id: 'drill',
      title: 'DRILL: rootlock delivery test (not an incident)',
      severity: 'high',
      why: `A drill, not an incident: \`npm run drill\` sent a synthetic event (source \`${DRILL_SOURCE}\`) to prove that a root event reaches the pager. It names the account, region and run id in its detail.`,
      event: {
        ruleName: prefixed('drill'),
        pattern: { source: [DRILL_SOURCE] },
        scope: 'forwarded',
        regions: 'all',
      },
      triageEvents: [],
      // The drill's synthetic trail records carry DRILL_MARKER: this lists every drill run the log group saw.
      insightsQuery: `fields @timestamp, recipientAccountId, eventName, requestParameters.runId | filter @message like /${DRILL_MARKER}/ | sort @timestamp desc | limit 50`,
      contain: [
        'Nothing to contain: acknowledge the page. Check that a drill was scheduled (the weekly drill workflow, or a deploy) and that its run id matches the message.',
        'If nobody ran a drill, someone with the deployment role sent a custom event: treat that role as misused and follow the break-glass-assumed playbook for its sessions.',
      ],
    },
  ];
}
