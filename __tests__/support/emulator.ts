/** Starts the moto emulator (with rootlock's extensions) on a free loopback port, for one test file. */
import { spawn, ChildProcess } from 'child_process';
import * as net from 'net';
import * as path from 'path';
import { requireTool } from './tools';

export interface Emulator {
  endpoint: string;
  port: number;
  /** Environment for the AWS CLI, SDK, Terraform and cdktf: standard variables only. */
  env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
  /** The emulator's own output so far (request log, tracebacks), for failure messages. */
  log(): string;
}

export const TEST_CREDENTIALS = { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' };

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

async function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`emulator exited early with code ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const sock = net.connect(port, '127.0.0.1', () => {
        sock.end();
        resolve(true);
      });
      sock.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`emulator did not listen on port ${port} within ${timeoutMs} ms`);
}

/** Returns undefined (after a loud skip notice) where python3/moto is missing and CI is not set. */
export async function startEmulator(opts: { accountId?: string } = {}): Promise<Emulator | undefined> {
  if (!requireTool('moto_server', 'the emulator deploy tests')) return undefined;
  const port = await freePort();
  const log: string[] = [];
  const child = spawn('python3', [path.join(__dirname, '..', '..', 'emulator', 'server.py'), '-H', '127.0.0.1', '-p', String(port)], {
    env: {
      ...process.env,
      MOTO_IAM_LOAD_MANAGED_POLICIES: 'true',
      ...(opts.accountId ? { MOTO_ACCOUNT_ID: opts.accountId } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => log.push(String(d)));
  child.stderr!.on('data', (d) => log.push(String(d)));
  try {
    await waitForPort(port, child, 30000);
  } catch (e) {
    child.kill('SIGKILL');
    throw new Error(`${(e as Error).message}\n${log.join('').slice(-4000)}`);
  }
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    port,
    env: {
      ...TEST_CREDENTIALS,
      AWS_ENDPOINT_URL: endpoint,
      AWS_REGION: 'us-east-1',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_EC2_METADATA_DISABLED: 'true',
      CHECKPOINT_DISABLE: '1',
    },
    log: () => log.join(''),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 3000).unref();
      }),
  };
}

/** Client configuration for AWS SDK v3 clients against the emulator (management account unless `credentials`). */
export function sdkConfig(emu: Emulator, opts: { region?: string; credentials?: AwsCredentials } = {}) {
  return {
    endpoint: emu.endpoint,
    region: opts.region ?? 'us-east-1',
    credentials: opts.credentials ?? { accessKeyId: TEST_CREDENTIALS.AWS_ACCESS_KEY_ID, secretAccessKey: TEST_CREDENTIALS.AWS_SECRET_ACCESS_KEY },
    maxAttempts: 1,
  };
}

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/**
 * Credentials for `accountId` the way the deploy gets them: sts:AssumeRole on the member account's deployment role.
 * moto answers with keys that belong to that account, so later calls land there.
 */
export async function assumeAccount(emu: Emulator, accountId: string, roleName = 'OrganizationAccountAccessRole', sourceIdentity?: string): Promise<AwsCredentials> {
  // Loaded lazily so that test files without multi-account checks do not pay for the STS client.
  const { STSClient, AssumeRoleCommand } = await import('@aws-sdk/client-sts');
  const sts = new STSClient(sdkConfig(emu));
  const out = await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${accountId}:role/${roleName}`, RoleSessionName: sourceIdentity ? 'deploy' : 'rootlock-test', SourceIdentity: sourceIdentity }));
  sts.destroy();
  const c = out.Credentials!;
  return { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken };
}

/** Forgets every resource in the emulator (moto's reset endpoint): one emulator can serve several independent suites. */
export async function resetEmulator(emu: Emulator): Promise<void> {
  const res = await fetch(`${emu.endpoint}/moto-api/reset`, { method: 'POST' });
  if (!res.ok) throw new Error(`emulator reset failed: HTTP ${res.status}`);
}
