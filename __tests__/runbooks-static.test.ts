/**
 * Static checks of every AWS CLI call in every runbook block, the quick cards and the preflight script: each names its
 * region or endpoint, assume-root goes to the regional STS endpoint, no lookup-events stops paging, every Logs
 * Insights query and credential report is polled until complete, GuardDuty findings are read in full.
 */
import { renderRunbookExtras, renderRunbooks } from '../runbooks';
import { exampleModel } from './support/example';
import { awsInvocations, fencedBlocks, logicalLines } from './fixtures/runbooks/support';

interface Finding {
  where: string;
  problem: string;
}

/** Calls that never reach AWS: the CLI's own commands. */
const LOCAL = /^aws (--version|configure\b|\S+ \S+ help$|\S+ \S+ --generate-cli-skeleton\b)/;

function staticProblems(where: string, script: string): Finding[] {
  const found: Finding[] = [];
  const calls = awsInvocations(script);
  for (const c of calls) {
    if (LOCAL.test(c)) continue;
    if (!/ --region \S/.test(c) && !/ --endpoint-url \S/.test(c)) found.push({ where, problem: `no --region or --endpoint-url: ${c}` });
    if (/^aws sts assume-root\b/.test(c)) {
      const region = / --region (\S+)/.exec(c)?.[1];
      const endpoint = / --endpoint-url (\S+)/.exec(c)?.[1];
      if (!endpoint || endpoint !== `https://sts.${region}.amazonaws.com`) found.push({ where, problem: `assume-root without the regional STS endpoint of its region: ${c}` });
    }
    if (/^aws cloudtrail lookup-events\b/.test(c) && / --(max-results|max-items|page-size|no-paginate)\b/.test(c)) found.push({ where, problem: `lookup-events stops paging: ${c}` });
    if (/ --no-paginate\b|--max-items\b/.test(c)) found.push({ where, problem: `paging disabled: ${c}` });
  }
  const lines = logicalLines(script);
  const startQuery = lines.findIndex((l) => l.includes('aws logs start-query'));
  if (startQuery >= 0) {
    const poll = lines.findIndex((l, i) => i > startQuery && /^while .*"\$STATUS" = (Scheduled|Running)/.test(l) && l.includes('aws logs get-query-results') && l.includes('--query status'));
    const read = lines.findIndex((l, i) => i > poll && l.startsWith('aws logs get-query-results') && !l.includes('--query status'));
    if (poll < 0 || read < 0) found.push({ where, problem: 'Logs Insights query read without polling until its status is no longer Scheduled or Running' });
  }
  if (calls.some((c) => c.startsWith('aws iam get-credential-report') && c.includes('Content'))) {
    const poll = lines.findIndex((l) => /^while \[ "\$STATE" != COMPLETE \]/.test(l) && l.includes('aws iam generate-credential-report'));
    const time = lines.findIndex((l) => l.includes('aws iam get-credential-report') && l.includes('GeneratedTime'));
    if (poll < 0 || time < 0) found.push({ where, problem: 'credential report read without polling until COMPLETE and checking its generation time' });
  }
  if (calls.some((c) => c.startsWith('aws guardduty list-findings')) && !calls.some((c) => c.startsWith('aws guardduty get-findings'))) {
    found.push({ where, problem: 'GuardDuty finding ids listed but never read with get-findings' });
  }
  return found;
}

describe('every AWS CLI call in the generated runbooks is complete for real AWS', () => {
  const model = exampleModel();
  const scripts = [
    ...[...renderRunbooks(model)].flatMap(([file, md]) => fencedBlocks(md).map((b) => ({ where: `${file}:${b.line}`, body: b.body }))),
    { where: 'preflight.sh', body: renderRunbookExtras(model).get('preflight.sh')! },
  ];

  it('finds the calls it checks', () => {
    const calls = scripts.flatMap((s) => awsInvocations(s.body));
    expect(calls.length).toBeGreaterThan(150);
    expect(calls.filter((c) => c.startsWith('aws sts assume-root') && !LOCAL.test(c)).length).toBe(5 * model.members.length + 5);
    expect(calls.filter((c) => c.startsWith('aws cloudtrail lookup-events')).length).toBeGreaterThan(5);
    expect(calls.filter((c) => c.startsWith('aws logs start-query')).length).toBeGreaterThanOrEqual(model.detections.length);
  });

  it('every call names a region or endpoint, assume-root the regional STS endpoint; paging is never cut; queries and reports are polled', () => {
    expect(scripts.flatMap((s) => staticProblems(s.where, s.body))).toEqual([]);
  });

  it('the check is live: each rule catches its broken block', () => {
    const broken: Array<[string, string]> = [
      ['aws iam list-users', 'no --region'],
      ['aws sts assume-root --region eu-west-1 --target-principal 111111111111 --task-policy-arn arn=x', 'regional STS endpoint'],
      ['aws sts assume-root --region eu-west-1 --endpoint-url https://sts.amazonaws.com --target-principal 1', 'regional STS endpoint'],
      ['aws cloudtrail lookup-events --region us-east-1 --max-results 50', 'stops paging'],
      ['aws s3api list-objects-v2 --region eu-west-1 --bucket b --no-paginate', 'paging disabled'],
      ['QUERY_ID=$(aws logs start-query --region eu-west-1 --log-group-name g --start-time 1 --end-time 2 --query-string x)\nsleep 15\naws logs get-query-results --region eu-west-1 --query-id "$QUERY_ID"', 'polling'],
      ['aws iam generate-credential-report --region us-east-1\naws iam get-credential-report --region us-east-1 --query Content --output text', 'COMPLETE'],
      ['aws guardduty list-findings --region eu-west-1 --detector-id d', 'get-findings'],
    ];
    for (const [script, problem] of broken) {
      const found = staticProblems('broken', script);
      expect({ script, found: found.some((f) => f.problem.includes(problem)) }).toEqual({ script, found: true });
    }
  });
});
