/**
 * bad-cases.md and the query reports, pure and fast: the cut report really says CUT (run in bash), the after-use
 * queries keep only changes, the quarantine SCP spares exactly the principals it names and runs from the management
 * account, and a lost MFA device is re-created under the ARN the configuration (and the break-glass trust) names.
 * The shell, CLI and authorization tests cover every block of bad-cases.md like any other runbook.
 */
import { spawnSync } from 'child_process';
import { exampleModel } from './support/example';
import { renderRunbooks } from '../runbooks';
import { blockManifest } from '../runbooks/common-runs-as';
import { insightsCommands } from '../runbooks/common';
import { BAD_CASE_HEADINGS } from '../runbooks/bad-cases';
import { describeWithTools } from './support/tools';

const model = exampleModel();
const files = renderRunbooks(model);
const badCases = files.get(model.runbooks.badCases)!;
const blocks = blockManifest(new Map([[model.runbooks.badCases, badCases]]));
/** The argv value after `option` in a rendered (possibly continued) command line. */
const valueOf = (script: string, option: string): string | undefined => {
  const m = new RegExp(`${option} ('([^']*)'|"([^"]*)"|(\\S+))`).exec(script);
  return m ? (m[2] ?? m[3] ?? m[4]) : undefined;
};

describeWithTools(['bash'], 'the cut report test')('a Logs Insights query says when its limit cut the result', () => {
  const report = insightsCommands(model, 'fields @timestamp | limit 1000').slice(-2);
  const run = (matched: string, returned: string) =>
    spawnSync('bash', ['-c', [`MATCHED=${matched}`, `RETURNED=${returned}`, ...report].join('\n')], { encoding: 'utf8' });

  it('prints matched against returned, and CUT when more matched than came back', () => {
    const cut = run('1500.0', '1000');
    expect(cut.stdout).toContain('records matched: 1500.0, rows returned: 1000');
    expect(cut.stdout).toMatch(/^CUT: /m);
    expect(cut.stderr).toBe('');
  });

  it('stays quiet when everything came back, and never breaks on a non-number', () => {
    expect(run('12.0', '12').stdout).not.toContain('CUT');
    const odd = run('None', 'stub-value');
    expect(odd.status).toBe(0);
    expect(odd.stderr).toBe('');
  });
});

describe('after-use queries look for changes', () => {
  it('every query of "Check what the session changed" keeps readOnly = 0', () => {
    const afterUse = files.get(model.runbooks.afterUse)!;
    const section = afterUse.slice(afterUse.indexOf('## Check what the session changed'), afterUse.indexOf('## Rotate the root password'));
    const queries = [...section.matchAll(/--query-string '([^']*)'/g)].map((m) => m[1]);
    expect(queries.length).toBe(3);
    for (const q of queries) expect(q).toContain('| filter readOnly = 0 |');
  });
});

describe('bad-cases.md', () => {
  it('has every procedure, linked from the runbook index', () => {
    for (const h of Object.values(BAD_CASE_HEADINGS)) expect(badCases).toContain(`\n## ${h}\n`);
    expect(files.get(model.runbooks.index)).toContain(`(${model.runbooks.badCases})`);
  });

  it('quarantines the security account from the management account, sparing only its deployment and break-glass roles and the delivery roles services assume', () => {
    const block = blocks.find((b) => b.script.includes('organizations create-policy') && b.script.includes(model.security.id))!;
    expect(block.runsAs?.account).toBe(model.management.id);
    const scp = JSON.parse(valueOf(block.script, '--content')!);
    expect(scp.Statement).toEqual([
      {
        Sid: 'RootlockQuarantine',
        Effect: 'Deny',
        Action: '*',
        Resource: '*',
        Condition: {
          ArnNotLike: {
            'aws:PrincipalArn': [
              model.security.deployRoleArn,
              model.security.breakGlassRoleArn,
              ...[model.pipeline.cloudTrailToLogsRoleName, model.pipeline.forwarderRoleName, model.pipeline.configRoleName].map((n) => `arn:aws:iam::${model.security.id}:role/${n}`),
            ],
          },
        },
      },
    ]);
    expect(valueOf(block.script, '--target-id')).toBe(model.security.id);
    // Lifting it finds the same policy by the name it was created with.
    const lift = blocks.find((b) => b.script.includes('organizations detach-policy') && b.script.includes(model.security.id))!;
    expect(valueOf(lift.script, '--query')).toContain(`"${valueOf(block.script, '--name')}"`);
  });

  it('re-creates each lost break-glass MFA device under the ARN the configuration names', () => {
    const users = model.people.breakGlassPrincipals.filter((p) => p.kind === 'user');
    expect(users.length).toBeGreaterThan(0);
    for (const p of users) {
      const create = blocks.find((b) => b.script.includes('create-virtual-mfa-device') && b.script.includes(`--user-name ${p.name}`))!;
      expect(create.runsAs).toBeDefined();
      const name = valueOf(create.script, '--virtual-mfa-device-name')!;
      const path = valueOf(create.script, '--path')!;
      expect(`arn:aws:iam::${p.accountId}:mfa${path}${name}`).toBe(p.mfaDeviceArn);
      const enable = blocks.find((b) => b.script.includes('enable-mfa-device') && b.script.includes(`--user-name ${p.name}`))!;
      expect(valueOf(enable.script, '--serial-number')).toBe(p.mfaDeviceArn);
      expect(enable.script).toContain('--authentication-code2');
    }
  });

  it('the liveness check reads every central rule, the subscriptions and the alarms of the pipeline', () => {
    const section = badCases.slice(badCases.indexOf(`## ${BAD_CASE_HEADINGS.pipelineDown}`), badCases.indexOf(`## ${BAD_CASE_HEADINGS.support}`));
    for (const r of model.delivery.centralRules) expect(section).toContain(r.ruleName);
    expect(section).toContain(model.delivery.watch.trailDelivery.alarmName);
    expect(section).toContain('LatestDeliveryTime');
    expect(section).toContain('sns list-subscriptions-by-topic');
  });
});
