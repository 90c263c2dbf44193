/**
 * The EventBridge rule state a detection's rule needs (pure). AWS delivers read-only management events (reads, and STS
 * AssumeRole/AssumeRoot, which CloudTrail records with `"readOnly": true`) only to rules in state
 * ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS; an `ENABLED` rule never sees them
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail-management.html). A rule
 * that matches CloudTrail events (root usage includes root reads; break-glass and root-task sessions start with
 * AssumeRole/AssumeRoot) must opt in, or it never fires. The price is volume: the rule is evaluated against every
 * read-only event, and only the matching ones are delivered.
 */
export const ALL_MANAGEMENT_EVENTS = 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS';
export type RuleState = 'ENABLED' | typeof ALL_MANAGEMENT_EVENTS;

/** True when the pattern can match an event delivered through CloudTrail (a detail-type `... via CloudTrail`). */
export function matchesCloudTrailEvents(pattern: unknown): boolean {
  return JSON.stringify(pattern ?? {}).includes('via CloudTrail');
}

export function ruleStateFor(pattern: unknown): RuleState {
  return matchesCloudTrailEvents(pattern) ? ALL_MANAGEMENT_EVENTS : 'ENABLED';
}

/** The state of a detection's rules: its own, where it sets one, else what its pattern needs. The one place it is decided. */
export function ruleStateOf(event: { pattern: unknown; state?: RuleState }): RuleState {
  return event.state ?? ruleStateFor(event.pattern);
}
