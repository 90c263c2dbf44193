/**
 * The drill's reading of the central dead-letter queue (DeadLetterReader), against a queue that behaves as SQS does:
 * ReceiveMessage answers at most 10 visible messages, oldest first, and hides each for its VisibilityTimeout;
 * ChangeMessageVisibility 0 shows it again (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ReceiveMessage.html).
 * A broken key fails every event path at once, so the queue holds more than ten refusals: each must be read.
 */
import { ChangeMessageVisibilityBatchCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DeadLetterReader } from '../drill/run';

class FakeQueue {
  private readonly hiddenUntil = new Map<string, number>();
  receives = 0;
  constructor(
    readonly messages: Array<{ MessageId: string; Body: string; MessageAttributes: Record<string, { StringValue: string; DataType: string }> }>,
    private now = () => Date.now(),
  ) {}
  send = async (command: unknown): Promise<unknown> => {
    if (command instanceof ReceiveMessageCommand) {
      this.receives++;
      const visible = this.messages.filter((m) => (this.hiddenUntil.get(m.MessageId) ?? 0) <= this.now()).slice(0, command.input.MaxNumberOfMessages ?? 1);
      for (const m of visible) this.hiddenUntil.set(m.MessageId, this.now() + (command.input.VisibilityTimeout ?? 30) * 1000);
      return { Messages: visible.map((m) => ({ ...m, ReceiptHandle: `rh-${m.MessageId}` })) };
    }
    if (command instanceof ChangeMessageVisibilityBatchCommand) {
      for (const e of command.input.Entries ?? []) this.hiddenUntil.set(e.ReceiptHandle!.slice(3), this.now() + (e.VisibilityTimeout ?? 0) * 1000);
      return { Successful: command.input.Entries?.map((e) => ({ Id: e.Id })) };
    }
    throw new Error(`unexpected command ${(command as object).constructor.name}`);
  };
  visibleCount(): number {
    return this.messages.filter((m) => (this.hiddenUntil.get(m.MessageId) ?? 0) <= this.now()).length;
  }
}

const refusal = (runId: string, path: string, i: number) => ({
  MessageId: `m-${String(i).padStart(3, '0')}`,
  Body: JSON.stringify({ source: 'rootlock.drill', time: new Date().toISOString(), detail: { runId, path } }),
  MessageAttributes: {
    TARGET_ARN: { DataType: 'String', StringValue: 'arn:aws:sns:eu-west-1:222222222222:rootlock-alerts' },
    ERROR_CODE: { DataType: 'String', StringValue: 'SDK_CLIENT_ERROR' },
    ERROR_MESSAGE: { DataType: 'String', StringValue: `KMS refused path ${path}` },
  },
});

describe('DeadLetterReader', () => {
  const runId = 'drill-20261207-abcdef';

  it('reads every refusal of the run, well past the first ten, and names each path with its reason', async () => {
    // An older run's leftovers first (the queue is evidence, never purged), then this run's 25 refusals.
    const older = Array.from({ length: 12 }, (_, i) => refusal('drill-20261206-000000', `event:old-${i}:eu-west-1`, i));
    const mine = Array.from({ length: 25 }, (_, i) => refusal(runId, `event:acct-${i}:eu-west-1`, 100 + i));
    const queue = new FakeQueue([...older, ...mine]);
    const reader = new DeadLetterReader(queue as unknown as SQSClient, 'https://sqs/dlq', runId, Date.now());
    const found = await reader.poll();
    expect([...found.keys()].sort()).toEqual(mine.map((m) => JSON.parse(m.Body).detail.path).sort());
    expect(found.get('event:acct-17:eu-west-1')).toBe('delivery to arn:aws:sns:eu-west-1:222222222222:rootlock-alerts failed (SDK_CLIENT_ERROR): KMS refused path event:acct-17:eu-west-1');
  });

  it('remembers what it read across polls while the messages are leased, and hands every lease back at the end', async () => {
    const queue = new FakeQueue(Array.from({ length: 15 }, (_, i) => refusal(runId, `event:a-${i}:us-east-1`, i)));
    const reader = new DeadLetterReader(queue as unknown as SQSClient, 'https://sqs/dlq', runId, Date.now());
    expect((await reader.poll()).size).toBe(15);
    expect(queue.visibleCount()).toBe(0);
    // A later poll sees nothing new in the queue, and still answers every path read before.
    expect((await reader.poll()).size).toBe(15);
    await reader.release();
    // The evidence stays in the queue, visible at once to the audit or a responder.
    expect(queue.visibleCount()).toBe(15);
  });

  it('a queue that cannot be found or read answers nothing, without throwing', async () => {
    expect((await new DeadLetterReader({ send: async () => Promise.reject(new Error('AccessDenied')) } as unknown as SQSClient, 'https://sqs/dlq', runId, 0).poll()).size).toBe(0);
    expect((await new DeadLetterReader({} as SQSClient, undefined, runId, 0).poll()).size).toBe(0);
  });
});
