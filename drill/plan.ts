/**
 * Which delivery paths a drill exercises, from the resolved model only (pure). One path per way a root event reaches
 * the pager:
 *
 * - `event:<account>:<region>`: a custom event on the account's default bus, forwarded to the central bus by the
 *   `drill` detection's rule, paged by the central rule (every account, every event region);
 * - `metric:<detection>`: a synthetic trail record in the trail's log group, counted by the detection's metric
 *   filter, raising its alarm (one per metric detection that pages; compliance-topic alarms are not pages);
 * - `guardduty`: a GuardDuty sample finding of the root-credential type in the delegated admin (GuardDuty on);
 * - `health`: the drill's own health alarm (config/model-health.ts drillAlarm) set to ALARM, paged through the health
 *   topic and its own key, the path every watch alarm (heartbeats, dead-letter queues, rule failures) pages by,
 *   awaited at a temporary subscriber of the health topic, never the alert topic;
 * - `config`: listed, never driven: a Config rule turns NON_COMPLIANT only when a root user really loses MFA or gains
 *   an access key, which a drill must not do. Its EventBridge leg is the same forwarding every `event:` path proves.
 */
import type { AccountTarget, Model } from '../config/model';
import type { Detection } from '../detections/catalog';
import { UsageError } from '../cli/args';

export type PathKind = 'event' | 'metric' | 'guardduty' | 'health' | 'config';

export interface DrillPath {
  /** Stable, shell-friendly name: what `--path` selects and the output prints. */
  name: string;
  kind: PathKind;
  /** Account the synthetic event is injected in. */
  account: AccountTarget;
  region: string;
  /** The detection whose page proves the path (`health`: the drill's own detection; its page is the drill alarm's). */
  detection: Detection;
  /** `health`: the alarm the drill sets to ALARM (its notification is the page). */
  alarmName?: string;
  /** Seconds to wait for the page before the path fails. */
  timeoutSeconds: number;
  /** Set when the path is listed but cannot be driven safely: why. */
  notDriven?: string;
}

/**
 * Default waits, from the services' documented latencies: EventBridge delivers within seconds; an alarm is evaluated
 * once per period after CloudWatch Logs has turned the record into a metric; GuardDuty publishes a new finding to
 * EventBridge within about five minutes and a repeated one only at the detector's publishing frequency (15 minutes).
 */
export function defaultTimeoutSeconds(kind: PathKind, alarmPeriodSeconds: number): number {
  if (kind === 'event' || kind === 'health') return 120;
  if (kind === 'metric') return Math.max(300, alarmPeriodSeconds * 3 + 120);
  return 1200;
}

export function planPaths(model: Model): DrillPath[] {
  const home = model.organization.homeRegion;
  const period = model.pipeline.alarmPeriodSeconds;
  const byId = (id: string) => model.detections.find((d) => d.id === id);
  const paths: DrillPath[] = [];
  const drill = byId('drill');
  if (drill) {
    for (const account of model.allAccounts) {
      for (const region of model.eventRegions) {
        paths.push({ name: `event:${account.name}:${region}`, kind: 'event', account, region, detection: drill, timeoutSeconds: defaultTimeoutSeconds('event', period) });
      }
    }
  }
  // Alarms routed to the compliance topic never page (they duplicate a paging alarm): the drill proves pages.
  for (const d of model.detections.filter((x) => x.metric && x.metric.route !== 'compliance')) {
    paths.push({ name: `metric:${d.id}`, kind: 'metric', account: model.security, region: home, detection: d, timeoutSeconds: defaultTimeoutSeconds('metric', period) });
  }
  const guardDuty = byId('guardduty-root-credential-usage');
  if (model.monitoring.guardDuty && guardDuty) {
    paths.push({ name: 'guardduty', kind: 'guardduty', account: model.security, region: home, detection: guardDuty, timeoutSeconds: defaultTimeoutSeconds('guardduty', period) });
  }
  if (drill) {
    paths.push({ name: 'health', kind: 'health', account: model.security, region: home, detection: drill, alarmName: model.health.drillAlarm.alarmName, timeoutSeconds: defaultTimeoutSeconds('health', period) });
  }
  const config = byId('config-root-rule-noncompliant');
  if (model.monitoring.config && config) {
    paths.push({
      name: 'config',
      kind: 'config',
      account: model.security,
      region: home,
      detection: config,
      timeoutSeconds: 0,
      notDriven: 'not driven: only a root user really losing MFA or gaining an access key turns the rule NON_COMPLIANT; its forwarding is the one every event: path proves',
    });
  }
  return paths;
}

/** `--path NAME`: an exact path name, or a prefix ending in ':' (`event:`, `event:payments-prod:`). */
export function selectPaths(paths: DrillPath[], selector?: string): DrillPath[] {
  if (!selector) return paths;
  const selected = paths.filter((p) => p.name === selector || (selector.endsWith(':') && p.name.startsWith(selector)));
  if (selected.length === 0) throw new UsageError(`--path ${selector} matches no path; the paths are: ${paths.map((p) => p.name).join(', ')}`);
  return selected;
}

/** A mistake in how the drill was called or what it may do: one line, exit 1, no stack trace (cli/args.ts). */
export { UsageError };
