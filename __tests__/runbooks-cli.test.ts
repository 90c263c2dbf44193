/**
 * Every AWS CLI command in the runbooks is accepted by the real AWS CLI (the v1 on PATH), and the commands the
 * emulator implements run successfully as written. A parse error ("usage:", "Unknown options", "Invalid choice",
 * "Parameter validation failed") fails; a service-side error from the emulator (not implemented, no such entity) does
 * not, because it proves the CLI built and sent the request.
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { DEFAULT_CONFIG, validateConfig } from '../config/load';
import { resolveModel } from '../config/model';
import { renderRunbooks, PLACEHOLDERS } from '../runbooks';
import { selectPrincipal } from '../runbooks/common';
import { startEmulator, Emulator } from './support/emulator';
import { describeWithTools } from './support/tools';
import { RESPONDER_VALUES } from './fixtures/runbooks/shells';
import { argvOf, awsCliBatch, awsInvocations, CLI_REJECTION, collectProcess, fencedBlocks, mapLimit, runScript, variablesOf, AwsCall } from './fixtures/runbooks/support';
import { startAwsCliForkServer, AwsCliForkServer } from './fixtures/runbooks/cli-fork';

// Each AWS CLI v1 process takes seconds on a loaded 2-core machine; the emulator runs are slow but bounded.
jest.setTimeout(900_000);

const model = resolveModel(validateConfig(parse(fs.readFileSync(DEFAULT_CONFIG, 'utf8'))));
const files = renderRunbooks(model);

/** Realistic values for what only a human has: valid for the CLI's client-side checks (one table for every runbook test). */
const HUMAN_VALUES = RESPONDER_VALUES;

/** Values for shell variables a command reads when it runs alone (set earlier in its block by the responder's shell). */
const VARIABLE_VALUES: Record<string, string> = {
  START: '1700000000',
  END: '1700086400',
  QUERY_ID: '12ab3456-12ab-123a-789e-1234567890ab',
  KEY: 'AKIAIOSFODNN7EXAMPLE',
  CERT: 'TA7SMP42TDN5Z26OBPJE7EXAMPLE',
  MFA: 'arn:aws:iam::444444444444:mfa/root-account-mfa-device',
  DETECTOR_ID: '12abc34d567e8fa901bc2d34eexample',
  ROOT_DENY_ID: 'p-examplepolicyid111',
  PROTECTION_ID: 'p-examplepolicyid222',
  QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/222222222222/rootlock-alert-delivery-dlq',
  BG_PROFILE: 'breakglass-alice',
  BG_MFA_DEVICE: 'arn:aws:iam::111111111111:mfa/breakglass-alice',
  STATUS: 'Running',
  STATE: 'STARTED',
  FINDING_ID: '12abc34d567e8fa901bc2d34eexample',
  NOW: '2026-01-01T00:00:00Z',
  ACCOUNT_ID: '444444444444',
  PARENT_ID: 'ou-ex12-workprod1',
  QUEUE_REGION: 'eu-west-1',
  ALIAS: 'alias/rootlock-alerts',
  KEY_ID: '1234abcd-12ab-34cd-56ef-1234567890ab',
  TARGET: '444444444444',
  RULE: 'rootlock-root-console-sign-in',
  POLICY_ID: 'p-examplepolicyid333',
  ORG_ID: 'o-exampleorg1',
  ACCT: '444444444444',
  REGION: 'eu-west-1',
  DAY: '2026/01/01',
  VERSION: '3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY',
  TICKET: 'SEC-1234',
};

/**
 * The human values filled in, no waiting; with an emulator, the regional STS endpoint a command names is pointed at it
 * (as a DNS override would): the endpoint on the command line wins over AWS_ENDPOINT_URL.
 */
function fillIn(script: string, endpoint?: string): string {
  const filled = script.replace(/<([A-Z][A-Z0-9-]+)>/g, (m, name: string) => HUMAN_VALUES[name] ?? m).replace(/\bsleep \d+/g, 'sleep 0');
  return endpoint ? filled.replace(/https:\/\/sts\.[a-z0-9-]+\.amazonaws\.com/g, endpoint) : filled;
}

/** The responder's laptop after "Before you start": one named profile per break-glass principal. */
function writeProfiles(home: string): { AWS_CONFIG_FILE: string; AWS_SHARED_CREDENTIALS_FILE: string } {
  const principals = model.people.breakGlassPrincipals;
  const config = path.join(home, 'config');
  const credentials = path.join(home, 'credentials');
  fs.writeFileSync(config, principals.map((p) => `[profile ${p.profile}]\nregion = ${model.organization.homeRegion}\noutput = json\n`).join('\n'));
  fs.writeFileSync(credentials, principals.map((p) => `[${p.profile}]\naws_access_key_id = testing\naws_secret_access_key = testing\n`).join('\n'));
  return { AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: credentials };
}

/** The lines of "Before you start" that select the first principal for the terminal. */
const SELECT_ALICE = selectPrincipal(model.people.breakGlassPrincipals[0]).join('\n');

function rejections(calls: AwsCall[]): AwsCall[] {
  return calls.filter((c) => CLI_REJECTION.test(c.stderr));
}

/**
 * Rejections not caused by an earlier failure in the same block: once a call fails against the emulator (say, an
 * operation it lacks), a later command that reads its output gets an empty value; the standalone parse check covers
 * those commands with realistic values instead.
 */
function ownRejections(calls: AwsCall[]): AwsCall[] {
  const firstFailure = calls.findIndex((c) => c.rc !== 0);
  return rejections(firstFailure < 0 ? calls : calls.slice(0, firstFailure + 1));
}

/** Commands of the CLI itself, which never build a request. */
const LOCAL_COMMAND = /^aws (--version|configure\b)/;

/** What cli_batch.py prints once the CLI has accepted a command line and built its request. */
const NOT_SENT = 'request built; not sent (parse check only)';

const blocks = [...files].flatMap(([file, md]) => fencedBlocks(md).map((b) => ({ file, line: b.line, body: b.body })));

describeWithTools(['aws', 'moto_server'], 'the runbook AWS CLI checks')('AWS CLI commands in the runbooks', () => {
  let emu: Emulator | undefined;
  let env: NodeJS.ProcessEnv;
  /** The environment without the fork server: `aws` is the CLI installed on PATH. */
  let plainEnv: NodeJS.ProcessEnv;
  let cli: AwsCliForkServer | undefined;
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'rootlock-runbook-home-'));

  beforeAll(async () => {
    emu = await startEmulator();
    env = {
      PATH: process.env.PATH,
      HOME: home,
      LANG: 'C.UTF-8',
      ...emu!.env,
      // No profile or config of the machine leaks in, only the break-glass profiles; one attempt, so an unimplemented
      // operation fails fast.
      ...writeProfiles(home),
      AWS_MAX_ATTEMPTS: '1',
      AWS_RETRY_MODE: 'standard',
      AWS_PAGER: '',
    };
    // Every script's `aws` runs in a fork of one warm CLI process (the same CLI, proven below), not a new Python each.
    plainEnv = env;
    cli = await startAwsCliForkServer(plainEnv);
    env = cli.withServer(plainEnv);
  });
  afterAll(async () => {
    await cli?.stop();
    await emu?.stop();
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('covers every placeholder the runbooks may use', () => {
    expect(Object.keys(HUMAN_VALUES).sort()).toEqual(Object.keys(PLACEHOLDERS).sort());
  });

  it('the check is live: a parse error is caught, a service error is not mistaken for one', async () => {
    const bad = await runScript(
      [
        'aws sts assume-role --role-arn arn:aws:iam::111111111111:role/x --role-session-name ab --bogus-flag 1',
        'aws logs start-querie --log-group-name x',
        'aws iam delete-access-key',
      ].join('\n'),
      env,
    );
    expect(bad.calls).toHaveLength(3);
    expect(rejections(bad.calls)).toHaveLength(3);
    const serviceError = await runScript('aws iam get-login-profile --user-name nobody-here', env);
    expect(serviceError.calls).toHaveLength(1);
    expect(serviceError.calls[0].rc).not.toBe(0);
    expect(rejections(serviceError.calls)).toEqual([]);
    const ok = await runScript('aws sts get-caller-identity', env);
    expect(ok.calls.map((c) => c.rc)).toEqual([0]);
  });

  it('the fork server runs the same AWS CLI: stdout, stderr and exit code as the CLI on PATH, fds, pipes and signals', async () => {
    const cwd = fs.mkdtempSync(path.join(home, 'fork-'));
    const both = async (script: string, e: NodeJS.ProcessEnv = plainEnv) => {
      // Side by side, each in its own directory (what one writes, the other must not read).
      const runs = [plainEnv, cli!.withServer(plainEnv)].map((p) => collectProcess('bash', ['-c', script], { env: { ...e, PATH: p.PATH }, cwd: fs.mkdtempSync(path.join(cwd, 'run-')) }, 120_000));
      const [plain, forked] = await Promise.all(runs);
      return { script, plain, forked };
    };
    const served = cli!.fallbacks().length;
    const cases = await mapLimit(
      [
        'aws --version',
        'aws sts get-caller-identity',
        'ARN=$(aws sts get-caller-identity --query Arn --output text); echo "arn=[$ARN] rc=$?"',
        'aws sts get-caller-identity --output text | tr a-z A-Z; echo "${PIPESTATUS[*]}"',
        'aws sts get-caller-identity > out.json; echo rc=$?; cat out.json; rm out.json',
        `printf '{"UserName": "nobody-here"}' | aws iam get-login-profile --cli-input-json file:///dev/stdin`,
        `aws sts get-caller-identity --query "'caf\u00e9 \u2713'" --output text`,
        'aws logs start-querie --log-group-name x',
        'aws sts assume-role --role-arn arn:aws:iam::111111111111:role/x --role-session-name ab --bogus-flag 1',
        'aws iam get-login-profile --user-name nobody-here',
        'aws sts get-caller-identity --region',
        'aws iam create-user --user-name ""',
        'aws sts get-caller-identity <&- >&-; echo "closed stdin and stdout: $?" >&2',
      ],
      2,
      (c) => both(c),
    );
    // Environments that differ where importing the CLI reads them run the CLI the ordinary way, with the same result.
    const fallbacks = [
      await both(`aws sts get-caller-identity --query "'caf\u00e9'" --output text`, { ...plainEnv, LC_ALL: 'C' }),
      await both('aws sts get-caller-identity', { ...plainEnv, HOME: cwd }),
    ];
    for (const c of [...cases, ...fallbacks]) expect({ script: c.script, ...c.forked }).toEqual({ script: c.script, ...c.plain });
    expect(cases.map((c) => c.plain.rc)).toEqual([0, 0, 0, 0, 0, 255, 0, 2, 255, 255, 2, 255, 0]);
    expect(cli!.fallbacks().slice(served)).toEqual(['fallback: LC_ALL differ', 'fallback: HOME differ']);

    // A command that never ends (a server that accepts and never answers): Ctrl-C reaches it as it reaches the CLI
    // (KeyboardInterrupt, rc 130), and killing the shim, as the fixtures' timeout does, kills it too.
    const hung = net.createServer();
    const connections: net.Socket[] = [];
    // Read (and drop) what arrives, so the peer's close is seen.
    hung.on('connection', (s) => connections.push(s.resume()));
    await new Promise<void>((r) => hung.listen(0, '127.0.0.1', r));
    const hangArgs = ['sts', 'get-caller-identity', '--endpoint-url', `http://127.0.0.1:${(hung.address() as net.AddressInfo).port}`, '--cli-read-timeout', '0'];
    const interrupted = async (bin: string) => {
      const p = spawn(bin, hangArgs, { env: plainEnv, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      p.stdout!.on('data', (d) => (out += d));
      const n = connections.length;
      for (let waited = 0; connections.length === n; waited += 50) {
        if (waited > 60_000 || p.exitCode !== null) throw new Error(`${bin} never reached the server: ${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      p.kill('SIGINT');
      const [rc, signal] = await new Promise<[number | null, string | null]>((r) => p.on('close', (code, sig) => r([code, sig])));
      return { rc, signal, out };
    };
    expect(await interrupted(path.join(cli!.bin, 'aws'))).toEqual(await interrupted(spawnSync('bash', ['-c', 'command -v aws'], { env: plainEnv, encoding: 'utf8' }).stdout.trim()));
    const before = connections.length;
    // Resolves only once every holder of the command's stdout, the forked CLI too, is gone.
    const killed = await collectProcess(path.join(cli!.bin, 'aws'), hangArgs, { env: plainEnv }, 3000);
    expect(killed.rc).toBeNull();
    expect(connections.length).toBe(before + 1);
    await new Promise<void>((r) => (connections[before].destroyed || connections[before].readableEnded ? r() : connections[before].on('close', () => r())));
    hung.close();
    for (const s of connections) s.destroy();
  });

  it('every aws command is accepted by the AWS CLI parser and its client-side validation (nothing sent)', () => {
    const commands = [...new Set(blocks.flatMap((b) => awsInvocations(fillIn(b.body))))].sort();
    expect(commands.length).toBeGreaterThan(40);
    for (const c of commands) for (const v of variablesOf(c)) if (!(v in VARIABLE_VALUES)) throw new Error(`no test value for $${v} in: ${c}`);
    const argvs = argvOf(commands, VARIABLE_VALUES);
    const results = awsCliBatch(argvs, env);
    // Accepted = the CLI parsed the line, validated the parameters and built the request (cli_batch.py stops it there).
    const rejected = results
      .map((r, i) => ({ command: commands[i], rc: r.rc, error: r.stderr.trim().split('\n').slice(-2).join(' / ') }))
      // The CLI's own commands (`aws --version`, the interactive `aws configure`) send nothing: only a rejection counts.
      .filter((_r, i) => (LOCAL_COMMAND.test(commands[i]) ? false : !results[i].stderr.includes(NOT_SENT)) || CLI_REJECTION.test(results[i].stderr));
    expect(rejected).toEqual([]);
    // The batch is live: the same runner rejects a broken command line.
    const broken = awsCliBatch(
      [
        ['sts', 'assume-role', '--role-arn', 'arn:aws:iam::111111111111:role/x', '--role-session-name', 'ab', '--bogus', '1'],
        ['logs', 'start-querie'],
      ],
      env,
    );
    expect(broken.map((r) => CLI_REJECTION.test(r.stderr))).toEqual([true, true]);
  });

  it('bash blocks run as written without a CLI rejection (one per kind of block)', async () => {
    // Every distinct block shape once: blocks that differ only in account ids or quoted text (a Logs Insights query, a
    // prompt) run the same shell and the same command lines. Each command line's own arguments are checked by the
    // parser batch above, every query by the Insights test below, every account's assumption by its own test.
    const byShape = new Map<string, (typeof blocks)[number]>();
    for (const b of blocks) {
      const shape = b.body.replace(/\d{12}/g, 'ACCOUNT').replace(/"[^"\n]*"/g, '"S"').replace(/'[^'\n]*'/g, "'S'");
      if (!byShape.has(shape)) byShape.set(shape, b);
    }
    const sample = [...byShape.values()];
    const results = await mapLimit(sample, 2, async (b) => {
      const run = await runScript(`${SELECT_ALICE}\n${fillIn(b.body, emu!.endpoint)}`, env);
      return {
        where: `${b.file}:${b.line}`,
        ran: run.calls.length > 0 || !/\baws /.test(b.body),
        rejected: ownRejections(run.calls).map((c) => `${c.args}: ${c.stderr.trim().split('\n').pop()}`),
      };
    });
    expect(results.filter((r) => !r.ran || r.rejected.length > 0)).toEqual([]);
  }, 900_000);

  it('assumes the break-glass role in every account with MFA serial, token code, source identity and session length', async () => {
    const bg = fencedBlocks(files.get(model.runbooks.breakGlass)!).filter((b) => b.body.includes('assume-role'));
    expect(bg).toHaveLength(model.allAccounts.length);
    for (const [i, account] of model.allAccounts.entries()) {
      const run = await runScript(`${SELECT_ALICE}\n${fillIn(bg[i].body)}`, env);
      expect({ account: account.name, rcs: run.calls.map((c) => c.rc), stderr: run.calls.map((c) => c.stderr).join('') }).toEqual({
        account: account.name,
        rcs: [0, 0],
        stderr: '',
      });
      expect(run.stdout).toContain(`"Arn": "arn:aws:sts::${account.id}:assumed-role/${model.breakGlass.roleName}/break-glass-${HUMAN_VALUES['TICKET-ID']}"`);
    }
  });

  it('generates and reads the credential report', async () => {
    const block = fencedBlocks(files.get(model.runbooks.afterUse)!).find((b) => b.body.includes('generate-credential-report'))!;
    const run = await runScript(fillIn(block.body), env);
    expect(run.calls.length).toBeGreaterThanOrEqual(3);
    expect(run.calls.map((c) => c.rc).filter((rc) => rc !== 0)).toEqual([]);
    expect(run.calls.some((c) => c.args.includes('GeneratedTime'))).toBe(true);
    // The emulator's report has no <root_account> row; AWS's has one, which the runbook tells the responder to read.
    expect(run.stdout).toContain('user,arn,user_creation_time,password_enabled');
  });

  it('runs the Logs Insights triage queries on the trail log group of the security account', async () => {
    // Stand-in for the deploy harness: the log group the security stack creates, in the security account.
    const security = fencedBlocks(files.get(model.runbooks.breakGlass)!).find((b) => b.body.includes(`--role-arn ${model.security.breakGlassRoleArn}`))!;
    // The block opens a shell with the role's credentials: here that shell is a script that does the work.
    const inner = path.join(home, 'inner-shell.sh');
    fs.writeFileSync(inner, `#!/usr/bin/env bash\naws logs create-log-group --region ${model.organization.homeRegion} --log-group-name ${model.pipeline.logGroupName}\nenv | grep '^AWS_' | grep -v ENDPOINT\n`, { mode: 0o755 });
    const setup = await runScript(`${SELECT_ALICE}\nSHELL=${inner}\n${fillIn(security.body)}`, env);
    expect(setup.calls.map((c) => c.rc)).toEqual([0, 0]);
    const creds = Object.fromEntries(
      setup.stdout
        .split('\n')
        .filter((l) => /^AWS_(ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN)=/.test(l))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    const asSecurity = { ...env, ...creds };
    const queries = [...files].flatMap(([file, md]) =>
      fencedBlocks(md)
        .filter((b) => b.body.includes('aws logs start-query'))
        .map((b) => ({ file, ...b })),
    );
    expect(queries.length).toBeGreaterThanOrEqual(model.detections.length);
    // Two at a time: each query is its own shell and its own CLI processes; the emulator answers them independently.
    const runs = await mapLimit(queries, 2, async (q) => ({ q, run: await runScript(fillIn(q.body), asSecurity) }));
    for (const { q, run } of runs) {
      const logs = run.calls.filter((c) => / logs /.test(` ${c.args} `) || c.args.startsWith('logs '));
      // start-query, the status poll (once the emulator says Complete), the results, records matched and rows returned.
      expect({ where: `${q.file}:${q.line}`, rcs: logs.map((c) => c.rc), err: logs.map((c) => c.stderr).join('') }).toEqual({
        where: `${q.file}:${q.line}`,
        rcs: [0, 0, 0, 0, 0],
        err: '',
      });
      expect(run.stdout).toContain('query status: Complete');
      expect(run.stdout).toMatch(/records matched: \S+, rows returned: \d+/);
    }
  });
});
