/** Composes the stacks of one organization (all of them, or a selection and what it depends on), in deploy order. */
import { App, TerraformStack } from 'cdktf';
import type { AccountTarget, Model } from '../config/model';
import { ManagementStack } from './management-stack';
import { SecurityStack } from './security-stack';
import { BaselineStack } from './baseline-stack';
import { ConfigRulesStack } from './config-rules-stack';
import { StackNode, stackGraph } from './graph';
import { defaultWorkerCount, splitStacks, startWorkers, workerConfigFor } from './parallel-synth';
import { finishApp, synthStacksOnly, withFastJsonWriter, withoutCrossStackPreparation, withoutSecondResolve, withSynthShortcuts } from './fast-synth';

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
 * (see `selectStacks`), except those synthesized on another thread (`elsewhere`): an empty stack of the same name stands
 * in for each, since a dependency appears in the manifest only by its path.
 */
function* buildStacks(app: App, model: Model, stacks: StackNode[], elsewhere: ReadonlySet<string> = new Set()): Generator<TerraformStack> {
  const accounts = new Map(model.allAccounts.map((a) => [a.stackName, a]));
  const built = new Map<string, TerraformStack>();
  const dependencyNamed = (name: string, dependent: string): TerraformStack => {
    const known = built.get(name);
    if (known) return known;
    if (!elsewhere.has(name)) throw new Error(`stack ${dependent} needs ${name}, which is not built before it`);
    const standIn = new TerraformStack(app, name);
    built.set(name, standIn);
    return standIn;
  };
  for (const node of stacks) {
    const stack = buildStack(app, model, node, accounts);
    withoutCrossStackPreparation(stack);
    withoutSecondResolve(stack);
    withFastJsonWriter(stack);
    for (const dep of node.dependsOn) stack.addDependency(dependencyNamed(dep, node.name));
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

export interface SynthesizeOptions {
  /**
   * Worker threads that synthesize a share of the baselines meanwhile (stacks/parallel-synth.ts); 0: this thread only.
   * @default none below PARALLEL_MIN_BASELINES baselines, else one per spare CPU (at most 3)
   */
  readonly workers?: number;
  /** Work for this thread once its own stacks are written, while workers finish theirs (writeOutput: the runbooks). */
  readonly alongside?: () => void;
}

/**
 * Synthesizes `stacks` (default: every stack) into `outdir`, with cdktf's manifest. The same bytes however the stacks
 * are spread over threads: each stack is a pure function of the model (stacks/graph.ts).
 */
export function synthesize(model: Model, outdir: string, stacks: StackNode[] = stackGraph(model), opts: SynthesizeOptions = {}): void {
  const workers = opts.workers ?? defaultWorkerCount(stacks.filter((s) => s.kind === 'baseline').length);
  const config = workers > 0 ? workerConfigFor(model) : undefined;
  const { own, shares } = splitStacks(stacks, config ? workers : 0);
  withSynthShortcuts(() => {
    // The app first: it creates the output directories the workers write into.
    const app = newApp(outdir);
    const running = shares.length ? startWorkers(config!, outdir, shares) : undefined;
    try {
      synthStacksOnly(app, buildStacks(app, model, own, new Set(shares.flat().map((s) => s.name))));
      opts.alongside?.();
      for (const entry of running?.wait() ?? []) app.manifest.stacks[entry.name] = entry as (typeof app.manifest.stacks)[string];
    } finally {
      running?.stop();
    }
    finishApp(app);
  });
}

/**
 * A worker's part (stacks/synth-worker.ts): `stacks` synthesized into `outdir` on this thread, every dependency outside
 * them synthesized elsewhere; their manifest entries, for the main thread's manifest. `onStack` counts progress.
 */
export function synthesizeOnThisThread(model: Model, outdir: string, stacks: StackNode[], onStack: () => void): Array<{ name: string }> {
  const mine = new Set(stacks.map((s) => s.name));
  const elsewhere = new Set(stacks.flatMap((s) => s.dependsOn).filter((d) => !mine.has(d)));
  return withSynthShortcuts(() => {
    const app = newApp(outdir);
    const counted = function* () {
      for (const stack of buildStacks(app, model, stacks, elsewhere)) {
        yield stack;
        onStack();
      }
    };
    synthStacksOnly(app, counted());
    return stacks.map((s) => app.manifest.stacks[s.name]);
  });
}
