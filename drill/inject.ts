/** Puts each path's synthetic input at the path's start. Each function returns a failure reason, or undefined. */
import { CloudWatchClient, DescribeAlarmHistoryCommand, DescribeAlarmsCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, CreateLogStreamCommand, PutLogEventsCommand, TestMetricFilterCommand } from '@aws-sdk/client-cloudwatch-logs';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { CreateSampleFindingsCommand, GuardDutyClient, ListDetectorsCommand } from '@aws-sdk/client-guardduty';
import type { Model } from '../config/model';
import type { AccountAccess } from './aws';
import { drillEventEntry, drillTrailRecord } from './drill-event';
import { PatternNotSynthesizable } from './pattern-record';
import type { DrillPath } from './plan';

export const GUARDDUTY_ROOT_FINDING = 'Policy:IAMUser/RootCredentialUsage';

function describe(e: unknown): string {
  const err = e as Error;
  return `${err.name ?? 'Error'}: ${err.message ?? String(e)}`;
}

export async function injectEvent(access: AccountAccess, path: DrillPath, runId: string): Promise<string | undefined> {
  const events = new EventBridgeClient(await access.client(path.account, path.region));
  try {
    const out = await events.send(new PutEventsCommand({ Entries: [drillEventEntry(path, runId)] }));
    const entry = out.Entries?.[0];
    if (out.FailedEntryCount || !entry?.EventId) return `PutEvents refused the drill event: ${entry?.ErrorCode ?? ''} ${entry?.ErrorMessage ?? ''}`.trim();
    return undefined;
  } catch (e) {
    return `PutEvents on the default bus of ${path.account.name} (${path.account.id}) in ${path.region} failed: ${describe(e)}`;
  } finally {
    events.destroy();
  }
}

/**
 * Every metric path at once: one log stream named after the run in the trail's log group, one record per path. A path
 * fails before injection when its alarm is already in ALARM (it could not page again until it returns to OK), when
 * no record can be synthesized for its pattern, or when the service's own TestMetricFilter says the record misses.
 */
export async function injectTrailRecords(model: Model, access: AccountAccess, paths: DrillPath[], runId: string): Promise<Map<string, string>> {
  const failures = new Map<string, string>();
  if (paths.length === 0) return failures;
  const opts = await access.client(model.security, model.organization.homeRegion);
  const logs = new CloudWatchLogsClient(opts);
  const cloudwatch = new CloudWatchClient(opts);
  try {
    const alarms = await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: paths.map((p) => p.detection.metric!.alarmName) }));
    const state = new Map((alarms.MetricAlarms ?? []).map((a) => [a.AlarmName!, a.StateValue!]));
    const now = new Date();
    const records: Array<{ path: DrillPath; message: string }> = [];
    for (const path of paths) {
      const alarm = path.detection.metric!.alarmName;
      if (!state.has(alarm)) {
        failures.set(path.name, `alarm ${alarm} does not exist in the security account: deploy the security stack`);
        continue;
      }
      if (state.get(alarm) === 'ALARM') {
        failures.set(path.name, `alarm ${alarm} is already in ALARM (an incident, or a drill less than a few periods ago): it pages only on its next OK -> ALARM change; run again when it is OK`);
        continue;
      }
      let message: string;
      try {
        message = JSON.stringify(drillTrailRecord(model, path, runId, now));
      } catch (e) {
        if (!(e instanceof PatternNotSynthesizable)) throw e;
        failures.set(path.name, `no synthetic record for the metric filter pattern of ${path.detection.id}: ${e.message}`);
        continue;
      }
      const test = await logs.send(new TestMetricFilterCommand({ filterPattern: path.detection.metric!.pattern, logEventMessages: [message] }));
      if (!test.matches?.length) {
        failures.set(path.name, `TestMetricFilter: the synthetic record does not match the filter ${path.detection.metric!.filterName}`);
        continue;
      }
      records.push({ path, message });
    }
    if (records.length === 0) return failures;
    const stream = `rootlock-drill/${runId}`;
    try {
      await logs.send(new CreateLogStreamCommand({ logGroupName: model.pipeline.logGroupName, logStreamName: stream }));
      const timestamp = now.getTime();
      await logs.send(new PutLogEventsCommand({ logGroupName: model.pipeline.logGroupName, logStreamName: stream, logEvents: records.map((r) => ({ timestamp, message: r.message })) }));
    } catch (e) {
      for (const r of records) failures.set(r.path.name, `writing the synthetic record to ${model.pipeline.logGroupName} failed: ${describe(e)}`);
    }
    return failures;
  } finally {
    logs.destroy();
    cloudwatch.destroy();
  }
}

export async function injectGuardDutyFinding(model: Model, access: AccountAccess, path: DrillPath): Promise<string | undefined> {
  const guardduty = new GuardDutyClient(await access.client(model.security, path.region));
  try {
    const detectors = (await guardduty.send(new ListDetectorsCommand({}))).DetectorIds ?? [];
    if (detectors.length === 0) return `no GuardDuty detector in the security account (${model.security.id}) in ${path.region}: deploy the security stack`;
    await guardduty.send(new CreateSampleFindingsCommand({ DetectorId: detectors[0], FindingTypes: [GUARDDUTY_ROOT_FINDING] }));
    return undefined;
  } catch (e) {
    return `CreateSampleFindings failed: ${describe(e)}`;
  } finally {
    guardduty.destroy();
  }
}

/** The reason the drill alarm carries: marked, with the run id the page is matched by (StateReason: at most 1,023 characters). */
export function healthDrillReason(runId: string): string {
  return `DRILL, NOT AN INCIDENT: ${runId} sets this alarm to ALARM to prove that a health page reaches the health topic's subscribers.`;
}

/**
 * `health`: the drill's own alarm set to ALARM (SetAlarmState invokes the action of the new state when it differs:
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_SetAlarmState.html). Fails first when the alarm
 * could not page the health topic: absent, actions disabled, or not to the health topic. An alarm left in ALARM is set
 * to OK first (it has no OK action: nothing is sent), so the ALARM change pages.
 */
export async function injectHealthAlarm(model: Model, access: AccountAccess, runId: string): Promise<string | undefined> {
  const cw = new CloudWatchClient(await access.client(model.security, model.organization.homeRegion));
  const drill = model.health.drillAlarm;
  try {
    const alarm = (await cw.send(new DescribeAlarmsCommand({ AlarmNames: [drill.alarmName] }))).MetricAlarms?.[0];
    if (!alarm) return `alarm ${drill.alarmName} does not exist in the security account: deploy the ${model.stackNames.security} stack`;
    if (alarm.ActionsEnabled !== true) return `alarm ${drill.alarmName} has its actions disabled: it cannot page; redeploy the ${model.stackNames.security} stack`;
    if (!(alarm.AlarmActions ?? []).includes(model.health.topicArn)) return `alarm ${drill.alarmName} does not notify the health topic ${model.health.topicArn}; redeploy the ${model.stackNames.security} stack`;
    if (alarm.StateValue === 'ALARM') await cw.send(new SetAlarmStateCommand({ AlarmName: drill.alarmName, StateValue: 'OK', StateReason: `rootlock drill ${runId}: reset before the drill` }));
    await cw.send(new SetAlarmStateCommand({ AlarmName: drill.alarmName, StateValue: 'ALARM', StateReason: healthDrillReason(runId) }));
    return undefined;
  } catch (e) {
    return `SetAlarmState on ${drill.alarmName} failed: ${describe(e)}`;
  } finally {
    cw.destroy();
  }
}

/**
 * Why the drill alarm's action failed since `since` (its history's failed Action items: a disabled or unusable health
 * key, a topic policy refusing CloudWatch), or undefined. AWS keeps failed actions in the alarm history.
 */
export async function healthActionFailure(model: Model, access: AccountAccess, since: Date): Promise<string | undefined> {
  const cw = new CloudWatchClient(await access.client(model.security, model.organization.homeRegion));
  try {
    const items = (await cw.send(new DescribeAlarmHistoryCommand({ AlarmName: model.health.drillAlarm.alarmName, HistoryItemType: 'Action', StartDate: since }))).AlarmHistoryItems ?? [];
    const failed = items.find((i) => /fail/i.test(`${i.HistorySummary ?? ''} ${i.HistoryData ?? ''}`));
    if (!failed) return undefined;
    let error = '';
    try {
      error = String((JSON.parse(failed.HistoryData ?? '{}') as { error?: unknown }).error ?? '');
    } catch {
      error = failed.HistoryData ?? '';
    }
    return `the alarm's action failed: ${failed.HistorySummary}${error ? `: ${error}` : ''}`;
  } catch {
    return undefined; // a history that cannot be read leaves the wait to decide
  } finally {
    cw.destroy();
  }
}

/** Puts the drill alarm back to OK (no OK action: nothing is sent). Returns what could not be done. */
export async function resetHealthAlarm(model: Model, access: AccountAccess, runId: string): Promise<string | undefined> {
  const cw = new CloudWatchClient(await access.client(model.security, model.organization.homeRegion));
  try {
    await cw.send(new SetAlarmStateCommand({ AlarmName: model.health.drillAlarm.alarmName, StateValue: 'OK', StateReason: `rootlock drill ${runId}: done` }));
    return undefined;
  } catch (e) {
    return `alarm ${model.health.drillAlarm.alarmName} left in ALARM: ${describe(e)}`;
  } finally {
    cw.destroy();
  }
}
