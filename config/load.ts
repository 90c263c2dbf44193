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
  let raw: unknown;
  try {
    raw = parseYaml(text, { prettyErrors: true, uniqueKeys: true });
  } catch (e) {
    const detail = e instanceof YAMLParseError ? e.message.split('\n')[0] : String(e);
    throw new ConfigError(file, [{ path: '', message: `is not valid YAML/JSON: ${detail}` }]);
  }
  return validateConfig(raw, file);
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
