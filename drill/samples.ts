/**
 * The recorded, AWS-shaped events each detection exists to catch (`detections/samples/<detection id>.json`, shipped
 * with the product): EventBridge events as AWS delivers them (CloudTrail management events, GuardDuty findings, Config
 * compliance changes, alarm state changes). The live checks feed them to TestEventPattern; a CloudTrail event's
 * `detail` is the trail record, as CloudTrail writes it to the log group, for TestMetricFilter.
 *
 * Recorded in example accounts; `rebase` moves a sample into the account it is tested for (every occurrence of the
 * sample's own account id), since a pattern may name an account (kms-key-disabled: the security account).
 */
import * as fs from 'fs';
import * as path from 'path';

export const SAMPLES_DIR = path.join(__dirname, '..', 'detections', 'samples');

export interface SampleEvent {
  id: string;
  account: string;
  source: string;
  'detail-type': string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
  version?: string;
}

const cache = new Map<string, SampleEvent[]>();

/** The samples of one detection (empty when it has none: its paths then fail, never pass vacuously). */
export function samplesFor(detectionId: string): SampleEvent[] {
  if (!cache.has(detectionId)) {
    const file = path.join(SAMPLES_DIR, `${detectionId}.json`);
    cache.set(detectionId, fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as { events: SampleEvent[] }).events : []);
  }
  return cache.get(detectionId)!;
}

/** The sample with its own account id replaced by `account` everywhere (envelope, identity, ARNs, recipient). */
export function rebase(sample: SampleEvent, account: string): SampleEvent {
  return JSON.parse(JSON.stringify(sample).split(sample.account).join(account)) as SampleEvent;
}

/** The trail records among the samples: the detail of every "... via CloudTrail" event. */
export function trailRecords(samples: SampleEvent[]): Array<Record<string, unknown>> {
  return samples.filter((s) => s['detail-type'].endsWith('via CloudTrail')).map((s) => s.detail);
}
