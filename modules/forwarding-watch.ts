/**
 * Every account's forwarding dead-letter queues, watched from the security account: one CloudWatch cross-account alarm
 * per account and event region, in that region (config/model-health.ts `ForwardingWatchAlarm` says how each pages).
 * A page needs nothing of the watched account's own path: not its rules, role, alarms or default bus. CloudWatch reads
 * the other accounts' metrics as the service-linked role created here, through each account's
 * `CloudWatch-CrossAccountSharingRole` (modules/metric-sharing-role.ts).
 */
import { Construct } from 'constructs';
import { TerraformOutput } from 'cdktf';
import { IamServiceLinkedRole } from '@cdktf/provider-aws/lib/iam-service-linked-role';
import type { Model } from '../config/model';
import type { RegionalProviders } from './rootlock-stack';
import { queueNotEmptyAlarm } from './watch-alarms';
import type { ForwardingWatchAlarm } from '../config/model-health';

export interface ForwardingWatchProps {
  model: Model;
  providers: RegionalProviders;
  healthTopicArn: string;
}

export class ForwardingWatch extends Construct {
  constructor(scope: Construct, id: string, props: ForwardingWatchProps) {
    super(scope, id);
    const { model } = props;
    const w = model.health.forwardingWatch;
    const linked = new IamServiceLinkedRole(this, 'cloudwatch_cross_account', {
      awsServiceName: w.serviceLinkedRole.service,
      description: 'CloudWatch reads the forwarding-queue metrics of the accounts rootlock watches (cross-account alarms).',
    });
    for (const a of w.alarms) {
      const watch = forwardingWatchAlarmProps(model, a, props.healthTopicArn);
      // A cross-account alarm "must already have" the service-linked role when it is created (PutMetricAlarm).
      queueNotEmptyAlarm(this, `dlq_${a.accountId}_${a.region.replace(/-/g, '_')}`, { ...watch, provider: props.providers.providerFor(a.region), dependsOn: a.crossAccount ? [linked] : undefined });
    }
    new TerraformOutput(this, 'forwarding_watch_alarm_names', { value: w.alarms.map((a) => a.alarmName), description: "One alarm per account and event region on its forwarding dead-letter queue, in the security account." });
  }
}

/** The alarm of one account and region, as arguments of queueNotEmptyAlarm (the emulator test puts the same alarm). */
export function forwardingWatchAlarmProps(model: Model, a: ForwardingWatchAlarm, healthTopicArn: string) {
  const w = model.health.forwardingWatch;
  const paging = a.pagesThrough === 'health-topic' ? [healthTopicArn] : [];
  const how = a.pagesThrough === 'health-topic' ? 'pages the health topic' : `pages through the ${model.security.name} account's own forwarding of this alarm's state change`;
  return {
    alarmName: a.alarmName,
    description: `CRITICAL: events of ${a.accountName} (${a.accountId}) in ${a.region} could not be forwarded to ${model.pipeline.busName} and wait in its ${w.queueName}: root activity there may have paged nobody. Watched from the security account (${how}). Playbook: ${model.playbooks.url(model.delivery.watch.forwarding.id)}`,
    queueName: w.queueName,
    accountId: a.crossAccount ? a.accountId : undefined,
    actions: paging,
    okActions: paging,
  };
}
