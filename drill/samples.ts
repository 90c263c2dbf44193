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

/**
 * The accounts of the bundled example (examples/example-org.yaml) the samples were recorded in, by role: a sample names
 * them in ARNs and resource names (the security account's trail bucket, a break-glass user of the management account).
 */
export const SAMPLE_ACCOUNTS = { management: '111111111111', security: '222222222222' } as const;

/** The example's break-glass IAM users, which the samples of break-glass user changes name. */
export const SAMPLE_BREAK_GLASS_USERS = ['breakglass-alice', 'breakglass-bob'] as const;

/** What `rebase` maps a sample into: the organization's management and security account ids, its break-glass users. */
export interface SampleTarget {
  management: string;
  security: string;
  breakGlassUsers?: string[];
}

/**
 * The sample as if it happened in `account` of an organization whose management and security accounts are `ids`: the
 * example's management and security account ids become those (wherever they are named: resource names, ARNs,
 * identities); the sample's own account, when it is neither, becomes `account`; the example's break-glass users become
 * the organization's; the envelope's account and the record's recipient become `account`.
 */
export function rebase(sample: SampleEvent, account: string, ids: SampleTarget = { management: SAMPLE_ACCOUNTS.management, security: account }): SampleEvent {
  const map = new Map<string, string>([
    [SAMPLE_ACCOUNTS.management, ids.management],
    [SAMPLE_ACCOUNTS.security, ids.security],
  ]);
  if (!map.has(sample.account)) map.set(sample.account, account);
  // The example's break-glass users become this organization's (the first one for any the organization lacks).
  const users = ids.breakGlassUsers ?? [];
  if (users.length) SAMPLE_BREAK_GLASS_USERS.forEach((u, i) => map.set(`user/${u}`, `user/${users[i] ?? users[0]}`).set(`mfa/${u}`, `mfa/${users[i] ?? users[0]}`).set(`"${u}"`, `"${users[i] ?? users[0]}"`));
  let text = JSON.stringify(sample);
  // Through placeholders, so a target id that is another example id is not rewritten twice.
  [...map.keys()].forEach((from, i) => (text = text.split(from).join(`\u0000${i}\u0000`)));
  [...map.values()].forEach((to, i) => (text = text.split(`\u0000${i}\u0000`).join(to)));
  const moved = JSON.parse(text) as SampleEvent;
  moved.account = account;
  if (moved.detail && typeof moved.detail === 'object' && 'recipientAccountId' in moved.detail) moved.detail.recipientAccountId = account;
  return moved;
}

/** The trail records among the samples: the detail of every "... via CloudTrail" event. */
export function trailRecords(samples: SampleEvent[]): Array<Record<string, unknown>> {
  return samples.filter((s) => s['detail-type'].endsWith('via CloudTrail')).map((s) => s.detail);
}
