/** scripts/terraform-cli-config.ts: mirror discovery order and the CLI configuration it writes (no tools needed). */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { discoverPluginMirror, impliedMirrorDirectories, mirroredProviders, writeTerraformCliConfig } from '../scripts/terraform-cli-config';

function fakeMirror(root: string, providers = ['registry.terraform.io/hashicorp/aws']): string {
  for (const p of providers) {
    const dir = path.join(root, p, '5.100.0', 'linux_amd64');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'terraform-provider-x'), '');
  }
  return root;
}

describe('terraform CLI configuration', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rootlock-cli-'));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const env = (extra: Record<string, string> = {}) => ({ HOME: path.join(tmp, 'home'), XDG_DATA_DIRS: path.join(tmp, 'share'), ...extra });

  it('lists Terraform\'s implied mirror directories in Terraform\'s order', () => {
    expect(impliedMirrorDirectories({ HOME: '/h', XDG_DATA_DIRS: '/usr/local/share:/usr/share' }, '/w')).toEqual([
      '/w/terraform.d/plugins',
      '/h/.terraform.d/plugins',
      '/h/.local/share/terraform/plugins',
      '/usr/local/share/terraform/plugins',
      '/usr/share/terraform/plugins',
    ]);
  });

  it('prefers TF_PLUGIN_MIRROR, then implied directories, then extra candidates; none means the registry', () => {
    const extra = fakeMirror(path.join(tmp, 'opt'));
    expect(discoverPluginMirror({ env: env(), cwd: tmp, extraCandidates: [extra] }).mirror).toBe(extra);
    const implied = fakeMirror(path.join(tmp, 'home', '.terraform.d', 'plugins'));
    expect(discoverPluginMirror({ env: env(), cwd: tmp, extraCandidates: [extra] }).mirror).toBe(implied);
    const explicit = fakeMirror(path.join(tmp, 'explicit'));
    expect(discoverPluginMirror({ env: env({ TF_PLUGIN_MIRROR: explicit }), cwd: tmp, extraCandidates: [extra] }).mirror).toBe(explicit);
    expect(discoverPluginMirror({ env: env(), cwd: path.join(tmp, 'nowhere'), extraCandidates: [] }).mirror).toBe(implied);
    fs.rmSync(implied, { recursive: true });
    expect(discoverPluginMirror({ env: env(), cwd: tmp }).mirror).toBeUndefined();
  });

  it('refuses a TF_PLUGIN_MIRROR that holds no provider', () => {
    fs.mkdirSync(path.join(tmp, 'empty'));
    expect(() => discoverPluginMirror({ env: env({ TF_PLUGIN_MIRROR: path.join(tmp, 'empty') }), cwd: tmp })).toThrow(/holds no provider package/);
  });

  it('writes a mirror for what the mirror holds, the registry for the rest, and a shared plugin cache', () => {
    const mirror = fakeMirror(path.join(tmp, 'opt'), ['registry.terraform.io/hashicorp/aws', 'registry.terraform.io/hashicorp/random']);
    expect(mirroredProviders(mirror)).toEqual(['registry.terraform.io/hashicorp/aws', 'registry.terraform.io/hashicorp/random']);
    const r = writeTerraformCliConfig({ file: path.join(tmp, 'out', 'tf.rc'), pluginCacheDir: path.join(tmp, 'cache'), extraMirrorCandidates: [mirror], env: env(), cwd: tmp });
    expect(fs.existsSync(path.join(tmp, 'cache'))).toBe(true);
    const text = fs.readFileSync(r.file, 'utf8');
    expect(text).toContain(`plugin_cache_dir = ${JSON.stringify(path.join(tmp, 'cache'))}`);
    expect(text).toContain(`path    = ${JSON.stringify(mirror)}`);
    expect(text).toContain('include = ["registry.terraform.io/hashicorp/aws", "registry.terraform.io/hashicorp/random"]');
    expect(text).toContain('exclude = ["registry.terraform.io/hashicorp/aws", "registry.terraform.io/hashicorp/random"]');

    const none = writeTerraformCliConfig({ file: path.join(tmp, 'none.rc'), pluginCacheDir: path.join(tmp, 'cache'), env: env(), cwd: tmp });
    expect(none.mirror).toBeUndefined();
    expect(fs.readFileSync(none.file, 'utf8')).toMatch(/direct \{\}/);
  });
});
