/**
 * `--to-pager`: one page, clearly marked as a drill, published to the alert topic, so it reaches every real
 * subscription (the pager, the mailbox) the way an alarm's page does. Opt-in: it wakes someone up.
 */
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { Model } from '../config/model';
import { DRILL_MARKER } from '../detections/drill';
import type { ClientOptions } from './aws';

export function drillPage(model: Model, runId: string): { Subject: string; Message: string } {
  return {
    // SNS subjects: at most 100 printable ASCII characters (https://docs.aws.amazon.com/sns/latest/api/API_Publish.html).
    Subject: `DRILL (not an incident): rootlock pager test ${runId}`.slice(0, 100),
    Message: [
      `DRILL, NOT AN INCIDENT (${DRILL_MARKER}). \`npm run drill -- --to-pager\` run ${runId} sent this page to ${model.pipeline.topicArn}`,
      'to prove that its subscriptions reach the people on call. Acknowledge it; nothing to contain.',
    ].join(' '),
  };
}

export async function sendDrillPage(model: Model, opts: ClientOptions, runId: string): Promise<string> {
  const sns = new SNSClient(opts);
  try {
    const out = await sns.send(new PublishCommand({ TopicArn: model.pipeline.topicArn, ...drillPage(model, runId) }));
    return out.MessageId!;
  } finally {
    sns.destroy();
  }
}
