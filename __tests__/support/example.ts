/** The bundled example configuration as raw data, and models of it with a mutation applied: one fixture for all tests. */
import * as fs from 'fs';
import { parse } from 'yaml';
import { DEFAULT_CONFIG, validateConfig } from '../../config/load';
import { ConfigError, formatProblem } from '../../config/errors';
import { resolveModel, Model } from '../../config/model';

export const exampleRaw = (): any => parse(fs.readFileSync(DEFAULT_CONFIG, 'utf8'));

export function exampleModel(mutate: (c: any) => void = () => {}): Model {
  const raw = exampleRaw();
  mutate(raw);
  return resolveModel(validateConfig(raw));
}

/** The problems the validator reports for the example with `mutate` applied, as users read them; [] when accepted. */
export function problemsOf(mutate: (c: any) => void): string[] {
  const c = exampleRaw();
  mutate(c);
  try {
    validateConfig(c);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return e.problems.map(formatProblem);
  }
  return [];
}
