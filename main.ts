/**
 * rootlock entry point (`npm run synth`, `cdktf synth`): validate the configuration, resolve it once, synthesize every
 * stack (or the ROOTLOCK_STACKS selection and what it depends on), write the deploy plan and the runbooks. Bad input
 * stops here with a one-line message naming the field or variable; nothing is half-written.
 */
import { configPathFromEnv, loadConfigFile } from './config/load';
import { resolveModel } from './config/model';
import { localStateDir, writeOutput } from './output';
import { crossWarnings } from './config/cross-checks';
import { formatProblem } from './config/errors';
import { stackPatternsFromEnv } from './stacks/selection';

function main(): number {
  try {
    const stacks = stackPatternsFromEnv();
    const configPath = configPathFromEnv();
    const config = loadConfigFile(configPath);
    for (const w of crossWarnings(config)) process.stderr.write(`rootlock: warning: ${formatProblem(w)}\n`);
    const model = resolveModel(config);
    const written = writeOutput(model, { outdir: process.env.CDKTF_OUTDIR, stacks });
    for (const name of written.migratedState) process.stderr.write(`rootlock: moved the local state of ${name} out of ${written.outdir} into ${localStateDir(written.outdir)}\n`);
    const what = stacks ? `${written.stacks.length} stacks (ROOTLOCK_STACKS=${stacks.join(',')} and their dependencies)` : `${written.stacks.length} stacks`;
    process.stdout.write(`rootlock: ${what} and ${written.runbooks.length} runbooks from ${configPath} -> ${written.outdir}\n`);
    return 0;
  } catch (e) {
    process.stderr.write(`rootlock: ${(e as Error).message}\n`);
    return 1;
  }
}

process.exitCode = main();
