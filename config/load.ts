/** Reads, validates and resolves a configuration file. Nothing past this point sees unvalidated input. */
import * as fs from 'fs';
import * as path from 'path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { core } from 'zod';
import { configSchema, RootlockConfig } from './schema';
import { crossCheck } from './cross-checks';
import { ConfigError, formatPath, Problem, show } from './errors';

export const DEFAULT_CONFIG = path.join(__dirname, '..', 'examples', 'example-org.yaml');

/** Which configuration: ROOTLOCK_CONFIG when set, else the bundled example. */
export function configPathFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return env.ROOTLOCK_CONFIG ? path.resolve(env.ROOTLOCK_CONFIG) : DEFAULT_CONFIG;
}

export function loadConfigFile(file: string): RootlockConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(file, [{ path: '', message: `cannot read the configuration file (${(e as NodeJS.ErrnoException).code ?? 'error'}): set ROOTLOCK_CONFIG to an existing YAML or JSON file` }]);
  }
  let raw: unknown = plainJson(text);
  try {
    if (raw === undefined) raw = parseYaml(text, { prettyErrors: true, uniqueKeys: true });
  } catch (e) {
    const detail = e instanceof YAMLParseError ? e.message.split('\n')[0] : String(e);
    throw new ConfigError(file, [{ path: '', message: `is not valid YAML/JSON: ${detail}` }]);
  }
  return validateConfig(raw, file);
}

/**
 * The value of `text` when it is JSON with no key repeated in an object: JSON is YAML 1.2, and JSON.parse reads a
 * generated 1,000-account configuration a hundred times faster than the YAML parser (a tenth of a vend's synth).
 * Undefined for anything else (YAML, invalid JSON, a repeated key), which the YAML parser then reads, refusing a repeated
 * key and reporting errors with their line, as for every configuration.
 */
export function plainJson(text: string): unknown {
  const start = text.trimStart()[0];
  if (start !== '{' && start !== '[') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  return repeatsAKey(text) ? undefined : value;
}

/** True when some object of the (valid) JSON `text` names a key twice, which JSON.parse would silently take the last of. */
function repeatsAKey(text: string): boolean {
  const objects: Array<Set<string> | undefined> = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '{') objects.push(new Set());
    else if (c === '[') objects.push(undefined);
    else if (c === '}' || c === ']') objects.pop();
    else if (c === '"') {
      let end = i + 1;
      while (text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      const keys = objects[objects.length - 1];
      let after = end + 1;
      while (/\s/.test(text[after] ?? '')) after++;
      if (keys && text[after] === ':') {
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        if (keys.has(key)) return true;
        keys.add(key);
      }
      i = end;
    }
  }
  return false;
}

export function validateConfig(raw: unknown, source = 'configuration'): RootlockConfig {
  const parsed = configSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) throw new ConfigError(source, parsed.error.issues.flatMap(issueToProblems));
  const problems = crossCheck(parsed.data);
  if (problems.length > 0) throw new ConfigError(source, problems);
  return parsed.data;
}

function issueToProblems(issue: core.$ZodIssue): Problem[] {
  const where = formatPath(issue.path);
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((k) => ({ path: where ? `${where}.${k}` : k, message: 'is not a known field: check its spelling against the configuration reference in README.md' }));
    case 'invalid_type':
      if (issue.input === undefined) return [{ path: where, message: `missing: ${expected(issue.expected)} is required` }];
      return [{ path: where, message: `${show(issue.input)} ${issue.message.startsWith('must') ? issue.message : `must be ${expected(issue.expected)}`}` }];
    case 'invalid_union': {
      // A discriminated union reports the whole object at the discriminator's path: show the discriminator's value.
      const key = issue.path[issue.path.length - 1];
      const input = issue.input as Record<PropertyKey, unknown> | undefined;
      const value = key !== undefined && input && typeof input === 'object' && key in input ? input[key] : issue.input;
      return [{ path: where, message: `${show(value)} ${issue.message === 'Invalid input' ? 'does not match any accepted form' : issue.message}` }];
    }
    default:
      return [{ path: where, message: `${show(issue.input)} ${issue.message}` }];
  }
}

function expected(type: string): string {
  return { string: 'a string', number: 'a number', boolean: 'true or false', array: 'a list', object: 'a mapping' }[type] ?? type;
}
