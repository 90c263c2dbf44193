/**
 * One AWS SDK runtime. AWS publishes each @aws-sdk/client-* package only when that client changes, so the clients'
 * own version numbers differ (client-config-service's newest is older than client-iam's): what must be one is
 * everything they share at run time (@aws-sdk/core, the credential providers, middleware, @smithy/*), so that
 * retries, credentials and the adaptive retry mode behave the same in every client. The lock file is the proof.
 */
import * as fs from 'fs';
import * as path from 'path';

const lock = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string }> };

function versionsOf(match: RegExp): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const [where, meta] of Object.entries(lock.packages)) {
    const name = where.replace(/^.*node_modules\//, '');
    if (!match.test(name) || !meta.version) continue;
    if (!out.has(name)) out.set(name, new Set());
    out.get(name)!.add(meta.version);
  }
  return out;
}

test('every shared AWS SDK runtime package is installed once, in one version', () => {
  const shared = versionsOf(/^(@aws-sdk\/(?!client-)|@smithy\/)/);
  expect(shared.size).toBeGreaterThan(20);
  expect([...shared].filter(([, v]) => v.size > 1).map(([n, v]) => `${n}: ${[...v].join(', ')}`)).toEqual([]);
});

test('every AWS SDK client the product imports is a direct dependency pinned to an exact version', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  const clients = Object.entries(pkg.dependencies).filter(([n]) => n.startsWith('@aws-sdk/client-'));
  expect(clients.length).toBeGreaterThan(5);
  expect(clients.filter(([, v]) => !/^\d+\.\d+\.\d+$/.test(v))).toEqual([]);
  for (const [name] of clients) expect(versionsOf(new RegExp(`^${name.replace('/', '\\/')}$`)).get(name)?.size).toBe(1);
});
