/**
 * The tamper detections' recorded samples (detections/samples/tamper-*.json, recorded from the emulator by
 * scripts/record-tamper-samples.ts, three hand-written where the emulator records nothing: S3 and PutMetricData)
 * against EventBridge's own matcher (the emulator's TestEventPattern, as drill/live.ts checks live rules):
 * - each sample matches its own detection's pattern and no other detection's (one write, one page, one runbook);
 * - the same write made by the deploy (the deployment role's session with the source identity rootlock-deploy) matches
 *   no tamper pattern; the source identity on another role, or another source identity on the deployment role, still
 *   matches its own (the control that keeps the previous line from passing vacuously).
 */
import { EventBridgeClient, TestEventPatternCommand } from '@aws-sdk/client-eventbridge';
import { DEPLOY_SOURCE_IDENTITY } from '../config/contract';
import { samplesFor, SampleEvent } from '../drill/samples';
import { exampleModel } from './support/example';
import { Emulator, sdkConfig, startEmulator } from './support/emulator';

/** Tamper detection ids (their rule names carry the resource prefix too: detections/tamper.ts TAMPER). */
const TAMPER = 'tamper-';
const model = exampleModel();
const tamper = model.detections.filter((d) => d.id.startsWith(TAMPER));
const patterned = model.detections.filter((d) => d.event);
const deploymentRole = model.organization.deploymentRoleName;

/** The sample as the session `role` with `sourceIdentity` would have made it (same account, same write). */
function madeBy(sample: SampleEvent, role: string, sourceIdentity: string): SampleEvent {
  const account = sample.account;
  const copy = JSON.parse(JSON.stringify(sample)) as SampleEvent;
  copy.detail.userIdentity = {
    type: 'AssumedRole',
    principalId: `AROAEXAMPLEDEPLOY:${sourceIdentity}`,
    arn: `arn:aws:sts::${account}:assumed-role/${role}/${sourceIdentity}`,
    accountId: account,
    accessKeyId: 'ASIAEXAMPLEDEPLOY',
    sessionContext: {
      sessionIssuer: { type: 'Role', principalId: 'AROAEXAMPLEDEPLOY', arn: `arn:aws:iam::${account}:role/${role}`, accountId: account, userName: role },
      attributes: { creationDate: sample.time, mfaAuthenticated: 'false' },
      sourceIdentity,
    },
  };
  return copy;
}

/**
 * Overlaps by design, each with why: every alias write (CreateAlias, UpdateAlias, DeleteAlias) is also a write on the
 * key it points at (IAM authorizes it on both), and tamper-keys is unscoped (a key's rootlock tag is not in the event),
 * so an alias write pages both. Anything else a sample matches besides its own detection fails.
 */
const ALSO_PAGES: Record<string, string[]> = { 'tamper-key-aliases': ['tamper-keys'] };

describe('tamper samples against EventBridge matching (emulator TestEventPattern)', () => {
  let emu: Emulator | undefined;
  let eb: EventBridgeClient;
  beforeAll(async () => {
    emu = await startEmulator();
    if (emu) eb = new EventBridgeClient(sdkConfig(emu));
  }, 60_000);
  afterAll(async () => {
    eb?.destroy();
    await emu?.stop();
  });

  const matches = async (pattern: object, event: SampleEvent) =>
    (await eb.send(new TestEventPatternCommand({ EventPattern: JSON.stringify(pattern), Event: JSON.stringify(event) }))).Result === true;
  /** The ids of every detection whose pattern the event matches. */
  const matchedBy = async (event: SampleEvent) => {
    const ids: string[] = [];
    for (const d of patterned) if (await matches(d.event!.pattern, event)) ids.push(d.id);
    return ids;
  };

  it('covers every tamper detection with at least one sample', () => {
    expect(tamper.length).toBeGreaterThanOrEqual(16);
    for (const d of tamper) expect({ id: d.id, samples: samplesFor(d.id).length > 0 }).toEqual({ id: d.id, samples: true });
  });

  it('each sample matches its own detection and no other (but the documented overlaps)', async () => {
    if (!emu) return;
    for (const d of tamper) {
      const expected = [d.id, ...(ALSO_PAGES[d.id] ?? [])].sort();
      for (const s of samplesFor(d.id)) {
        const name = `${d.id} ${String(s.detail.eventName)}`;
        expect({ sample: name, matchedBy: (await matchedBy(s)).sort() }).toEqual({ sample: name, matchedBy: expected });
      }
    }
  });

  it(`the deploy's own session (${DEPLOY_SOURCE_IDENTITY} on the deployment role) matches no tamper pattern; either half alone still pages`, async () => {
    if (!emu) return;
    for (const d of tamper) {
      for (const s of samplesFor(d.id)) {
        const name = `${d.id} ${String(s.detail.eventName)}`;
        const deploy = (await matchedBy(madeBy(s, deploymentRole, DEPLOY_SOURCE_IDENTITY))).filter((id) => id.startsWith(TAMPER));
        expect({ sample: name, deploy }).toEqual({ sample: name, deploy: [] });
        expect({ sample: name, otherRole: await matches(d.event!.pattern, madeBy(s, 'Admin', DEPLOY_SOURCE_IDENTITY)) }).toEqual({ sample: name, otherRole: true });
        expect({ sample: name, otherIdentity: await matches(d.event!.pattern, madeBy(s, deploymentRole, 'alice@example.com')) }).toEqual({ sample: name, otherIdentity: true });
      }
    }
  });
});
