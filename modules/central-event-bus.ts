/**
 * The central bus in the security account: every account forwards root and break-glass activity here, and one rule per
 * detection publishes to the alert topic (GuardDuty findings arrive on the default bus of the delegated admin).
 * Every target has a dead-letter queue.
 */
import { Construct } from 'constructs';
import { TerraformOutput } from 'cdktf';
import { CloudwatchEventBus } from '@cdktf/provider-aws/lib/cloudwatch-event-bus';
import { CloudwatchEventBusPolicy } from '@cdktf/provider-aws/lib/cloudwatch-event-bus-policy';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import type { Model } from '../config/model';
import type { RegionalProviders } from './rootlock-stack';
import { pageTransformer } from '../detections/page-format';
import { policyJson } from '../policies/document';
import { busPolicy, deadLetterReaders } from '../policies/pipeline';
import { DeadLetterQueue } from './dead-letter-queue';
import { ruleStateOf } from '../detections/rule-state';

export interface CentralEventBusProps {
  model: Model;
  /** The stack's providers (one per event region). */
  providers: RegionalProviders;
  organizationId: string;
  topicArn: string;
}

export class CentralEventBus extends Construct {
  readonly bus: CloudwatchEventBus;
  /** Dead-letter queue of every target of the security account's rules. */
  readonly deadLetterQueueArn: string;

  constructor(scope: Construct, id: string, props: CentralEventBusProps) {
    super(scope, id);
    const { model } = props;
    const p = model.pipeline;
    this.bus = new CloudwatchEventBus(this, 'bus', { name: p.busName, description: 'rootlock: root and break-glass activity from every account.' });
    new CloudwatchEventBusPolicy(this, 'bus_policy', { eventBusName: this.bus.name, policy: policyJson(busPolicy(model, props.organizationId)) });
    const dlq = new DeadLetterQueue(this, 'dlq', { accountId: model.security.id, region: model.organization.homeRegion, provider: props.providers.home, name: p.deadLetterQueueName, readers: deadLetterReaders(model, model.security.id) });
    this.deadLetterQueueArn = dlq.queue.arn;

    // One rule per central rule of the model (forwarded detections on the bus, GuardDuty on the default bus); every
    // target formats the page in plain words (detections/page-format.ts).
    for (const r of model.delivery.centralRules) {
      const d = model.detections.find((x) => x.id === r.detectionId)!;
      const key = d.id.replace(/-/g, '_');
      const eventBusName = r.eventBusName ? this.bus.name : undefined;
      const rule = new CloudwatchEventRule(this, `${key}_rule`, {
        name: r.ruleName,
        eventBusName,
        description: `${d.severity.toUpperCase()}: ${d.title}. Playbook: ${model.playbooks.url(d.id)}`,
        eventPattern: JSON.stringify(d.event!.pattern),
        // Forwarded CloudTrail events keep their readOnly flag: the central rule needs the same state as the forwarding one.
        state: ruleStateOf(d.event!),
      });
      new CloudwatchEventTarget(this, `${key}_target`, {
        rule: rule.name,
        eventBusName,
        targetId: 'alert-topic',
        arn: props.topicArn,
        inputTransformer: pageTransformer(model, d),
        deadLetterConfig: { arn: dlq.queue.arn },
      });
    }

    new TerraformOutput(this, 'bus_arn', { value: this.bus.arn, description: 'Central bus every account forwards to.' });
  }
}
