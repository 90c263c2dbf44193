/** Tools from outside npm (terraform, moto_server, aws): skip loudly on a laptop without them, fail in CI. */
import { spawnSync } from 'child_process';

const cache = new Map<string, boolean>();

export function hasTool(name: string): boolean {
  if (!cache.has(name)) cache.set(name, spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0);
  return cache.get(name)!;
}

/**
 * True when the tool is on PATH. Otherwise: with CI=true, throws (a missing tool fails the run); without, prints a
 * loud skip notice and returns false so the caller skips its tests.
 */
export function requireTool(name: string, forWhat: string): boolean {
  if (hasTool(name)) return true;
  const message = `${name} is not on PATH, so ${forWhat} cannot run`;
  if (process.env.CI === 'true') throw new Error(`${message} (CI=true: a missing tool fails the run). Install ${name}.`);
  process.stderr.write(`\n*** SKIPPED: ${message}. Install ${name} to run them. ***\n\n`);
  return false;
}

/** `describe` when every tool is present, `describe.skip` (after the loud notice) when one is missing outside CI. */
export function describeWithTools(tools: string[], forWhat: string): jest.Describe {
  return tools.every((t) => requireTool(t, forWhat)) ? describe : describe.skip;
}
