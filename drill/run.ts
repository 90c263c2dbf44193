/**
 * One drill run: create the temporary subscriber, inject every selected path's synthetic input, wait for each page at
 * the alert topic (or for the event in the central dead-letter queue, which fails the path at once with AWS's reason),
 * and always remove the subscriber. The `health` path has its own temporary subscriber on the health topic (its page
 * must never ride the alert topic); a failed alarm action in the drill alarm's history fails it at once with the reason.
 */
import { ChangeMessageVisibilityBatchCommand, DeleteMessageBatchCommand, GetQueueUrlCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { JOB_ROLE_NAMES } from '../config/contract';
import type { Model } from '../config/model';
import { AccountAccess, ClientOptions, createSubscriber, removeSubscriber, Subscriber } from './aws';
import { GUARDDUTY_ROOT_FINDING, healthActionFailure, injectEvent, injectGuardDutyFinding, injectHealthAlarm, injectTrailRecords, resetHealthAlarm } from './inject';
import { messageProves, parseEnvelope } from './match';
import type { DrillPath } from './plan';

export interface PathResult {
  path: string;
  result: 'PASS' | 'FAIL' | 'NOT DRIVEN';
  /** Seconds from injection to the page (PASS). */
  seconds?: number;
  reason?: string;
}

export interface RunReport {
  runId: string;
  results: PathResult[];
  /** Anything of the temporary subscriber that could not be removed (empty when it is gone). */
  leftBehind: string[];
}

export interface RunOptions {
  runId: string;
  /** Overrides every path's timeout (seconds). */
  timeoutSeconds?: number;
  progress: (line: string) => void;
  /** Credentials per account (default: the drill role, JOB_ROLE_NAMES.drill). */
  access?: AccountAccess;
}

/**
 * This run's events in the central dead-letter queue, read without deleting them (they are the evidence): path name ->
 * the reason AWS gave. A drill event names its path; a GuardDuty sample finding of the root type counts for `guardduty`
 * when it was created after `since`.
 *
 * Why not a peek with VisibilityTimeout 0: SQS then answers every poll with the same first messages, so with more than
 * ten messages in the queue (earlier failures, one per path of a broken key) the later paths' refusals are never read
 * and they fail as a bare timeout. Each poll drains what is visible under a short lease, remembers every message by id
 * across polls, and `release` hands the leases back (visibility 0) so the evidence is visible at once to whoever looks.
 */
export class DeadLetterReader {
  private readonly seen = new Map<string, { path?: string; reason: string }>();
  private readonly leased = new Map<string, string>();

  constructor(
    private readonly sqs: SQSClient,
    private readonly url: string | undefined,
    private readonly runId: string,
    private readonly since: number,
  ) {}

  /** Reads everything visible now (at most `maxBatches` receives) and answers path -> reason for all seen so far. */
  async poll(maxBatches = 20): Promise<Map<string, string>> {
    if (this.url) {
      for (let i = 0; i < maxBatches; i++) {
        const out = await this.sqs
          .send(new ReceiveMessageCommand({ QueueUrl: this.url, MaxNumberOfMessages: 10, VisibilityTimeout: 60, MessageAttributeNames: ['All'] }))
          .catch(() => undefined);
        const messages = out?.Messages ?? [];
        if (messages.length === 0) break;
        for (const m of messages) {
          if (m.MessageId && m.ReceiptHandle) this.leased.set(m.MessageId, m.ReceiptHandle);
          if (m.MessageId && !this.seen.has(m.MessageId)) this.seen.set(m.MessageId, this.classify(m));
        }
      }
    }
    const found = new Map<string, string>();
    for (const { path, reason } of this.seen.values()) if (path) found.set(path, reason);
    return found;
  }

  /** Makes every message this reader leased visible again (they stay in the queue as evidence). */
  async release(): Promise<void> {
    if (!this.url) return;
    const handles = [...this.leased.values()];
    this.leased.clear();
    for (let i = 0; i < handles.length; i += 10) {
      await this.sqs
        .send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: this.url, Entries: handles.slice(i, i + 10).map((h, j) => ({ Id: String(j), ReceiptHandle: h, VisibilityTimeout: 0 })) }))
        .catch(() => undefined);
    }
  }

  private classify(m: { Body?: string; MessageAttributes?: Record<string, { StringValue?: string }> }): { path?: string; reason: string } {
    const attr = (n: string) => m.MessageAttributes?.[n]?.StringValue ?? '';
    const reason = `delivery to ${attr('TARGET_ARN') || 'the target'} failed (${attr('ERROR_CODE') || 'unknown error'}): ${attr('ERROR_MESSAGE')}`.trim();
    let event: { source?: string; time?: string; detail?: { runId?: unknown; path?: unknown; type?: unknown; service?: { additionalInfo?: { sample?: unknown } } } } | undefined;
    try {
      event = JSON.parse(m.Body ?? '');
    } catch {
      return { reason };
    }
    const detail = event?.detail;
    if (detail?.runId === this.runId && typeof detail.path === 'string') return { path: detail.path, reason };
    const sampleRootFinding = event?.source === 'aws.guardduty' && detail?.type === GUARDDUTY_ROOT_FINDING && detail.service?.additionalInfo?.sample === true;
    if (sampleRootFinding && Date.parse(event?.time ?? '') >= this.since - 5000) return { path: 'guardduty', reason };
    return { reason };
  }
}

export async function runDrill(model: Model, paths: DrillPath[], opts: RunOptions): Promise<RunReport> {
  const access = opts.access ?? new AccountAccess(model, JOB_ROLE_NAMES.drill);
  const results = new Map<string, PathResult>();
  for (const p of paths.filter((x) => x.notDriven)) results.set(p.name, { path: p.name, result: 'NOT DRIVEN', reason: p.notDriven });
  const driven = paths.filter((p) => !p.notDriven);
  const security: ClientOptions = await access.client(model.security, model.organization.homeRegion);
  let subscriber: Subscriber | undefined;
  let healthSubscriber: Subscriber | undefined;
  let healthInjected = false;
  const leftBehind: string[] = [];
  const sqs = new SQSClient(security);
  let deadLetterReader: DeadLetterReader | undefined;
  try {
    if (driven.some((p) => p.kind !== 'health')) {
      await createSubscriber(model, security, opts.runId, (s) => (subscriber = s));
      // Subscribing an SQS queue in the topic's account is confirmed at once; nothing to wait for.
    }
    if (driven.some((p) => p.kind === 'health')) {
      await createSubscriber(model, security, `${opts.runId}-health`, (s) => (healthSubscriber = s), model.health.topicArn);
    }
    const injectedAt = new Map<string, number>();
    const fail = (p: DrillPath, reason: string) => results.set(p.name, { path: p.name, result: 'FAIL', reason });
    for (const p of driven.filter((x) => x.kind === 'event')) {
      injectedAt.set(p.name, Date.now());
      const failure = await injectEvent(access, p, opts.runId);
      if (failure) fail(p, failure);
    }
    const metricPaths = driven.filter((x) => x.kind === 'metric');
    const metricStart = Date.now();
    for (const p of metricPaths) injectedAt.set(p.name, metricStart);
    const trailFailures = await injectTrailRecords(model, access, metricPaths, opts.runId).catch((e: Error) => new Map(metricPaths.map((p) => [p.name, `preparing the trail records failed: ${e.name}: ${e.message}`])));
    for (const [name, reason] of trailFailures) fail(metricPaths.find((p) => p.name === name)!, reason);
    for (const p of driven.filter((x) => x.kind === 'guardduty')) {
      injectedAt.set(p.name, Date.now());
      const failure = await injectGuardDutyFinding(model, access, p);
      if (failure) fail(p, failure);
    }

    const healthStart = new Date();
    for (const p of driven.filter((x) => x.kind === 'health')) {
      injectedAt.set(p.name, healthStart.getTime());
      const failure = await injectHealthAlarm(model, access, opts.runId);
      if (failure) fail(p, failure);
      else healthInjected = true;
    }

    const dlqUrl = (await sqs.send(new GetQueueUrlCommand({ QueueName: model.pipeline.deadLetterQueueName })).catch(() => undefined))?.QueueUrl;
    const started = Date.now();
    deadLetterReader = new DeadLetterReader(sqs, dlqUrl, opts.runId, started);
    const context = { runId: opts.runId, startedAt: started - 5000 };
    let lastProgress = 0;
    for (;;) {
      const pending = driven.filter((p) => !results.has(p.name));
      if (pending.length === 0) break;
      const now = Date.now();
      for (const p of pending) {
        const limit = (opts.timeoutSeconds ?? p.timeoutSeconds) * 1000;
        if (now - injectedAt.get(p.name)! > limit) fail(p, `no page at the ${p.kind === 'health' ? 'health' : 'alert'} topic within ${Math.round(limit / 1000)} s`);
      }
      const waiting = driven.filter((p) => !results.has(p.name));
      if (waiting.length === 0) break;
      if (now - lastProgress >= 10_000) {
        opts.progress(`waiting for ${waiting.length} of ${driven.length} path(s) (${Math.round((now - started) / 1000)} s): ${waiting.map((p) => p.name).join(', ')}`);
        lastProgress = now;
      }
      for (const queue of [subscriber, healthSubscriber]) {
        if (!queue) continue;
        const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queue.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: healthSubscriber ? 1 : 2 }));
        const messages = received.Messages ?? [];
        for (const m of messages) {
          const env = parseEnvelope(m.Body ?? '');
          if (!env) continue;
          for (const p of waiting) {
            // A page proves its path only at the topic the path pages: the health drill never through the alert topic.
            const topic = p.kind === 'health' ? model.health.topicArn : model.pipeline.topicArn;
            if (!results.has(p.name) && env.topicArn === topic && messageProves(p, env, context)) {
              results.set(p.name, { path: p.name, result: 'PASS', seconds: Math.round((Date.now() - injectedAt.get(p.name)!) / 100) / 10 });
            }
          }
        }
        if (messages.length > 0) {
          await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queue.queueUrl, Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })) }));
        }
      }
      for (const p of waiting.filter((x) => x.kind === 'health' && !results.has(x.name))) {
        const failure = await healthActionFailure(model, access, healthStart);
        if (failure) fail(p, `${failure} (health topic ${model.health.topicArn}, key ${model.health.keyAlias})`);
      }
      const dead = await deadLetterReader.poll();
      for (const p of waiting.filter((x) => !results.has(x.name) && dead.has(x.name))) {
        fail(p, `the event reached the central dead-letter queue ${model.pipeline.deadLetterQueueName}: ${dead.get(p.name)}`);
      }
    }
  } finally {
    await deadLetterReader?.release();
    if (healthInjected) {
      const stuck = await resetHealthAlarm(model, access, opts.runId);
      if (stuck) leftBehind.push(stuck);
    }
    if (subscriber) leftBehind.push(...(await removeSubscriber(security, subscriber)));
    if (healthSubscriber) leftBehind.push(...(await removeSubscriber(security, healthSubscriber)));
    sqs.destroy();
  }
  return { runId: opts.runId, results: paths.map((p) => results.get(p.name)!), leftBehind };
}
