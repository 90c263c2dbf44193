/** An encrypted SQS dead-letter queue that EventBridge rules of one account and region may write to. */
import { Construct } from 'constructs';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { SqsQueuePolicy } from '@cdktf/provider-aws/lib/sqs-queue-policy';
import type { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { policyJson } from '../policies/document';
import { deadLetterQueuePolicy } from '../policies/pipeline';
import { sqsQueueArn } from '../config/arn';

export interface DeadLetterQueueProps {
  accountId: string;
  region: string;
  provider: AwsProvider;
  /** Resolved in the model (model.delivery.deadLetterQueues). */
  name: string;
  /** The only principals that may read or purge it (policies/pipeline.ts deadLetterReaders); empty: no such deny. */
  readers?: string[];
}

export class DeadLetterQueue extends Construct {
  readonly queue: SqsQueue;

  constructor(scope: Construct, id: string, props: DeadLetterQueueProps) {
    super(scope, id);
    const name = props.name;
    this.queue = new SqsQueue(this, 'queue', {
      provider: props.provider,
      name,
      messageRetentionSeconds: 1209600,
      sqsManagedSseEnabled: true,
    });
    new SqsQueuePolicy(this, 'policy', {
      provider: props.provider,
      queueUrl: this.queue.url,
      policy: policyJson(deadLetterQueuePolicy(sqsQueueArn(props.region, props.accountId, name), props.accountId, props.readers)),
    });
  }
}
