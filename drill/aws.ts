/**
 * AWS access for the drill: credentials per account (the caller's own for the management account, the deployment role
 * everywhere else, as the stacks reach them), and the temporary subscriber on the alert topic that the drill creates
 * and always removes. Endpoint, region defaults and credentials come from the standard AWS environment only
 * (`AWS_ENDPOINT_URL` points every client at an emulator).
 */
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { CreateQueueCommand, DeleteQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { SNSClient, SubscribeCommand, UnsubscribeCommand } from '@aws-sdk/client-sns';
import { iamRoleArn, sqsQueueArn } from '../config/arn';
import type { AccountTarget, Model } from '../config/model';

export interface AwsCredentialIdentity {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

export type Credentials = AwsCredentialIdentity | undefined;

export interface ClientOptions {
  region: string;
  credentials?: AwsCredentialIdentity;
  /** The SDK's adaptive retries (client-side rate limiting on throttling), not a hand-written loop. */
  retryMode?: 'adaptive';
  maxAttempts?: number;
}

/**
 * Credentials for each account, assumed once per run: the caller's own in the management account, the drill's own
 * role (`roleName`, JOB_ROLE_NAMES.drill unless --role) everywhere else.
 */
export class AccountAccess {
  private readonly cache = new Map<string, Promise<Credentials>>();

  constructor(
    private readonly model: Model,
    private readonly roleName: string,
  ) {}

  credentials(account: AccountTarget): Promise<Credentials> {
    let pending = this.cache.get(account.id);
    if (!pending) {
      pending = account.id !== this.model.organization.managementAccountId ? this.assume(iamRoleArn(account.id, this.roleName)) : Promise.resolve(undefined);
      this.cache.set(account.id, pending);
    }
    return pending;
  }

  async client(account: AccountTarget, region: string): Promise<ClientOptions> {
    const credentials = await this.credentials(account);
    return { region, ...(credentials ? { credentials } : {}), retryMode: 'adaptive', maxAttempts: 8 };
  }

  private async assume(roleArn: string): Promise<Credentials> {
    const sts = new STSClient({ region: this.model.organization.homeRegion });
    try {
      const out = await sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'rootlock-drill', DurationSeconds: 3600 }));
      const c = out.Credentials!;
      return { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken, expiration: c.Expiration };
    } finally {
      sts.destroy();
    }
  }
}

export interface Subscriber {
  queueUrl: string;
  queueArn: string;
  subscriptionArn?: string;
}

/** Only the subscribed topic (the alert topic, or the health topic for `health`) may send to the queue (aws:SourceArn), and only sqs:SendMessage. */
export function subscriberQueuePolicy(queueArn: string, topicArn: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'AlertTopicDeliversDrillMessages',
        Effect: 'Allow',
        Principal: { Service: 'sns.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: queueArn,
        Condition: { ArnEquals: { 'aws:SourceArn': topicArn } },
      },
    ],
  });
}

/**
 * Creates the queue, then subscribes it to `topicArn` (default: the alert topic); `onCreated` learns each piece as soon
 * as it exists, so removal never misses one.
 */
export async function createSubscriber(model: Model, opts: ClientOptions, queueName: string, onCreated: (s: Subscriber) => void, topicArn = model.pipeline.topicArn): Promise<Subscriber> {
  const queueArn = sqsQueueArn(model.organization.homeRegion, model.security.id, queueName);
  const sqs = new SQSClient(opts);
  const sns = new SNSClient(opts);
  try {
    const created = await sqs.send(
      new CreateQueueCommand({
        QueueName: queueName,
        Attributes: { Policy: subscriberQueuePolicy(queueArn, topicArn), SqsManagedSseEnabled: 'true', MessageRetentionPeriod: '3600' },
        tags: { purpose: 'rootlock-drill' },
      }),
    );
    const subscriber: Subscriber = { queueUrl: created.QueueUrl!, queueArn };
    onCreated(subscriber);
    const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: subscriber.queueUrl, AttributeNames: ['QueueArn'] }));
    subscriber.queueArn = attrs.Attributes?.QueueArn ?? queueArn;
    const sub = await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: subscriber.queueArn, ReturnSubscriptionArn: true }));
    subscriber.subscriptionArn = sub.SubscriptionArn;
    onCreated(subscriber);
    return subscriber;
  } finally {
    sqs.destroy();
    sns.destroy();
  }
}

/** Unsubscribes and deletes the queue; returns what could not be removed (empty when all is gone). */
export async function removeSubscriber(opts: ClientOptions, subscriber: Subscriber): Promise<string[]> {
  const problems: string[] = [];
  const sns = new SNSClient(opts);
  const sqs = new SQSClient(opts);
  try {
    if (subscriber.subscriptionArn) {
      await sns.send(new UnsubscribeCommand({ SubscriptionArn: subscriber.subscriptionArn })).catch((e: Error) => problems.push(`subscription ${subscriber.subscriptionArn}: ${e.name}: ${e.message}`));
    }
    await sqs.send(new DeleteQueueCommand({ QueueUrl: subscriber.queueUrl })).catch((e: Error) => problems.push(`queue ${subscriber.queueUrl}: ${e.name}: ${e.message}`));
  } finally {
    sns.destroy();
    sqs.destroy();
  }
  return problems;
}
