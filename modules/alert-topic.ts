/** The pager: an SNS topic encrypted with a key that CloudWatch alarms and EventBridge can use, and its subscriptions. */
import { Construct } from 'constructs';
import { TerraformOutput } from 'cdktf';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import type { Model } from '../config/model';
import { snake } from '../config/model';
import { policyJson } from '../policies/document';
import { alertsKeyPolicy, topicPolicy } from '../policies/pipeline';
import { EncryptionKey } from './encryption-key';

/** Which topic: its name, ARN, display name and subscriptions, all from the model. */
export interface TopicDestination {
  readonly name: string;
  readonly arn: string;
  readonly displayName: string;
  readonly subscriptions: ReadonlyArray<{ protocol: 'email' | 'https'; endpoint: string }>;
  readonly description: string;
}

export interface AlertTopicProps {
  readonly model: Model;
  readonly organizationId: string;
  /** @default the alert topic of `model.pipeline` */
  readonly destination?: TopicDestination;
  /** Key to encrypt the topic with. @default a new key `model.pipeline.alertsKeyAlias` */
  readonly key?: EncryptionKey;
  /** Redrive policy of every subscription: undeliverable pages go to this queue (the health topic's, watched). */
  readonly subscriptionDeadLetterArn?: string;
}

export class AlertTopic extends Construct {
  readonly topic: SnsTopic;
  readonly key: EncryptionKey;

  constructor(scope: Construct, id: string, props: AlertTopicProps) {
    super(scope, id);
    const p = props.model.pipeline;
    const destination: TopicDestination = props.destination ?? {
      name: p.topicName,
      arn: p.topicArn,
      displayName: 'rootlock root activity',
      subscriptions: p.subscriptions,
      description: 'Alert topic every root alarm and rule publishes to.',
    };
    this.key =
      props.key ??
      new EncryptionKey(this, 'key', {
        purpose: 'alert-topic',
        alias: p.alertsKeyAlias,
        description: 'rootlock alert topic: usable by CloudWatch alarms and EventBridge (aws/sns is not).',
        policy: alertsKeyPolicy(props.model),
      });
    this.topic = new SnsTopic(this, 'topic', { name: destination.name, displayName: destination.displayName, kmsMasterKeyId: this.key.key.arn });
    new SnsTopicPolicy(this, 'policy', { arn: this.topic.arn, policy: policyJson(topicPolicy(props.model, destination.arn, props.organizationId)) });
    for (const s of destination.subscriptions) {
      // Keyed by endpoint, not position: removing one destination must not re-create the others.
      new SnsTopicSubscription(this, `subscription_${s.protocol}_${snake(s.endpoint).slice(0, 80)}`, {
        topicArn: this.topic.arn,
        protocol: s.protocol,
        endpoint: s.endpoint,
        endpointAutoConfirms: s.protocol === 'https' ? false : undefined,
        ...(props.subscriptionDeadLetterArn ? { redrivePolicy: JSON.stringify({ deadLetterTargetArn: props.subscriptionDeadLetterArn }) } : {}),
      });
    }
    new TerraformOutput(this, 'topic_arn', { value: this.topic.arn, description: destination.description });
  }
}
