/**
 * Pipeline health, read in the security account's home region: the organization trail logging and delivering to
 * CloudWatch Logs, the root alarms enabled with the alert topic as action, the alert subscriptions confirmed, the
 * dead-letter queues empty, GuardDuty enabled; and AWS Config recording in every account (from the account snapshots).
 * Every name comes from the model.
 */
import { CloudTrailClient, GetTrailStatusCommand } from '@aws-sdk/client-cloudtrail';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { GetDetectorCommand, GuardDutyClient, ListDetectorsCommand } from '@aws-sdk/client-guardduty';
import { ListSubscriptionsByTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Model } from '../config/model';
import type { AccountSnapshot } from './accounts';
import { label } from './accounts';
import { AwsAccess, clientConfig, Credentials, errorText } from './aws';
import { fail, notChecked, pass, Result } from './checks';
import { DetectorFilters, evaluateDetectorFilters, readDetectorFilters, rootFindingTypes } from './guardduty-filters';

/** A trail that has not delivered to CloudWatch Logs for this long leaves the metric alarms blind. */
export const MAX_DELIVERY_AGE_MS = 24 * 3600 * 1000;

type Read<T> = T | { error: string };
const isError = <T>(v: Read<T>): v is { error: string } => typeof v === 'object' && v !== null && 'error' in (v as object);

export interface PipelineState {
  trail: Read<{ found: false } | { found: true; isLogging: boolean; latestLogsDelivery?: Date; latestLogsDeliveryError?: string }>;
  alarms: Read<Array<{ name: string; actionsEnabled: boolean; alarmActions: string[]; state: string }>>;
  subscriptions: Read<Array<{ protocol: string; endpoint: string; pending: boolean }>>;
  /** Dead-letter queues: name -> messages waiting (visible + in flight), or why unreadable, or null when absent. */
  deadLetterQueues: Array<{ name: string; depth: Read<number | null> }>;
  guardDuty?: Read<string[]>;
  /** Every filter of every detector in the security account's home region (an ARCHIVE filter can hide root findings). */
  guardDutyFilters?: Read<DetectorFilters[]>;
}

/** The dead-letter queues the audit watches, by name, from the model. */
export function deadLetterQueueNames(model: Model): string[] {
  return [model.pipeline.deadLetterQueueName];
}

async function read<T>(fn: () => Promise<T>): Promise<Read<T>> {
  try {
    return await fn();
  } catch (e) {
    return { error: errorText(e) };
  }
}

export async function readPipeline(access: AwsAccess, model: Model, creds: Credentials | undefined): Promise<PipelineState> {
  const cfg = clientConfig(access, model.organization.homeRegion, creds);
  const p = model.pipeline;
  const trailClient = new CloudTrailClient(cfg);
  const cw = new CloudWatchClient(cfg);
  const sns = new SNSClient(cfg);
  const sqs = new SQSClient(cfg);
  const gd = new GuardDutyClient(cfg);
  try {
    const trail = await read(async () => {
      try {
        const s = await trailClient.send(new GetTrailStatusCommand({ Name: p.trailArn }));
        return { found: true as const, isLogging: s.IsLogging === true, latestLogsDelivery: s.LatestCloudWatchLogsDeliveryTime, latestLogsDeliveryError: s.LatestCloudWatchLogsDeliveryError || undefined };
      } catch (e) {
        if ((e as { name?: string }).name === 'TrailNotFoundException') return { found: false as const };
        throw e;
      }
    });
    const names = model.detections.filter((d) => d.metric).map((d) => d.metric!.alarmName);
    const alarms = await read(async () => {
      const out: Array<{ name: string; actionsEnabled: boolean; alarmActions: string[]; state: string }> = [];
      for (let i = 0; i < names.length; i += 100) {
        const page = await cw.send(new DescribeAlarmsCommand({ AlarmNames: names.slice(i, i + 100), AlarmTypes: ['MetricAlarm'] }));
        for (const a of page.MetricAlarms ?? []) out.push({ name: a.AlarmName!, actionsEnabled: a.ActionsEnabled === true, alarmActions: a.AlarmActions ?? [], state: a.StateValue ?? 'UNKNOWN' });
      }
      return out;
    });
    const subscriptions = await read(async () => {
      const out: Array<{ protocol: string; endpoint: string; pending: boolean }> = [];
      let token: string | undefined;
      do {
        const page = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: p.topicArn, NextToken: token }));
        for (const s of page.Subscriptions ?? []) out.push({ protocol: s.Protocol!, endpoint: s.Endpoint!, pending: s.SubscriptionArn === 'PendingConfirmation' });
        token = page.NextToken;
      } while (token);
      return out;
    });
    const deadLetterQueues = [];
    for (const name of deadLetterQueueNames(model)) {
      const depth = await read(async () => {
        let url: string;
        try {
          url = (await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl!;
        } catch (e) {
          if ((e as { name?: string }).name?.includes('NonExistentQueue')) return null;
          throw e;
        }
        const attrs = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }))).Attributes ?? {};
        return Number(attrs.ApproximateNumberOfMessages ?? 0) + Number(attrs.ApproximateNumberOfMessagesNotVisible ?? 0);
      });
      deadLetterQueues.push({ name, depth });
    }
    const detectorIds = model.monitoring.guardDuty ? await read(async () => (await gd.send(new ListDetectorsCommand({}))).DetectorIds ?? []) : undefined;
    const guardDuty = model.monitoring.guardDuty
      ? await read(async () => {
          if (isError(detectorIds!)) throw new Error(detectorIds.error);
          const ids = detectorIds!;
          const statuses: string[] = [];
          for (const id of ids) statuses.push((await gd.send(new GetDetectorCommand({ DetectorId: id }))).Status ?? 'UNKNOWN');
          return statuses;
        })
      : undefined;
    const guardDutyFilters = detectorIds && (isError(detectorIds) ? detectorIds : await read(() => readDetectorFilters(gd, [...detectorIds].sort())));
    return { trail, alarms, subscriptions, deadLetterQueues, guardDuty, guardDutyFilters };
  } finally {
    for (const c of [trailClient, cw, sns, sqs, gd]) c.destroy();
  }
}

export function evaluatePipeline(model: Model, state: PipelineState, now: Date): Result[] {
  const p = model.pipeline;
  const results: Result[] = [];
  const t = state.trail;
  if (isError(t)) {
    results.push(notChecked('pipeline-trail-logging', p.trailName, t.error), notChecked('pipeline-trail-delivery', p.trailName, t.error));
  } else if (!t.found) {
    results.push(fail('pipeline-trail-logging', p.trailName, `Trail ${p.trailArn} does not exist.`), fail('pipeline-trail-delivery', p.trailName, 'No trail, no delivery.'));
  } else {
    results.push(t.isLogging ? pass('pipeline-trail-logging', p.trailName, 'Logging.') : fail('pipeline-trail-logging', p.trailName, 'The trail exists but is not logging.'));
    const last = t.latestLogsDelivery;
    if (t.latestLogsDeliveryError) results.push(fail('pipeline-trail-delivery', p.trailName, `CloudWatch Logs delivery error: ${t.latestLogsDeliveryError}.`));
    else if (!last) results.push(fail('pipeline-trail-delivery', p.trailName, `Never delivered to CloudWatch Logs (${p.logGroupName}).`));
    else if (now.getTime() - last.getTime() > MAX_DELIVERY_AGE_MS) results.push(fail('pipeline-trail-delivery', p.trailName, `Last delivered to CloudWatch Logs at ${last.toISOString()}.`));
    else results.push(pass('pipeline-trail-delivery', p.trailName, `Delivered to ${p.logGroupName} within 24 hours.`));
  }

  // Each metric alarm notifies the topic its detection routes to (modules/root-alarms.ts): the alert topic, or the
  // compliance topic for the low-noise CIS alarm.
  const expected = model.detections
    .filter((d) => d.metric)
    .map((d) => ({ name: d.metric!.alarmName, topic: d.metric!.route === 'compliance' ? { arn: model.compliance.topicArn, what: 'the compliance topic' } : { arn: p.topicArn, what: 'the alert topic' } }));
  if (isError(state.alarms)) {
    for (const { name } of expected) results.push(notChecked('pipeline-alarm-actions', name, state.alarms.error));
  } else {
    const byName = new Map(state.alarms.map((a) => [a.name, a]));
    for (const { name, topic } of expected) {
      const a = byName.get(name);
      if (!a) results.push(fail('pipeline-alarm-actions', name, 'The alarm does not exist.'));
      else if (!a.actionsEnabled) results.push(fail('pipeline-alarm-actions', name, 'Alarm actions are disabled: it changes state without paging anyone.'));
      else if (!a.alarmActions.includes(topic.arn)) results.push(fail('pipeline-alarm-actions', name, `Does not notify ${topic.arn}.`));
      else results.push(pass('pipeline-alarm-actions', name, `Actions enabled, notifies ${topic.what}.`));
      if (a) results.push(a.state === 'ALARM' ? fail('pipeline-alarm-state', name, 'In ALARM.') : pass('pipeline-alarm-state', name, `State ${a.state}.`));
    }
  }

  if (isError(state.subscriptions)) {
    results.push(notChecked('pipeline-subscriptions', p.topicName, state.subscriptions.error));
  } else {
    for (const want of p.subscriptions) {
      const who = `${want.protocol}:${want.endpoint}`;
      const found = state.subscriptions.filter((s) => s.protocol === want.protocol && s.endpoint === want.endpoint);
      if (found.length === 0) results.push(fail('pipeline-subscriptions', who, `Not subscribed to ${p.topicName}.`));
      else if (found.every((s) => s.pending)) results.push(fail('pipeline-subscriptions', who, 'Pending confirmation: no alert reaches it until it is confirmed.'));
      else results.push(pass('pipeline-subscriptions', who, 'Confirmed.'));
    }
  }

  for (const q of state.deadLetterQueues) {
    if (isError(q.depth)) results.push(notChecked('pipeline-dead-letter-queue', q.name, q.depth.error));
    else if (q.depth === null) results.push(fail('pipeline-dead-letter-queue', q.name, 'The queue does not exist: undeliverable alerts are lost.'));
    else results.push(q.depth > 0 ? fail('pipeline-dead-letter-queue', q.name, `${q.depth} undelivered message(s).`) : pass('pipeline-dead-letter-queue', q.name, 'Empty.'));
  }

  if (state.guardDuty !== undefined) {
    const who = label(model.security.id, model.security.name);
    const g = state.guardDuty;
    if (isError(g)) results.push(notChecked('pipeline-guardduty', who, g.error));
    else results.push(g.includes('ENABLED') ? pass('pipeline-guardduty', who, 'A detector is enabled.') : fail('pipeline-guardduty', who, g.length ? `Detector status ${g.join(', ')}.` : 'No detector.'));
  }
  const filters = state.guardDutyFilters;
  if (filters !== undefined) {
    const who = label(model.security.id, model.security.name);
    if (isError(filters)) results.push(notChecked('pipeline-guardduty-filters', who, filters.error));
    else results.push(...evaluateDetectorFilters(`${who} ${model.organization.homeRegion}`, filters, rootFindingTypes(model)));
  }
  return results;
}

/** AWS Config recording in every declared account (when the configuration turns Config on). */
export function evaluateConfigRecorders(model: Model, snapshots: AccountSnapshot[]): Result[] {
  const results: Result[] = [];
  if (model.monitoring.config) {
    const names = new Map(model.allAccounts.map((a) => [a.id, a.name]));
    for (const s of snapshots) {
      const who = label(s.accountId, names.get(s.accountId));
      const r = s.configRecorders;
      if (s.error) results.push(notChecked('pipeline-config-recorder', who, s.error));
      else if (!r || isError(r)) results.push(notChecked('pipeline-config-recorder', who, r ? r.error : 'not read'));
      else results.push(r.includes(true) ? pass('pipeline-config-recorder', who, 'Recording.') : fail('pipeline-config-recorder', who, r.length ? 'The recorder is stopped.' : 'No recorder.'));
    }
  }
  return results;
}
