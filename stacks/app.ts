/** Composes every stack of one organization, in deploy order. */
import { App } from 'cdktf';
import type { Model } from '../config/model';
import { ManagementStack } from './management-stack';
import { SecurityStack } from './security-stack';
import { BaselineStack } from './baseline-stack';
import { ConfigRulesStack } from './config-rules-stack';

export function buildApp(model: Model, outdir: string): App {
  // skipValidation off, no stack traces in metadata: the output is for reviewers and must be byte-stable.
  const app = new App({ outdir, stackTraces: false, hclOutput: false });
  const management = new ManagementStack(app, model);
  const security = new SecurityStack(app, model);
  security.addDependency(management);
  const baselines = model.allAccounts.map((account) => {
    const stack = new BaselineStack(app, model, account);
    stack.addDependency(security);
    return stack;
  });
  if (model.monitoring.config) {
    const rules = new ConfigRulesStack(app, model);
    for (const b of baselines) rules.addDependency(b);
  }
  return app;
}

/** Stack names in the order they deploy. */
export function deployOrder(model: Model): string[] {
  return [
    model.stackNames.management,
    model.stackNames.security,
    ...model.allAccounts.map((a) => a.stackName),
    ...(model.monitoring.config ? [model.stackNames.configRules] : []),
  ];
}

export function synthesize(model: Model, outdir: string): void {
  withoutStackFormatting(() => buildApp(model, outdir).synth());
}

/**
 * cdktf and constructs capture a full stack trace for every token and construct, and under ts-node each trace is
 * source-mapped: 80% of synth time on a large organization. Nothing reads them (stackTraces: false), so skip the
 * formatting while synthesizing.
 */
export function withoutStackFormatting<T>(fn: () => T): T {
  const original = Error.prepareStackTrace;
  Error.prepareStackTrace = () => '';
  try {
    return fn();
  } finally {
    Error.prepareStackTrace = original;
  }
}
