/**
 * The generated runbooks: one source of truth with the Terraform, deterministic, lint-clean, complete, and they follow
 * the configuration. The AWS CLI checks of their commands are in runbooks-cli.test.ts.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { validateConfig } from '../config/load';
import { resolveModel } from '../config/model';
import { exampleModel } from './support/example';
import { renderRunbookExtras, renderRunbooks, writeRunbooks, GENERATED_MARKER, PLACEHOLDERS, PLACEHOLDER_PATTERN } from '../runbooks';
import { synthesize } from '../stacks/app';
import { CLI_V1_END_OF_SUPPORT } from '../runbooks/common';
import { largeOrgConfig } from '../examples/large-org';
import { arnsIn, awsInvocations, fencedBlocks, headings, rootlockNamesIn, terraformInventory, TerraformInventory } from './fixtures/runbooks/support';

const ROOT = path.join(__dirname, '..');
const modelOf = exampleModel;
const tmp = (prefix: string) => fs.mkdtempSync(path.join(os.tmpdir(), prefix));
const all = (files: Map<string, string>) => [...files.values()].join('\n');
/** AWS-managed task policies: AWS's own ARNs, which the runbooks pass to sts:AssumeRoot; Terraform never names them. */
const AWS_ROOT_TASK_POLICY =
  /^arn:aws:iam::aws:policy\/root-task\/(IAMAuditRootUserCredentials|IAMCreateRootUserPassword|IAMDeleteRootUserCredentials|S3UnlockBucketPolicy|SQSUnlockQueuePolicy)$/;

describe('runbooks of the example organization', () => {
  const model = modelOf();
  const files = renderRunbooks(model);
  const text = all(files);

  it('are exactly the files the model names, each marked as generated, ending in one newline', () => {
    expect([...files.keys()].sort()).toEqual(Object.values(model.runbooks).sort());
    for (const [name, md] of files) {
      expect(md.startsWith(`${GENERATED_MARKER}\n\n# `)).toBe(true);
      expect(md.endsWith('\n') && !md.endsWith('\n\n')).toBe(true);
      // `${` followed by a lower-case name is a template literal that leaked; `${SHELL:-bash}` is shell.
      expect({ name, bad: md.match(/undefined|\[object Object\]|NaN|\$\{[a-z]/g) }).toEqual({ name, bad: null });
    }
  });

  it('are deterministic: the same configuration gives the same bytes', () => {
    const again = renderRunbooks(modelOf());
    expect([...again.entries()]).toEqual([...files.entries()]);
    // The only dates are the IAM policy language version of the session revocation policy and the published end of
    // support of AWS CLI v1: nothing depends on when the runbooks were generated.
    expect(text.replace(/"Version":"2012-10-17"/g, '').split(CLI_V1_END_OF_SUPPORT.date).join('')).not.toMatch(/\b20\d\d-\d\d-\d\d|\d\d:\d\d:\d\d/);
  });

  it('link the table of contents to every runbook', () => {
    const index = files.get(model.runbooks.index)!;
    for (const f of Object.values(model.runbooks).filter((f) => f !== model.runbooks.index)) expect(index).toContain(`](${f})`);
  });

  it('leave open only the declared human-only values, each listed at the top of the runbook that uses it', () => {
    for (const [name, md] of files) {
      const top = md.slice(0, md.indexOf('\n## ', md.indexOf('## Values only you have') + 1));
      const used = new Set([...md.matchAll(PLACEHOLDER_PATTERN)].map((m) => m[1]));
      for (const p of used) {
        expect({ name, p, declared: p in PLACEHOLDERS }).toEqual({ name, p, declared: true });
        expect({ name, p, listedAtTop: top.includes(`\`<${p}>\``) }).toEqual({ name, p, listedAtTop: true });
      }
      // Inside commands a placeholder is always quoted, so a pasted command never turns it into a redirection.
      for (const block of fencedBlocks(md)) {
        for (const m of block.body.matchAll(/<[A-Z][A-Z0-9-]+>/g)) {
          const before = block.body.slice(0, m.index);
          const line = before.slice(before.lastIndexOf('\n') + 1);
          expect({ name, line: line + m[0], quoted: (line.split("'").length - 1) % 2 === 1 }).toEqual({ name, line: line + m[0], quoted: true });
        }
      }
    }
  });

  it('put every command in a non-empty bash block', () => {
    let commands = 0;
    for (const [name, md] of files) {
      for (const b of fencedBlocks(md)) {
        expect({ name, line: b.line, lang: b.lang, empty: b.body.trim() === '' }).toEqual({ name, line: b.line, lang: 'bash', empty: false });
        commands += awsInvocations(b.body).length;
      }
    }
    expect(commands).toBeGreaterThan(100);
  });

  it('have one playbook per detection, headed by its title and naming its alarm and rule', () => {
    const md = files.get(model.runbooks.alarms)!;
    const h2 = headings(md)
      .filter((h) => h.level === 2)
      .map((h) => h.text.replace(/`/g, ''));
    for (const d of model.detections) {
      expect(h2).toContain(d.title);
      const section = md.slice(md.indexOf(`\n## ${d.title.replace(/([A-Za-z0-9-]+:[A-Za-z0-9:/*-]+)/g, '`$1`')}\n`));
      const own = section.slice(0, section.indexOf('\n## ', 5) > 0 ? section.indexOf('\n## ', 5) : undefined);
      if (d.metric) expect(own).toContain(`\`${d.metric.alarmName}\``);
      if (d.event) expect(own).toContain(`\`${d.event.ruleName}\``);
      expect(own).toContain(d.insightsQuery.replace(/'/g, `'\\''`));
      expect(own).toContain(`--log-group-name ${model.pipeline.logGroupName}`);
      for (const e of d.triageEvents) expect(own).toContain(`AttributeKey=EventName,AttributeValue=${e}`);
      for (const c of d.contain) expect(own).toContain(c);
    }
  });

  it('give the exact assume-role command for every account and AssumeRoot commands for every member account and task', () => {
    const bg = files.get(model.runbooks.breakGlass)!;
    for (const a of model.allAccounts) {
      expect(bg).toContain(`--role-arn ${a.breakGlassRoleArn}`);
      expect(bg).toContain(`<${a.switchRoleUrl}>`);
    }
    expect(bg).toContain(`--duration-seconds ${model.breakGlass.sessionDurationSeconds}`);
    expect(bg).toContain(model.people.custody.recordLocation);
    const tasks = files.get(model.runbooks.rootTasks)!;
    const policies = [
      'IAMAuditRootUserCredentials',
      'IAMCreateRootUserPassword',
      'IAMDeleteRootUserCredentials',
      'S3UnlockBucketPolicy',
      'SQSUnlockQueuePolicy',
    ];
    for (const a of model.members) {
      for (const p of policies) {
        const block = fencedBlocks(tasks).find((b) => b.body.includes(`--target-principal ${a.id}`) && b.body.includes(`root-task/${p} `));
        expect({ account: a.name, p, found: Boolean(block) }).toEqual({ account: a.name, p, found: true });
      }
    }
    expect(tasks).not.toContain(`--target-principal ${model.management.id}`);
  });
});

describe('runbooks and the synthesized Terraform are one source of truth', () => {
  const model = modelOf();
  const text = all(renderRunbooks(model));
  let tf: TerraformInventory;
  beforeAll(() => {
    const out = tmp('rootlock-runbooks-synth-');
    synthesize(model, out);
    tf = terraformInventory(out, model.breakGlass.roleName);
  });

  it('the Terraform creates what this test looks for', () => {
    expect(tf.breakGlassRoleArns.size).toBe(model.allAccounts.length);
    expect(tf.scpNames.size).toBeGreaterThanOrEqual(2);
    expect(tf.alarmNames.size).toBeGreaterThan(0);
    expect(tf.ruleNames.size).toBeGreaterThan(0);
    expect(tf.topicArns.size).toBe(3); // the alert topic, the compliance topic and the health topic
  });

  it('every break-glass role ARN, SCP name, alarm name, rule name and topic ARN in the Terraform is in the runbooks', () => {
    const missing = [...tf.breakGlassRoleArns, ...tf.scpNames, ...tf.alarmNames, ...tf.ruleNames, ...tf.topicArns].filter((n) => !text.includes(n));
    expect(missing).toEqual([]);
  });

  it('every ARN in the runbooks is in the Terraform (or is an AWS-managed root task policy)', () => {
    // MFA devices belong to the break-glass IAM users, which rootlock does not create: they come from the configuration.
    const mfaDevices = new Set(model.people.breakGlassPrincipals.map((p) => p.mfaDeviceArn));
    const unknown = arnsIn(text).filter((arn) => !AWS_ROOT_TASK_POLICY.test(arn) && !mfaDevices.has(arn) && !tf.createdArns.has(arn) && !tf.text.includes(arn));
    expect(unknown).toEqual([]);
  });

  it('every rootlock-named resource in the runbooks is in the Terraform', () => {
    const unknown = rootlockNamesIn(text).filter((n) => !tf.text.includes(n));
    expect(unknown).toEqual([]);
  });
});

describe('runbooks follow the configuration', () => {
  const base = renderRunbooks(modelOf());
  const baseText = all(base);

  it('a changed responder changes who authorizes and whom to call', () => {
    const changed = renderRunbooks(
      modelOf((c) => {
        c.responders[2] = { name: 'Dana Replacement', role: 'VP Engineering', contact: { email: 'dana@example.com', phone: '+44 20 7946 0009' }, custody: ['approver'] };
      }),
    );
    const bg = changed.get('break-glass.md')!;
    const authorize = bg.slice(bg.indexOf('## Who may authorize'), bg.indexOf('## The two-person rule'));
    expect(authorize).toContain('Dana Replacement (VP Engineering): phone +44 20 7946 0009, <dana@example.com>');
    expect(authorize).not.toContain('Carol Example');
    expect(all(changed)).not.toContain('carol@example.com');
    expect(baseText).toContain('carol@example.com');
    expect(changed.get('alarm-playbooks.md')).toContain('Dana Replacement');
  });

  it('moving the MFA device to another responder changes the two-person rule', () => {
    const changed = renderRunbooks(
      modelOf((c) => {
        c.responders[1].custody = ['approver'];
        c.responders[2].custody = ['mfa-device'];
      }),
    );
    expect(changed.get('break-glass.md')).toMatch(/\| Root MFA device \| Carol Example, Erin Example \|/);
    expect(base.get('break-glass.md')).toMatch(/\| Root MFA device \| Bob Example, Erin Example \|/);
  });

  it('a changed break-glass role name changes every role ARN, command and query', () => {
    const model = modelOf((c) => (c.breakGlass.roleName = 'emergency-admin'));
    const changed = all(renderRunbooks(model));
    for (const a of model.allAccounts) expect(changed).toContain(`--role-arn arn:aws:iam::${a.id}:role/emergency-admin`);
    expect(changed).toContain('assumed-role/emergency-admin/');
    expect(changed).not.toMatch(/rootlock-break-glass(?!-assumed|-user-credentials-changed)/);
    expect(baseText).toContain('role/rootlock-break-glass');
  });

  it('a changed session length changes --duration-seconds', () => {
    const changed = renderRunbooks(modelOf((c) => (c.breakGlass.sessionDurationSeconds = 7200)));
    expect(changed.get('break-glass.md')).toContain('--duration-seconds 7200');
    expect(changed.get('break-glass.md')).not.toContain('--duration-seconds 3600');
  });

  it('a changed alert destination changes who is paged', () => {
    const changed = all(
      renderRunbooks(
        modelOf((c) => {
          c.alerts.emails = ['root-alarms@example.org'];
          c.alerts.httpsEndpoints = [];
          c.alerts.topicName = 'root-pager';
        }),
      ),
    );
    expect(changed).toContain('`root-alarms@example.org`');
    expect(changed).not.toContain('security-oncall@example.com');
    expect(changed).not.toContain('events.pagerduty.com');
    expect(changed).toContain('arn:aws:sns:eu-west-1:222222222222:root-pager');
    expect(changed).not.toContain(':rootlock-alerts');
  });

  it('an exemption shows with its reason; without exemptions none is claimed', () => {
    expect(base.get('inventory.md')).toContain('**exempt**: Holds only closed accounts awaiting deletion');
    const none = renderRunbooks(modelOf((c) => (c.exemptions = [])));
    expect(none.get('inventory.md')).not.toContain('**exempt**');
    expect(none.get('root-only-tasks.md')).toContain('No OU is exempt from `rootlock-root-deny`.');
  });

  it('without GuardDuty and Config, their playbooks disappear', () => {
    const changed = all(renderRunbooks(modelOf((c) => (c.monitoring = { guardDuty: false, config: false }))));
    expect(changed).not.toContain('rootlock-guardduty-root-credential-usage');
    expect(changed).not.toContain('rootlock-config-root-rule-noncompliant');
  });
});

describe('writeRunbooks', () => {
  const model = modelOf();

  it('writes the rendered bytes, creating the directory, and removes only stale generated files', () => {
    const dir = path.join(tmp('rootlock-runbooks-write-'), 'nested', 'runbooks');
    writeRunbooks(model, dir);
    fs.writeFileSync(path.join(dir, 'old-playbook.md'), `${GENERATED_MARKER}\n\n# Old\n`);
    fs.writeFileSync(path.join(dir, 'NOTES.md'), '# Our own notes\n');
    const written = writeRunbooks(model, dir);
    expect(written.map((f) => path.basename(f))).toEqual([...renderRunbooks(model).keys(), 'preflight.sh', 'blocks.json', 'runbooks.html']);
    for (const [name, md] of [...renderRunbooks(model), ...renderRunbookExtras(model)]) expect(fs.readFileSync(path.join(dir, name), 'utf8')).toBe(md);
    expect(fs.existsSync(path.join(dir, 'old-playbook.md'))).toBe(false);
    expect(fs.readFileSync(path.join(dir, 'NOTES.md'), 'utf8')).toBe('# Our own notes\n');
  });
});

describe('markdownlint with the committed configuration', () => {
  const lint = (dir: string) =>
    spawnSync(
      process.execPath,
      [
        path.join(ROOT, 'node_modules', 'markdownlint-cli2', 'markdownlint-cli2-bin.mjs'),
        '--config',
        path.join(ROOT, '.markdownlint-cli2.jsonc'),
        `${dir}/*.md`,
      ],
      {
        cwd: ROOT,
        encoding: 'utf8',
      },
    );

  it('passes on the example organization', () => {
    const dir = tmp('rootlock-runbooks-lint-');
    writeRunbooks(modelOf(), dir);
    const r = lint(dir);
    expect({ status: r.status, out: r.stdout + r.stderr }).toEqual({ status: 0, out: expect.stringContaining('Summary: 0 error(s)') });
  });

  it('passes on a configuration with no exemptions, a role principal and one principal only', () => {
    const dir = tmp('rootlock-runbooks-lint-');
    writeRunbooks(
      modelOf((c) => {
        c.exemptions = [];
        c.breakGlass.principals = [
          { arn: 'arn:aws:iam::111111111111:role/incident-commander', mfaDeviceArn: 'arn:aws:iam::111111111111:mfa/incident-commander', custody: 'vault "IC"' },
        ];
      }),
      dir,
    );
    const r = lint(dir);
    expect({ status: r.status, out: r.stdout + r.stderr }).toEqual({ status: 0, out: expect.stringContaining('Summary: 0 error(s)') });
    expect(fs.readFileSync(path.join(dir, 'break-glass.md'), 'utf8')).toContain('--profile "$BG_PROFILE"');
    expect(fs.readFileSync(path.join(dir, 'quick-card-responder.md'), 'utf8')).toContain('BG_PROFILE=incident-commander');
  });

  it('catches a broken file (the check is live)', () => {
    const dir = tmp('rootlock-runbooks-lint-');
    fs.writeFileSync(path.join(dir, 'bad.md'), '# A\n\n```\nno language\n```\n\n# B\n');
    expect(lint(dir).status).not.toBe(0);
  });
});

describe('a large organization', () => {
  it('renders deterministically', () => {
    const model = resolveModel(validateConfig(largeOrgConfig(200, 20)));
    const a = renderRunbooks(model);
    const b = renderRunbooks(resolveModel(validateConfig(largeOrgConfig(200, 20))));
    expect([...a.entries()]).toEqual([...b.entries()]);
    expect(
      a
        .get('inventory.md')!
        .split('\n')
        .filter((l) => l.includes(':role/rootlock-break-glass')).length,
    ).toBeGreaterThanOrEqual(201);
  });
});

describe('the offline HTML copy, the quick cards and the preflight script', () => {
  const model = modelOf();
  const md = renderRunbooks(model);
  const extras = renderRunbookExtras(model);
  const html = extras.get('runbooks.html')!;

  it('are deterministic: the same configuration gives the same bytes', () => {
    expect([...renderRunbookExtras(modelOf()).entries()]).toEqual([...extras.entries()]);
  });

  it('hold every runbook and every command block, with print CSS and nothing fetched from elsewhere', () => {
    for (const [, text] of md) {
      for (const b of fencedBlocks(text)) {
        const escaped = b.body.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
        expect(html).toContain(escaped);
      }
      for (const h of headings(text)) expect(html).toMatch(new RegExp(`<h${h.level} id="[^"]+">`));
    }
    expect(html).toContain('@media print');
    expect(html).toContain(extras.get('preflight.sh')!.split('\n')[5].replace(/"/g, '&quot;'));
    expect(html).not.toMatch(/<(script|link|img|iframe)\b|src=/);
  });

  it('link only to ids the file has (every runbook link stays inside the copy)', () => {
    const ids = new Set([...html.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]));
    const internal = [...html.matchAll(/href="#([^"]+)"/g)].map((m) => m[1]);
    expect(internal.length).toBeGreaterThan(50);
    expect(internal.filter((id) => !ids.has(id))).toEqual([]);
    expect(html).not.toMatch(/href="[^"#:]+\.md/);
  });

  it('the renderer is live (markdown-it): lists, tables, code with backticks, escapes, autolinks, anchors; raw HTML is escaped', () => {
    const { blocksToHtml } = require('../runbooks/html') as typeof import('../runbooks/html');
    const out = blocksToHtml(
      [
        '# T', '', '1. one `a` and <x@example.com>', '', '   ````bash', '   echo ```', '   ````', '', '2. two \\<b\\>', '', '| A | B |', '| --- | --- |', '| `x \\| y` | **z** |', '',
        '<script>alert(1)</script>', '', 'see <img src=x> and [b](break-glass.md#x) <a id="here"></a>', '', '<!-- note -->',
      ].join('\n'),
      (h) => (h.startsWith('#') ? `#p--${h.slice(1)}` : h),
      (t) => t.toLowerCase(),
    );
    expect(out.split('\n')).toEqual([
      '<h1 id="t">T</h1>',
      '<ol>',
      '<li>',
      '<p>one <code>a</code> and <a href="mailto:x@example.com">x@example.com</a></p>',
      '<pre><code class="language-bash">echo ```',
      '</code></pre>',
      '</li>',
      '<li>',
      '<p>two &lt;b&gt;</p>',
      '</li>',
      '</ol>',
      '<table>',
      '<thead>',
      '<tr>',
      '<th>A</th>',
      '<th>B</th>',
      '</tr>',
      '</thead>',
      '<tbody>',
      '<tr>',
      '<td><code>x | y</code></td>',
      '<td><strong>z</strong></td>',
      '</tr>',
      '</tbody>',
      '</table>',
      '<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>',
      '<p>see &lt;img src=x&gt; and <a href="break-glass.md#x">b</a> <a id="p--here"></a></p>',
    ]);
  });

  it('the preflight script is valid bash, knows every principal and checks version, region, pager, STS endpoint and identity', () => {
    const script = extras.get('preflight.sh')!;
    const dir = tmp('rootlock-preflight-');
    fs.writeFileSync(path.join(dir, 'preflight.sh'), script);
    expect(spawnSync('bash', ['-n', path.join(dir, 'preflight.sh')]).status).toBe(0);
    for (const p of model.people.breakGlassPrincipals) expect(script).toContain(`${p.profile}) EXPECTED_ARN=${p.arn} MFA_DEVICE=${p.mfaDeviceArn}`);
    for (const check of ['aws --version', 'assume-root --generate-cli-skeleton', 'configure get region', 'cli_pager', 'sts_regional_endpoints', 'get-caller-identity', `STS_ENDPOINT=https://sts.${model.organization.homeRegion}.amazonaws.com`]) {
      expect(script).toContain(check);
    }
    expect(spawnSync('bash', [path.join(dir, 'preflight.sh'), 'nobody'], { encoding: 'utf8' }).stdout).toContain('usage: bash preflight.sh <profile>');
  });

  it('a quick card per role holds phones, account ids, MFA devices, the region, commands and the decision tree', () => {
    const cards = [md.get(model.runbooks.quickCardResponder)!, md.get(model.runbooks.quickCardApprover)!, md.get(model.runbooks.quickCardCustodian)!];
    for (const card of cards) {
      expect(card).toContain('## Decision tree');
      expect(card).toContain('## First three commands');
      expect(card).toContain(`\`${model.organization.homeRegion}\``);
      expect(card).toContain('+44 20 7946 0003');
      expect(fencedBlocks(card).length).toBeGreaterThan(0);
    }
    for (const a of model.allAccounts) expect(cards[0]).toContain(`\`${a.id}\``);
    for (const p of model.people.breakGlassPrincipals) expect(cards[0]).toContain(p.mfaDeviceArn);
    // The approver line lists only approvers who hold neither secret.
    const callFirst = cards[0].slice(cards[0].indexOf('## Call first'), cards[0].indexOf('## Where'));
    expect(callFirst).toContain('Carol Example');
    expect(callFirst).not.toContain('Alice Example');
  });
});
