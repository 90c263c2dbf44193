/** The synthetic inputs a drill injects (pure): what each path's start receives, clearly marked as a drill. */
import type { Model } from '../config/model';
import { DRILL_DETAIL_TYPE, DRILL_MARKER, DRILL_SOURCE } from '../detections/drill';
import type { DrillPath } from './plan';
import { recordMatching } from './pattern-record';

const NOTE = 'DRILL: synthetic event sent by `npm run drill` to prove delivery to the pager. Not an incident.';

/** PutEvents entry for an `event:` path: on the account's default bus in the path's region. */
export function drillEventEntry(path: DrillPath, runId: string) {
  return {
    Source: DRILL_SOURCE,
    DetailType: DRILL_DETAIL_TYPE,
    Detail: JSON.stringify({ marker: DRILL_MARKER, runId, account: path.account.id, accountName: path.account.name, region: path.region, path: path.name, note: NOTE }),
  };
}

/**
 * Trail-shaped record for a `metric:` path: what the detection's metric filter matches, plus CloudTrail's envelope
 * fields where the pattern does not constrain them, every free field saying drill (userAgent, sourceIPAddress,
 * eventID = run id) and a `rootlockDrill` block the playbook's Logs Insights query finds.
 */
export function drillTrailRecord(model: Model, path: DrillPath, runId: string, now: Date): Record<string, unknown> {
  const pattern = path.detection.metric!.pattern;
  return recordMatching(pattern, {
    eventVersion: '1.09',
    eventTime: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    eventID: runId,
    awsRegion: path.region,
    recipientAccountId: model.security.id,
    sourceIPAddress: DRILL_MARKER,
    userAgent: DRILL_MARKER,
    eventType: 'AwsApiCall',
    rootlockDrill: { marker: DRILL_MARKER, runId, path: path.name, note: NOTE },
  });
}

/** A run id: sortable, unique enough for one organization, and marked. */
export function newRunId(now: Date, random: () => number = Math.random): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
  return `${DRILL_MARKER}-${stamp}-${Math.floor(random() * 36 ** 4).toString(36).padStart(4, '0')}`;
}
