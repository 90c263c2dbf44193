/** Composes the stacks of one organization (all of them, or a selection and what it depends on), in deploy order. */
import { App, TerraformStack } from 'cdktf';
import type { AccountTarget, Model } from '../config/model';
import { ManagementStack } from './management-stack';
import { SecurityStack } from './security-stack';
import { BaselineStack } from './baseline-stack';
import { ConfigRulesStack } from './config-rules-stack';
import { StackNode, stackGraph } from './graph';
import { synthStackByStack, withOnceVersionChecks, withoutCrossStackPreparation, withoutSecondResolve, withoutStackTraces } from './fast-synth';

export { withoutStackTraces } from './fast-synth';

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

/** The app every synth writes through: no stack traces in metadata (the output is for reviewers and must be byte-stable). */
function newApp(outdir: string): App {
  return new App({ outdir, stackTraces: false, hclOutput: false });
}

/**
 * Builds the stacks of `stacks` in `app` one at a time, as they are consumed, each with its graph dependencies as cdktf
 * stack dependencies, so the manifest cdktf reads orders deploys the same way. `stacks` must include its dependencies
 * (see `selectStacks`).
 */
function* buildStacks(app: App, model: Model, stacks: StackNode[]): Generator<TerraformStack> {
  const accounts = new Map(model.allAccounts.map((a) => [a.stackName, a]));
  const built = new Map<string, TerraformStack>();
  for (const node of stacks) {
    const stack = buildStack(app, model, node, accounts);
    withoutCrossStackPreparation(stack);
    withoutSecondResolve(stack);
    for (const dep of node.dependsOn) {
      const dependency = built.get(dep);
      if (!dependency) throw new Error(`stack ${node.name} needs ${dep}, which is not built before it`);
      stack.addDependency(dependency);
    }
    built.set(node.name, stack);
    yield stack;
  }
}

/** The cdktf app of `stacks` (default: every stack of the graph), all built: for tests that synthesize with stock cdktf. */
export function buildApp(model: Model, outdir: string, stacks: StackNode[] = stackGraph(model)): App {
  const app = newApp(outdir);
  Array.from(buildStacks(app, model, stacks));
  return app;
}

/** Stack names in the order they deploy. */
export function deployOrder(model: Model): string[] {
  return stackGraph(model).map((n) => n.name);
}

export function synthesize(model: Model, outdir: string, stacks: StackNode[] = stackGraph(model)): void {
  withoutStackTraces(() =>
    withOnceVersionChecks(() => {
      const app = newApp(outdir);
      synthStackByStack(app, buildStacks(app, model, stacks));
    }),
  );
}
