/**
 * The drill's live checks, pure parts: the recorded samples ship with the product and cover every detection the drill
 * tests, shaped as AWS delivers them; the plan names one path per paging rule, forwarding rule, metric filter and
 * alert destination; the command line answers --help on stdout and a usage error on stderr. The checks themselves
 * run against a Terraform-applied pipeline in audit-deployed.test.ts.
 */
import { Writable } from 'stream';
import { exampleModel } from './support/example';
import { planLiveChecks } from '../drill/live';
import { rebase, samplesFor, trailRecords } from '../drill/samples';
import { drillPage } from '../drill/pager';
import { main, USAGE } from '../drill/cli';
import { rulesForRegion } from '../detections/regions';

const model = exampleModel();
const checks = planLiveChecks(model);

describe('recorded samples (detections/samples)', () => {
  const tested = [...new Set(checks.filter((c) => c.detection).map((c) => c.detection!.id))].sort();

  it('has AWS-shaped events for every detection a live check tests: the envelope TestEventPattern requires', () => {
    for (const id of tested) {
      const samples = samplesFor(id);
      expect({ id, count: samples.length > 0 }).toEqual({ id, count: true });
      for (const s of samples) {
        for (const field of ['id', 'account', 'source', 'time', 'region', 'resources', 'detail-type', 'detail']) expect({ id, field, has: field in s }).toEqual({ id, field, has: true });
        if (s['detail-type'].endsWith('via CloudTrail')) expect(s.source).toBe(`aws.${String(s.detail.eventSource).split('.')[0]}`);
      }
    }
  });

  it('has a trail record for every metric detection (the CloudTrail event detail, as the log group holds it)', () => {
    for (const d of model.detections.filter((x) => x.metric)) expect({ id: d.id, records: trailRecords(samplesFor(d.id)).length > 0 }).toEqual({ id: d.id, records: true });
  });

  it('rebases a sample into the account under test everywhere it names its own', () => {
    const [kms] = samplesFor('kms-key-disabled');
    const moved = rebase(kms, '999999999999');
    expect(moved.account).toBe('999999999999');
    expect(JSON.stringify(moved)).not.toContain(kms.account);
    expect(moved.detail.recipientAccountId).toBe('999999999999');
  });
});

describe('the live check plan', () => {
  it('one rule path per paging rule, one forward path per account, region and forwarded detection, one filter per metric, one per destination', () => {
    const names = checks.map((c) => c.name);
    expect(names.filter((n) => n.startsWith('rule:'))).toEqual(model.delivery.centralRules.map((r) => `rule:${r.detectionId}`));
    const forwards = model.allAccounts.flatMap((a) => model.eventRegions.flatMap((r) => rulesForRegion(model, r, 'forwarded').map((d) => `forward:${a.name}:${r}:${d.id}`)));
    expect(names.filter((n) => n.startsWith('forward:'))).toEqual(forwards);
    expect(names.filter((n) => n.startsWith('filter:'))).toEqual(model.detections.filter((d) => d.metric).map((d) => `filter:${d.id}`));
    expect(names.filter((n) => n.startsWith('subscription:'))).toEqual(model.pipeline.subscriptions.map((s) => `subscription:${s.protocol}:${s.endpoint}`));
    expect(new Set(names).size).toBe(names.length);
    // Paging rules deliver to the alert topic; forwarding rules to the central bus.
    expect(checks.filter((c) => c.kind === 'rule').every((c) => c.rule!.targetArn === model.pipeline.topicArn && c.account.id === model.security.id)).toBe(true);
    expect(checks.filter((c) => c.kind === 'forward').every((c) => c.rule!.targetArn === model.pipeline.busArn)).toBe(true);
  });

  it('marks the --to-pager page as a drill within SNS limits', () => {
    const page = drillPage(model, 'rootlock-drill-20261207T080000Z-abcd');
    expect(page.Subject).toMatch(/^DRILL \(not an incident\)/);
    expect(page.Subject.length).toBeLessThanOrEqual(100);
    expect(page.Message).toMatch(/NOT AN INCIDENT/);
  });
});

describe('command line', () => {
  const capture = () => {
    let text = '';
    const stream = new Writable({ write: (chunk, _enc, done) => ((text += String(chunk)), done()) });
    return { stream, text: () => text };
  };

  it('--help prints the usage on stdout and exits 0; a usage error prints the problem and the usage on stderr, exit 1', async () => {
    const out = capture();
    const err = capture();
    expect(await main(['--help'], out.stream, err.stream)).toBe(0);
    expect(out.text()).toBe(`${USAGE}\n`);
    expect(err.text()).toBe('');
    const out2 = capture();
    const err2 = capture();
    expect(await main(['--bogus'], out2.stream, err2.stream)).toBe(1);
    expect(out2.text()).toBe('');
    expect(err2.text()).toBe(`rootlock drill: unknown option --bogus\n\n${USAGE}\n`);
  });

  it('--list names every live check without calling AWS', async () => {
    const out = capture();
    expect(await main(['--list', '--path', 'rule:'], out.stream, capture().stream)).toBe(0);
    expect(out.text().trim().split('\n')).toEqual(checks.filter((c) => c.kind === 'rule').map((c) => c.name));
  });
});
