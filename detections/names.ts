/**
 * The names a detection's resources take: metric filter, metric, alarm and rule are all named after the detection id,
 * so a page, a playbook anchor and a console search all meet on one word. Built here only.
 */
import { prefixed } from '../config/contract';
import type { MetricDetection } from './catalog';

/** `rootlock-<id>`: the EventBridge rule of a detection (forwarded and central rules share it). */
export function detectionRuleName(id: string): string {
  return prefixed(id);
}

/** A detection's metric filter and alarm (`rootlock-<id>`) and its metric (`root-usage` -> `RootUsage`). */
export function detectionMetric(id: string, pattern: string, extra: Partial<Pick<MetricDetection, 'route'>> = {}): MetricDetection {
  return {
    filterName: prefixed(id),
    metricName: id.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase()),
    alarmName: prefixed(id),
    pattern,
    ...extra,
  };
}
