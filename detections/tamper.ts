/**
 * Tamper detections: a write to a protected resource that did not come from a deploy pages per event, in the account
 * and region where AWS records it. The list of watched writes is generated from the same protected set
 * (config/model-protection.ts) and IAM action catalogue (policies/protection-scp.ts `decide`) as the
 * monitoring-protection SCPs, so the SCP and the detection cannot drift apart: an action the SCP denies is an action
 * this rule watches (CloudTrail's eventName is the API name, which is the IAM action name for these services).
 *
 * "Outside a deploy": the deploy sets `sts:SourceIdentity` = DEPLOY_SOURCE_IDENTITY on the deployment role's session,
 * and CloudTrail records it in `userIdentity.sessionContext.sourceIdentity` of every call of that session
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_monitor.html). A write pages
 * unless it has that source identity AND comes from the deployment role's session (anyone allowed
 * sts:SetSourceIdentity can choose the value, so the value alone proves nothing).
 *
 * Patterns are scoped to rootlock's resources by the request parameters CloudTrail records (the API's request fields),
 * and to success (`errorCode` absent): a refused write changed nothing; refusals are the SCP's job and the audit's.
 * Each pattern stays under EventBridge's 4,096-character limit on a rule's event pattern
 * (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html): larger action lists are split.
 */
import { DEPLOY_SOURCE_IDENTITY, prefixed } from '../config/contract';
import type { ProtectedResource } from '../config/model-protection';
import { decide } from '../policies/protection-scp';
import type { Detection, DetectionInputs, EventPattern } from './catalog';
import { detectionRuleName } from './names';

const API_CALL = 'AWS API Call via CloudTrail';
/** A rule's event pattern is at most 4,096 characters (PutRule API reference); we keep a margin for the pattern's other parts. */
export const EVENT_PATTERN_MAX = 4096;
const EVENT_NAMES_BUDGET = 2600;

/** Request fields (CloudTrail `requestParameters`) naming the resource, with the values that are rootlock's. */
type Scope = Record<string, unknown>;

const nameOfArn = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1 || arn.lastIndexOf(':') + 1);
const arnsOf = (r: ProtectedResource) => (r.scope.by === 'arn' ? r.scope.arns : []);

/** Which request fields name each protected resource, per resource id; undefined: every write of the service (rare, low volume). */
function requestScope(r: ProtectedResource, m: DetectionInputs & { protection: NonNullable<DetectionInputs['protection']> }): Scope | undefined {
  const p = m.pipeline;
  const mine = { prefix: p.namePrefix };
  switch (r.id) {
    case 'Trail':
      return { name: [p.trailName, { suffix: `:trail/${p.trailName}` }], trailName: [p.trailName, { suffix: `:trail/${p.trailName}` }] };
    case 'Buckets':
    case 'TrailObjects':
      return { bucketName: arnsOf(r).map((a) => a.replace(/^arn:[^:]+:s3:::/, '').replace(/\/\*$/, '')) };
    case 'LogGroup':
    case 'LogStreams':
      return { logGroupName: [p.logGroupName], logGroupIdentifier: [p.logGroupName, { prefix: p.logGroupArn }], resourceArn: [{ prefix: p.logGroupArn }] };
    case 'Alarms':
      return { alarmName: [mine], alarmNames: [mine], resourceARN: [{ wildcard: `*:alarm:${p.namePrefix}*` }] };
    case 'MetricNamespace':
      return { namespace: [p.metricNamespace] };
    case 'AlertTopic': {
      const topics = [p.topicArn, m.compliance.topicArn];
      return { topicArn: topics, resourceArn: topics, subscriptionArn: topics.map((t) => ({ prefix: `${t}:` })) };
    }
    case 'CentralBus':
      return { name: [p.busName], eventBusName: [p.busName, p.busArn] };
    case 'CentralRules':
    case 'ForwardingRules':
      return { name: [mine], rule: [mine], resourceARN: [{ wildcard: `*:rule/*${p.namePrefix}*` }] };
    case 'DeadLetterQueues':
      return { queueUrl: [p.deadLetterQueueName, p.forwardingDeadLetterQueueName].map((q) => ({ suffix: `/${q}` })) };
    case 'Roles':
      return { roleName: arnsOf(r).map(nameOfArn).sort() };
    case 'KeyAliases':
      return { aliasName: [{ prefix: p.keyAliasPrefix }] };
    case 'ConfigRecorder':
      return { configurationRecorderName: [p.configRecorderName], configurationRecorder: { name: [p.configRecorderName] } };
    case 'ConfigOrganizationRules':
      return { organizationConfigRuleName: [mine] };
    default:
      // Keys (recognised by a tag the event does not carry) and GuardDuty (one detector per account): every write
      // of the service's actions on that resource type pages; they are rare outside a deploy.
      return undefined;
  }
}

/** Pages unless the call is the deploy: the deployment role's session with the deploy's source identity. */
export function notTheDeploy(deploymentRoleName: string): EventPattern {
  return {
    $or: [
      { sessionContext: { sourceIdentity: [{ exists: false }] } },
      { sessionContext: { sourceIdentity: [{ 'anything-but': DEPLOY_SOURCE_IDENTITY }] } },
      { sessionContext: { sessionIssuer: { userName: [{ 'anything-but': deploymentRoleName }] } } },
    ],
  };
}

function chunks(names: string[]): string[][] {
  const out: string[][] = [[]];
  for (const n of names) {
    const last = out[out.length - 1];
    if (last.length > 0 && JSON.stringify([...last, n]).length > EVENT_NAMES_BUDGET) out.push([n]);
    else last.push(n);
  }
  return out;
}

/** The watched writes of one protected resource: the SCP's denied actions of it, by CloudTrail event name. */
export function watchedWrites(r: ProtectedResource): string[] {
  return [...new Set(decide(r).denied.map((a) => a.split(':')[1]))].sort();
}

/**
 * CloudTrail's event source where it is not the IAM service prefix: CloudWatch's API calls are recorded as
 * `monitoring.amazonaws.com` (CloudWatch user guide, "Logging Amazon CloudWatch API calls with AWS CloudTrail",
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/logging_cw_api_calls.html), so a pattern on
 * `cloudwatch.amazonaws.com` never matched the real event (found by its recorded sample).
 */
const EVENT_SOURCE_PREFIX: Record<string, string> = { cloudwatch: 'monitoring' };
/**
 * EventBridge `source` of a service's CloudTrail events. For CloudWatch the EventBridge reference names
 * `aws.monitoring` (https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-monitoring.html) while CloudWatch's
 * own events are `aws.cloudwatch`: both are watched (the eventSource still pins the service), so neither spelling
 * silences the rule.
 */
function eventBridgeSources(service: string): string[] {
  const prefix = EVENT_SOURCE_PREFIX[service] ?? service;
  return prefix === service ? [`aws.${service}`] : [`aws.${service}`, `aws.${prefix}`];
}

const kebab = (id: string) => id.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();

/** The name of a group of protected resources watched by one rule: the words their ids share, else the service. */
function groupName(group: ProtectedResource[]): string {
  if (group.length === 1) return kebab(group[0].id);
  const words = group.map((r) => kebab(r.id).split('-'));
  const shared: string[] = [];
  for (let i = 0; i < words[0].length && words.every((w) => w[i] === words[0][i]); i++) shared.push(words[0][i]);
  return shared.length ? shared.join('-') : group[0].service;
}

export function tamperDetections(model: DetectionInputs): Detection[] {
  const protection = model.protection;
  if (!protection) return [];
  const m = { ...model, protection };
  // Resources of one service recognised by the same request fields share a rule (GuardDuty's seven types, the central
  // and forwarding rules): fewer rules per bus, the same events watched.
  const groups = new Map<string, ProtectedResource[]>();
  for (const r of protection.resources) {
    const key = `${r.service} ${JSON.stringify(requestScope(r, m) ?? null)}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const detections: Detection[] = [];
  for (const group of groups.values()) {
    const first = group[0];
    const writes = [...new Set(group.flatMap(watchedWrites))].sort();
    if (writes.length === 0) continue;
    const scope = requestScope(first, m);
    const what = group.map((r) => r.what).join('; ');
    const parts = chunks(writes);
    parts.forEach((names, i) => {
      const id = `tamper-${groupName(group)}${parts.length > 1 ? `-${i + 1}` : ''}`;
      const detail: EventPattern = {
        eventSource: [`${EVENT_SOURCE_PREFIX[first.service] ?? first.service}.amazonaws.com`],
        eventName: names,
        errorCode: [{ exists: false }],
        userIdentity: notTheDeploy(protection.deploymentRoleName),
      };
      const scoped = Object.entries(scope ?? {}).map(([field, values]) => ({ requestParameters: { [field]: values } }));
      // EventBridge refuses an `$or` of fewer than two patterns (TestEventPattern: "detail.$or must be an array of at
      // least 2 patterns"): a single request field is matched directly.
      if (scoped.length === 1) Object.assign(detail, scoped[0]);
      else if (scoped.length > 1) detail.$or = scoped;
      detections.push({
        id,
        title: `Protected resource changed outside a deploy: ${what}`,
        severity: 'critical',
        why: `A write to ${what} that the monitoring-protection SCP denies to everyone but the deployment role succeeded without the deploy's source identity (${DEPLOY_SOURCE_IDENTITY}): someone is changing the alarm pipeline by hand, which is how an insider silences it.`,
        event: {
          ruleName: detectionRuleName(id),
          pattern: { source: eventBridgeSources(first.service), 'detail-type': [API_CALL], detail },
          scope: 'forwarded',
          // IAM records its calls in us-east-1; every other protected service in the region of the resource, and the
          // pipeline's resources live in the home region and us-east-1 (the forwarding rules, queues and aliases).
          regions: first.service === 'iam' ? 'global' : 'all',
          state: 'ENABLED',
        },
        triageEvents: names,
        insightsQuery: `fields @timestamp, recipientAccountId, awsRegion, eventName, userIdentity.arn, userIdentity.sessionContext.sourceIdentity, requestParameters | filter eventSource = "${EVENT_SOURCE_PREFIX[first.service] ?? first.service}.amazonaws.com" and eventName in [${names.map((n) => `"${n}"`).join(', ')}] and ispresent(errorCode) = 0 | sort @timestamp desc | limit 200`,
        contain: [
          `Read the call (who: \`userIdentity.arn\`; what: \`requestParameters\`) and compare it with the last deploy: a deploy always carries the source identity ${DEPLOY_SOURCE_IDENTITY}.`,
          'Not a deploy: redeploy the stack that owns the resource (security, or the account\'s baseline) to restore it, then treat the caller as compromised: the monitoring-protection SCP allows this write only to the deployment role, so its trust policy or an SCP exemption was abused.',
        ],
      });
    });
  }
  return detections;
}

/** The tamper detection ids start with this (the runbooks group them). */
export const TAMPER_PREFIX = prefixed('tamper-');
