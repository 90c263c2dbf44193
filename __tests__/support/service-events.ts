/**
 * AWS service events the way AWS makes them, for tests against the emulator. No one can PutEvents an `aws.*` source
 * in AWS (the emulator refuses it too), so a test either performs the real action (assume the role, stop the trail:
 * the emulator records the call as CloudTrail does) or, for what no emulator call can produce, uses these harness
 * routes (emulator/ext_cloudtrail_events.py).
 */
import type { Emulator } from './emulator';

/** A CloudTrail record (the `detail` of an `AWS API Call via CloudTrail` event); envelope fields left out are filled. */
export type CloudTrailRecord = Record<string, unknown> & { eventSource: string; eventName: string };

export interface Delivered<T> {
  /** The record (or event) as delivered, envelope fields filled (readOnly, eventType, eventID...). */
  record: T;
  /** ARNs of the default-bus rules that received it (rule state honoured). */
  rules: string[];
  /** Log groups of the trails that wrote it (ARNs as the trails name them). */
  logGroups: string[];
}

async function post<T>(emu: Emulator, route: string, body: unknown): Promise<T> {
  const res = await fetch(`${emu.endpoint}${route}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`emulator ${route} refused (HTTP ${res.status}): ${text}`);
  return JSON.parse(text) as T;
}

/**
 * Delivers a CloudTrail record as AWS would: to the default bus of `account`/`region` (as `AWS API Call via
 * CloudTrail`, `AWS Console Sign In via CloudTrail`, ...; read-only records only to rules in state
 * ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS) and to the log group of every logging trail covering it.
 */
export async function emitCloudTrailRecord(emu: Emulator, opts: { account: string; region: string; record: CloudTrailRecord }): Promise<Delivered<CloudTrailRecord>> {
  return post(emu, '/_rootlock/cloudtrail', opts);
}

/** Puts a non-CloudTrail AWS service event (GuardDuty finding, Config compliance change, alarm state change) on the default bus. */
export async function emitServiceEvent(
  emu: Emulator,
  opts: { account: string; region: string; event: { source: string; 'detail-type': string; detail: Record<string, unknown>; resources?: string[]; id?: string } },
): Promise<{ event: Record<string, unknown>; rules: string[] }> {
  return post(emu, '/_rootlock/service-event', opts);
}
