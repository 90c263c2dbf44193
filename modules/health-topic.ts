/**
 * The health topic: where every alarm that watches delivery pages, encrypted with its own key, so a disabled or
 * rewritten alert key (or a broken alert topic) cannot silence the page that reports it. Its subscriptions are the
 * pager's, each with a redrive policy to the subscription dead-letter queue, itself watched.
 */
import { Construct } from 'constructs';
import { TerraformOutput } from 'cdktf';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { SqsQueuePolicy } from '@cdktf/provider-aws/lib/sqs-queue-policy';
import type { Model } from '../config/model';
import { snake } from '../config/model';
import { policyJson } from '../policies/document';
import { healthKeyPolicy, healthTopicPolicy, subscriptionDeadLetterQueuePolicy } from '../policies/health';
import { EncryptionKey } from './encryption-key';
import { ANY_ONE_IN_A_PERIOD, queueNotEmptyAlarm } from './watch-alarms';

export interface HealthTopicProps {
  readonly model: Model;
}

/** The redrive policy of a subscription (SNS dead-letter queues: https://docs.aws.amazon.com/sns/latest/dg/sns-dead-letter-queues.html). */
export function redrivePolicy(queueArn: string): string {
  return JSON.stringify({ deadLetterTargetArn: queueArn });
}

/**
 * The drill's health alarm, as data (the emulator test builds the same alarm from it): a metric nothing publishes (in
 * the protected namespace), missing data not breaching, so it is OK until the drill sets it to ALARM (SetAlarmState)
 * and its action pages the health topic. No OK action: setting it back pages nobody.
 */
export function drillAlarmProps(model: Model, healthTopicArn: string) {
  const h = model.health;
  return {
    alarmName: h.drillAlarm.alarmName,
    alarmDescription: `DRILL, NOT AN INCIDENT: only \`npm run drill -- --inject\` sets this alarm to ALARM, to prove that a health page reaches the subscribers of ${h.topicName}. Nothing to contain.`,
    namespace: model.pipeline.metricNamespace,
    metricName: h.drillAlarm.metricName,
    statistic: 'Sum',
    period: 300,
    ...ANY_ONE_IN_A_PERIOD,
    alarmActions: [healthTopicArn],
  };
}

export class HealthTopic extends Construct {
  readonly topic: SnsTopic;
  readonly key: EncryptionKey;
  /** Dead-letter queue of every subscription of the alert, compliance and health topics. */
  readonly subscriptionDeadLetterQueue: SqsQueue;

  constructor(scope: Construct, id: string, props: HealthTopicProps) {
    super(scope, id);
    const { model } = props;
    const h = model.health;
    this.key = new EncryptionKey(this, 'key', {
      purpose: 'health-topic',
      alias: h.keyAlias,
      description: 'rootlock health topic: its own key, so the alert key failing cannot silence the page that reports it.',
      policy: healthKeyPolicy(model),
    });
    const dlq = h.subscriptionDeadLetterQueue;
    this.subscriptionDeadLetterQueue = new SqsQueue(this, 'subscription_dlq', { name: dlq.name, messageRetentionSeconds: 1209600, sqsManagedSseEnabled: true });
    new SqsQueuePolicy(this, 'subscription_dlq_policy', { queueUrl: this.subscriptionDeadLetterQueue.url, policy: policyJson(subscriptionDeadLetterQueuePolicy(model)) });

    this.topic = new SnsTopic(this, 'topic', { name: h.topicName, displayName: 'rootlock pipeline health', kmsMasterKeyId: this.key.key.arn });
    new SnsTopicPolicy(this, 'policy', { arn: this.topic.arn, policy: policyJson(healthTopicPolicy(model)) });
    for (const s of model.pipeline.subscriptions) {
      new SnsTopicSubscription(this, `subscription_${s.protocol}_${snake(s.endpoint).slice(0, 80)}`, {
        topicArn: this.topic.arn,
        protocol: s.protocol,
        endpoint: s.endpoint,
        endpointAutoConfirms: s.protocol === 'https' ? false : undefined,
        redrivePolicy: redrivePolicy(this.subscriptionDeadLetterQueue.arn),
      });
    }
    queueNotEmptyAlarm(this, 'subscription_dlq_alarm', {
      alarmName: dlq.alarmName,
      description: `CRITICAL: a page could not be delivered to a subscriber and waits in ${dlq.name}. Playbook: ${model.playbooks.url(model.delivery.watch.alertDelivery.id)}`,
      queueName: dlq.name,
      actions: [this.topic.arn],
    });
    new CloudwatchMetricAlarm(this, 'drill_alarm', drillAlarmProps(model, this.topic.arn));
    new TerraformOutput(this, 'topic_arn', { value: this.topic.arn, description: 'Health topic: every alarm watching delivery pages here.' });
  }
}
