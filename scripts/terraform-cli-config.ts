/**
 * Writes a Terraform CLI configuration (for TF_CLI_CONFIG_FILE) that installs providers from a local filesystem
 * mirror when this machine has one, and from the registry otherwise, with a shared plugin cache so that the AWS
 * provider (hundreds of MB) is unpacked once per machine, not once per stack directory.
 *
 * Mirror discovery, first hit wins:
 *   1. env TF_PLUGIN_MIRROR (a directory in Terraform's mirror layout: HOST/NAMESPACE/TYPE/VERSION/OS_ARCH/...);
 *   2. Terraform's own implied local mirror directories (see "Implied Local Mirror Directories" in the Terraform
 *      CLI docs): ./terraform.d/plugins, ~/.terraform.d/plugins, $XDG_DATA_HOME/terraform/plugins (or
 *      ~/.local/share/terraform/plugins), /usr/local/share/terraform/plugins, /usr/share/terraform/plugins;
 *   3. extra candidates passed by the caller (the test harness adds /opt/tf-plugins, see emulator/README.md).
 * A candidate counts only when it holds at least one provider package (a `registry.terraform.io/...` tree).
 *
 * Usage: ts-node --transpile-only scripts/terraform-cli-config.ts [OUT_FILE] [--cache DIR] [--mirror-candidate DIR]...
 * prints `export TF_CLI_CONFIG_FILE=...` for the shell.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export interface CliConfigOptions {
  /** Where to write the file. */
  file: string;
  /** Shared provider cache (created when missing). */
  pluginCacheDir: string;
  /** Extra mirror candidates tried after TF_PLUGIN_MIRROR and Terraform's implied mirror directories. */
  extraMirrorCandidates?: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export interface CliConfigResult {
  file: string;
  /** The mirror used, or undefined when providers come from the registry. */
  mirror?: string;
  pluginCacheDir: string;
  /** Every directory considered, in order, for diagnostics. */
  candidates: string[];
  text: string;
}

/** Terraform's implied local mirror directories on Unix, in Terraform's own order. */
export function impliedMirrorDirectories(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string[] {
  const home = env.HOME || os.homedir();
  const xdgData = env.XDG_DATA_HOME || path.join(home, '.local', 'share');
  const xdgDirs = (env.XDG_DATA_DIRS || '/usr/local/share:/usr/share').split(':').filter(Boolean);
  return [
    path.join(cwd, 'terraform.d', 'plugins'),
    path.join(home, '.terraform.d', 'plugins'),
    path.join(xdgData, 'terraform', 'plugins'),
    ...xdgDirs.map((d) => path.join(d, 'terraform', 'plugins')),
  ];
}

/** Providers ("HOST/NAMESPACE/TYPE") that `dir` holds in the mirror layout (HOST/NAMESPACE/TYPE/VERSION/OS_ARCH). */
export function mirroredProviders(dir: string): string[] {
  const found: string[] = [];
  for (const host of safeList(dir)) {
    if (!host.includes('.')) continue;
    for (const ns of safeList(path.join(dir, host))) {
      for (const type of safeList(path.join(dir, host, ns))) {
        const versions = safeList(path.join(dir, host, ns, type));
        if (versions.some((v) => safeList(path.join(dir, host, ns, type, v)).length > 0)) found.push(`${host}/${ns}/${type}`);
      }
    }
  }
  return found.sort();
}

export function isProviderMirror(dir: string): boolean {
  return mirroredProviders(dir).length > 0;
}

function safeList(dir: string): string[] {
  try {
    return fs.statSync(dir).isDirectory() ? fs.readdirSync(dir) : [];
  } catch {
    return [];
  }
}

export function discoverPluginMirror(opts: { env?: NodeJS.ProcessEnv; cwd?: string; extraCandidates?: string[] } = {}): {
  mirror?: string;
  candidates: string[];
} {
  const env = opts.env ?? process.env;
  const candidates = [
    ...(env.TF_PLUGIN_MIRROR ? [path.resolve(env.TF_PLUGIN_MIRROR)] : []),
    ...impliedMirrorDirectories(env, opts.cwd),
    ...(opts.extraCandidates ?? []),
  ];
  if (env.TF_PLUGIN_MIRROR && !isProviderMirror(path.resolve(env.TF_PLUGIN_MIRROR))) {
    throw new Error(`TF_PLUGIN_MIRROR=${env.TF_PLUGIN_MIRROR} holds no provider package (expected HOST/NAMESPACE/TYPE/VERSION/OS_ARCH)`);
  }
  return { mirror: candidates.find(isProviderMirror), candidates };
}

function hcl(s: string): string {
  return JSON.stringify(s);
}

export function renderCliConfig(mirror: string | undefined, pluginCacheDir: string): string {
  const lines = [
    '# Written by scripts/terraform-cli-config.ts: do not edit.',
    `plugin_cache_dir = ${hcl(pluginCacheDir)}`,
    // The lock file records only the mirror's platform hash; let the cache be used anyway.
    'plugin_cache_may_break_dependency_lock_file = true',
    'disable_checkpoint = true',
    'provider_installation {',
  ];
  if (mirror) {
    // The mirror alone serves what it holds (so nothing reaches for the network); anything else comes from its registry.
    const held = mirroredProviders(mirror).map(hcl).join(', ');
    lines.push('  filesystem_mirror {', `    path    = ${hcl(mirror)}`, `    include = [${held}]`, '  }');
    lines.push('  direct {', `    exclude = [${held}]`, '  }');
  } else {
    lines.push('  direct {}');
  }
  lines.push('}', '');
  return lines.join('\n');
}

export function writeTerraformCliConfig(opts: CliConfigOptions): CliConfigResult {
  const { mirror, candidates } = discoverPluginMirror({ env: opts.env, cwd: opts.cwd, extraCandidates: opts.extraMirrorCandidates });
  fs.mkdirSync(opts.pluginCacheDir, { recursive: true });
  fs.mkdirSync(path.dirname(opts.file), { recursive: true });
  const text = renderCliConfig(mirror, opts.pluginCacheDir);
  fs.writeFileSync(opts.file, text);
  return { file: opts.file, mirror, pluginCacheDir: opts.pluginCacheDir, candidates, text };
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const extra: string[] = [];
  let cache = path.join(process.cwd(), '.rootlock-tmp', 'terraform-plugin-cache');
  let file = path.join(process.cwd(), '.rootlock-tmp', 'terraform.rc');
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--cache') cache = path.resolve(args[++i]);
    else if (args[i] === '--mirror-candidate') extra.push(path.resolve(args[++i]));
    else file = path.resolve(args[i]);
  }
  const result = writeTerraformCliConfig({ file, pluginCacheDir: cache, extraMirrorCandidates: extra });
  process.stderr.write(result.mirror ? `providers from the filesystem mirror ${result.mirror}\n` : `no local mirror found (tried ${result.candidates.join(', ')}): providers from the registry\n`);
  process.stdout.write(`export TF_CLI_CONFIG_FILE=${JSON.stringify(result.file)}\n`);
}
