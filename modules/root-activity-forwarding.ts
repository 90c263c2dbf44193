/**
 * One account's near-real-time path: EventBridge rules on its default bus (home region, and us-east-1 where console
 * sign-in and global STS/IAM events arrive) forward root and break-glass activity to the central bus in the security
 * account. Failed deliveries land in a dead-letter queue per region (every target has it, so every permanently failed
 * invocation lands there); the security account watches each queue with a cross-account alarm
 * (modules/forwarding-watch.ts), so a failure pages by a path that needs nothing of this account's own forwarding.
 */
import { Construct } from 'constructs';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import type { AccountTarget, Model } from '../config/model';
import type { RegionalProviders } from './rootlock-stack';
import { policyJson } from '../policies/document';
import { deadLetterReaders, forwarderRolePolicy, forwarderRoleTrust } from '../policies/pipeline';
import { DeadLetterQueue } from './dead-letter-queue';
import { rulesForRegion } from './event-rules';
import { ruleStateOf } from '../detections/rule-state';

export interface RootActivityForwardingProps {
  model: Model;
  account: AccountTarget;
  /** The stack's providers (one per event region). */
  providers: RegionalProviders;
}

/** One forwarded detection's rule in a region: the same in every account, so worked out once per model and region. */
interface ForwardedRule {
  ruleKey: string;
  name: string;
  description: string;
  eventPattern: string;
  state: string;
}

const FORWARDED_RULES = new WeakMap<Model, Map<string, ForwardedRule[]>>();

/** The forwarded rules of `region` (pure; memoized: a 1,000-account organization asks 1,000 times per region). */
export function forwardedRules(model: Model, region: string): ForwardedRule[] {
  let byRegion = FORWARDED_RULES.get(model);
  if (!byRegion) FORWARDED_RULES.set(model, (byRegion = new Map()));
  let rules = byRegion.get(region);
  if (!rules) {
    rules = rulesForRegion(model, region, 'forwarded').map((detection) => ({
      ruleKey: detection.id.replace(/-/g, '_'),
      name: detection.event!.ruleName,
      description: `${detection.title}: forwarded to ${model.pipeline.busName}. Playbook: ${model.playbooks.url(detection.id)}`,
      eventPattern: JSON.stringify(detection.event!.pattern),
      state: ruleStateOf(detection.event!),
    }));
    byRegion.set(region, rules);
  }
  return rules;
}

export class RootActivityForwarding extends Construct {
  constructor(scope: Construct, id: string, props: RootActivityForwardingProps) {
    super(scope, id);
    const { model, account } = props;
    const role = new IamRole(this, 'forwarder_role', {
      name: model.pipeline.forwarderRoleName,
      description: 'Lets EventBridge forward root and break-glass activity to the central rootlock bus.',
      assumeRolePolicy: policyJson(forwarderRoleTrust(account.id)),
    });
    new IamRolePolicy(this, 'forwarder_role_policy', { role: role.name, name: 'put-events-on-central-bus', policy: policyJson(forwarderRolePolicy(model)) });

    for (const region of model.eventRegions) {
      const provider = props.providers.providerFor(region);
      const regionKey = region.replace(/-/g, '_');
      const dlq = new DeadLetterQueue(this, `dlq_${regionKey}`, { accountId: account.id, region, provider, name: model.delivery.forwardingDeadLetterQueueName, readers: deadLetterReaders(model, account.id) });
      // The heartbeat: a scheduled event through the same role, bus policy and queue as every root event. Its absence
      // at the central bus pages from the security account (modules/heartbeat-watch.ts), needing nothing of this path.
      const heartbeat = new CloudwatchEventRule(this, `heartbeat_${regionKey}`, {
        provider,
        name: model.health.heartbeat.ruleName,
        description: `rootlock heartbeat of ${account.name} (${account.id}) in ${region}: forwarded to ${model.pipeline.busName}; when it stops, the security account pages.`,
        scheduleExpression: model.health.heartbeat.scheduleExpression,
      });
      new CloudwatchEventTarget(this, `heartbeat_${regionKey}_target`, {
        provider,
        rule: heartbeat.name,
        targetId: 'central-bus',
        arn: model.pipeline.busArn,
        roleArn: role.arn,
        deadLetterConfig: { arn: dlq.queue.arn },
      });
      for (const { ruleKey, ...ruleProps } of forwardedRules(model, region)) {
        const rule = new CloudwatchEventRule(this, `${ruleKey}_${regionKey}`, { provider, ...ruleProps });
        new CloudwatchEventTarget(this, `${ruleKey}_${regionKey}_target`, {
          provider,
          rule: rule.name,
          targetId: 'central-bus',
          arn: model.pipeline.busArn,
          roleArn: role.arn,
          deadLetterConfig: { arn: dlq.queue.arn },
        });
      }
    }
  }
}
