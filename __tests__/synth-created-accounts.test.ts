/**
 * What the stacks synthesize for accounts by email: the management stack creates them (no import, in their OU, never
 * closed, destroy refused), names their ids as locals and outputs; every other stack reads the ids at plan time through
 * a management-account provider; an id + email entry is imported, keyed by its email (moved from its id key), and the
 * guard checks its email. Real behaviour is proven against the emulator in bootstrap-greenfield.test.ts.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse as parseYaml } from 'yaml';
import { validateConfig } from '../config/load';
import { resolveModel } from '../config/model';
import { synthesize } from '../stacks/app';
import { stackGraph } from '../stacks/graph';

const raw = parseYaml(fs.readFileSync(path.join(__dirname, '..', 'examples', 'greenfield-org.yaml'), 'utf8'));
raw.accounts[1].id = '444444444444'; // payments-prod: adopted, email checked
const model = resolveModel(validateConfig(raw));
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'rootlock-created-'));
synthesize(model, out, stackGraph(model).filter((n) => ['management', 'baseline-security-tooling'].includes(n.name)).map((n) => ({ ...n, dependsOn: [] })));
const stack = (name: string) => JSON.parse(fs.readFileSync(path.join(out, 'stacks', name, 'cdk.tf.json'), 'utf8'));

describe('synthesized stacks for accounts by email', () => {
  const management = stack('management');
  const accounts = management.resource.aws_organizations_account;

  it('creates the email-only account in its OU, never closed, never destroyed, and imports only the one with an id', () => {
    const created = accounts.placement_account_by_email_aws_security_tooling_example_com;
    expect(created).toMatchObject({ email: 'aws-security-tooling@example.com', name: 'security-tooling', close_on_deletion: false, parent_id: '${aws_organizations_organizational_unit.organization_ou_security.id}' });
    expect(created.lifecycle.prevent_destroy).toBe(true);
    expect(created.lifecycle.ignore_changes).not.toContain('email');
    expect(created.lifecycle.ignore_changes).not.toContain('name');
    const imports = management.import.map((i: { to: string; id: string }) => [i.to, i.id]);
    expect(imports).toContainEqual(['aws_organizations_account.placement_account_by_email_aws_payments_prod_example_com', '444444444444']);
    expect(imports.some(([to]: string[]) => to.includes('security_tooling'))).toBe(false);
    expect(management.moved).toEqual([{ from: 'aws_organizations_account.placement_account_444444444444', to: 'aws_organizations_account.placement_account_by_email_aws_payments_prod_example_com' }]);
  });

  it('names the created id as a local and an output in the management stack; SCP content and delegated admins use it', () => {
    expect(management.locals).toEqual({ rootlock_account_id_security_tooling: '${aws_organizations_account.placement_account_by_email_aws_security_tooling_example_com.id}' });
    expect(management.output.placement_created_account_ids.value).toEqual({
      'security-tooling': '${aws_organizations_account.placement_account_by_email_aws_security_tooling_example_com.id}',
      'payments-prod': '${aws_organizations_account.placement_account_by_email_aws_payments_prod_example_com.id}',
    });
    // The guard's input reads the same once the entries gain their ids.
    expect(management.resource.terraform_data.guard_organization_guard.input.knownAccountIds).toBe('${[for id in sort(concat(["111111111111","444444444444"], [local.rootlock_account_id_security_tooling])) : id]}');
    expect(JSON.stringify(management.resource)).toContain('${local.rootlock_account_id_security_tooling}');
  });

  it('the guard accepts the created account by email and checks the email of the adopted one', () => {
    const guard = JSON.stringify(management.resource.terraform_data);
    expect(guard).toContain('aws-security-tooling@example.com');
    expect(guard).toContain('not the configured accounts[].email');
  });

  it("another stack reads the created id at plan time with the management account's credentials, and deploys into it", () => {
    const baseline = stack('baseline-security-tooling');
    const lookup = baseline.data.aws_organizations_organization.created_account_lookup;
    expect(lookup.provider).toBe('aws.created_account_lookup');
    expect(baseline.provider.aws.find((p: { alias?: string }) => p.alias === 'created_account_lookup').allowed_account_ids).toEqual([model.organization.managementAccountId]);
    expect(baseline.locals.rootlock_account_id_security_tooling).toContain('lower(a.email) == \"aws-security-tooling@example.com\"');
    const home = baseline.provider.aws.find((p: { alias?: string }) => !p.alias);
    expect(home.allowed_account_ids).toEqual(['${local.rootlock_account_id_security_tooling}']);
    expect(home.assume_role[0].role_arn).toBe('arn:aws:iam::${local.rootlock_account_id_security_tooling}:role/${var.rootlock_role_name}');
  });
});
