/**
 * rootlock entry point (`npm run synth`, `cdktf synth`): validate the configuration, resolve it once, synthesize every
 * stack and write the runbooks. Bad input stops here with a message naming the field; nothing is half-written.
 */
import { configPathFromEnv, loadConfigFile } from './config/load';
import { resolveModel } from './config/model';
import { writeOutput } from './output';
import { crossWarnings } from './config/cross-checks';
import { formatProblem } from './config/errors';

function main(): number {
  try {
    const configPath = configPathFromEnv();
    const config = loadConfigFile(configPath);
    for (const w of crossWarnings(config)) process.stderr.write(`rootlock: warning: ${formatProblem(w)}\n`);
    const model = resolveModel(config);
    const written = writeOutput(model, { outdir: process.env.CDKTF_OUTDIR });
    process.stdout.write(`rootlock: ${written.stacks.length} stacks and ${written.runbooks.length} runbooks from ${configPath} -> ${written.outdir}\n`);
    return 0;
  } catch (e) {
    process.stderr.write(`rootlock: ${(e as Error).message}\n`);
    return 1;
  }
}

process.exitCode = main();
