/** Composes the stacks of one organization (all of them, or a selection and what it depends on), in deploy order. */
import { App, TerraformStack } from 'cdktf';
import type { AccountTarget, Model } from '../config/model';
import { ManagementStack } from './management-stack';
import { SecurityStack } from './security-stack';
import { BaselineStack } from './baseline-stack';
import { ConfigRulesStack } from './config-rules-stack';
import { StackNode, stackGraph } from './graph';

function buildStack(app: App, model: Model, node: StackNode, accounts: Map<string, AccountTarget>): TerraformStack {
  switch (node.kind) {
    case 'management':
      return new ManagementStack(app, model);
    case 'security':
      return new SecurityStack(app, model);
    case 'baseline':
      return new BaselineStack(app, model, accounts.get(node.name)!);
    case 'config-rules':
      return new ConfigRulesStack(app, model);
  }
}

/**
 * The cdktf app of `stacks` (default: every stack of the graph), each with its graph dependencies as cdktf stack
 * dependencies, so the manifest cdktf reads orders deploys the same way. `stacks` must include its dependencies
 * (see `selectStacks`).
 */
export function buildApp(model: Model, outdir: string, stacks: StackNode[] = stackGraph(model)): App {
  // skipValidation off, no stack traces in metadata: the output is for reviewers and must be byte-stable.
  const app = new App({ outdir, stackTraces: false, hclOutput: false });
  const accounts = new Map(model.allAccounts.map((a) => [a.stackName, a]));
  const built = new Map<string, TerraformStack>();
  for (const node of stacks) {
    const stack = buildStack(app, model, node, accounts);
    withoutCrossStackPreparation(stack);
    for (const dep of node.dependsOn) {
      const dependency = built.get(dep);
      if (!dependency) throw new Error(`stack ${node.name} needs ${dep}, which is not built before it`);
      stack.addDependency(dependency);
    }
    built.set(node.name, stack);
  }
  return app;
}

/**
 * Before synthesizing, cdktf resolves every element of every stack once more only to find cross-stack references
 * (which it turns into outputs and remote-state data sources): a third of the synth time. rootlock stacks never
 * reference each other (every name and ARN comes from the model; a cross-stack reference would also make a stack's
 * output depend on which other stacks are selected), so that run only finds nothing: skip it, keep the backend check.
 * The synth test proves the output is the same with cdktf's full preparation, so no reference can slip in unnoticed.
 */
function withoutCrossStackPreparation(stack: TerraformStack): void {
  stack.prepareStack = () => {
    stack.ensureBackendExists();
  };
}

/** Stack names in the order they deploy. */
export function deployOrder(model: Model): string[] {
  return stackGraph(model).map((n) => n.name);
}

export function synthesize(model: Model, outdir: string, stacks?: StackNode[]): void {
  withoutStackTraces(() => buildApp(model, outdir, stacks).synth());
}

/**
 * cdktf captures a complete stack trace (Error.stackTraceLimit raised to the maximum) for every token and every
 * complex attribute a provider class creates: under ts-node the deepest stacks, and most of the synth time of a large
 * organization. Nothing reads them (stackTraces: false), so while synthesizing, Error.stackTraceLimit is an accessor:
 * V8 captures frames only when it is a data property holding a number, so no frames are walked or formatted, and
 * cdktf's attempt to raise it is ignored. Restored afterwards. Errors thrown meanwhile keep their messages.
 */
export function withoutStackTraces<T>(fn: () => T): T {
  const limit = Object.getOwnPropertyDescriptor(Error, 'stackTraceLimit');
  const prepare = Error.prepareStackTrace;
  Object.defineProperty(Error, 'stackTraceLimit', { configurable: true, enumerable: limit?.enumerable ?? true, get: () => 0, set: () => undefined });
  Error.prepareStackTrace = () => '';
  try {
    return fn();
  } finally {
    if (limit) Object.defineProperty(Error, 'stackTraceLimit', limit);
    else delete (Error as { stackTraceLimit?: number }).stackTraceLimit;
    Error.prepareStackTrace = prepare;
  }
}
