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

export interface AlertTopicProps {
  model: Model;
  organizationId: string;
}

export class AlertTopic extends Construct {
  readonly topic: SnsTopic;

  constructor(scope: Construct, id: string, props: AlertTopicProps) {
    super(scope, id);
    const p = props.model.pipeline;
    const key = new EncryptionKey(this, 'key', {
      purpose: 'alert-topic',
      alias: p.alertsKeyAlias,
      description: 'rootlock alert topic: usable by CloudWatch alarms and EventBridge (aws/sns is not).',
      policy: alertsKeyPolicy(props.model),
    });
    this.topic = new SnsTopic(this, 'topic', { name: p.topicName, displayName: 'rootlock root activity', kmsMasterKeyId: key.key.arn });
    new SnsTopicPolicy(this, 'policy', { arn: this.topic.arn, policy: policyJson(topicPolicy(props.model, p.topicArn, props.organizationId)) });
    for (const s of p.subscriptions) {
      // Keyed by endpoint, not position: removing one destination must not re-create the others.
      new SnsTopicSubscription(this, `subscription_${s.protocol}_${snake(s.endpoint).slice(0, 80)}`, {
        topicArn: this.topic.arn,
        protocol: s.protocol,
        endpoint: s.endpoint,
        endpointAutoConfirms: s.protocol === 'https' ? false : undefined,
      });
    }
    new TerraformOutput(this, 'topic_arn', { value: this.topic.arn, description: 'Alert topic every root alarm and rule publishes to.' });
  }
}
