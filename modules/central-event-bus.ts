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
import type { RootlockStack } from './rootlock-stack';
import type { Detection } from '../detections/catalog';
import { policyJson } from '../policies/document';
import { busPolicy } from '../policies/pipeline';
import { DeadLetterQueue } from './dead-letter-queue';
import { rulesForRegion } from './event-rules';

export interface CentralEventBusProps {
  model: Model;
  stack: RootlockStack;
  organizationId: string;
  topicArn: string;
}

export class CentralEventBus extends Construct {
  readonly bus: CloudwatchEventBus;

  constructor(scope: Construct, id: string, props: CentralEventBusProps) {
    super(scope, id);
    const { model } = props;
    const p = model.pipeline;
    const home = model.organization.homeRegion;
    this.bus = new CloudwatchEventBus(this, 'bus', { name: p.busName, description: 'rootlock: root and break-glass activity from every account.' });
    new CloudwatchEventBusPolicy(this, 'bus_policy', { eventBusName: this.bus.name, policy: policyJson(busPolicy(model, props.organizationId)) });
    const dlq = new DeadLetterQueue(this, 'dlq', { accountId: model.security.id, region: home, provider: props.stack.home, name: p.deadLetterQueueName });

    const page = (d: Detection, eventBusName?: string) => {
      const key = d.id.replace(/-/g, '_');
      const rule = new CloudwatchEventRule(this, `${key}_rule`, {
        name: d.event!.ruleName,
        eventBusName,
        description: `${d.severity.toUpperCase()}: ${d.title}. Playbook: ${model.runbooks.alarms}#${d.id}`,
        eventPattern: JSON.stringify(d.event!.pattern),
      });
      new CloudwatchEventTarget(this, `${key}_target`, {
        rule: rule.name,
        eventBusName,
        targetId: 'alert-topic',
        arn: props.topicArn,
        deadLetterConfig: { arn: dlq.queue.arn },
      });
    };
    // Forwarded events keep their shape, so one central rule per forwarded detection, whatever region sent it.
    const forwarded = new Map<string, Detection>();
    for (const region of model.eventRegions) for (const d of rulesForRegion(model, region, 'forwarded')) forwarded.set(d.id, d);
    for (const d of model.detections.filter((x) => forwarded.has(x.id))) page(d, this.bus.name);
    for (const d of rulesForRegion(model, home, 'security-default-bus')) page(d);

    new TerraformOutput(this, 'bus_arn', { value: this.bus.arn, description: 'Central bus every account forwards to.' });
  }
}
