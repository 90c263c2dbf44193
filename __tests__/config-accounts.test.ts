/** Accounts by id, by email (created by the management stack) or both: what the validator accepts and refuses. */
import * as fs from 'fs';
import * as path from 'path';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../config/errors';
import { validateConfig } from '../config/load';
import { resolveModel } from '../config/model';
import { isCreatedAccountRef } from '../config/model-created';
import { renderRunbooks } from '../runbooks/index';
import { monitoringProtectionScps } from '../policies/scp';

const GREENFIELD = path.join(__dirname, '..', 'examples', 'greenfield-org.yaml');
const greenfield = () => parseYaml(fs.readFileSync(GREENFIELD, 'utf8'));

function problems(raw: unknown): Array<{ path: string; message: string }> {
  try {
    validateConfig(raw);
    return [];
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return e.problems;
  }
}

describe('accounts by email', () => {
  it('the greenfield example validates: accounts without ids are created, every id in the model is a reference to a local', () => {
    expect(problems(greenfield())).toEqual([]);
    const model = resolveModel(validateConfig(greenfield()));
    expect(model.createdAccounts.map((c) => [c.name, c.local])).toEqual([
      ['security-tooling', 'rootlock_account_id_security_tooling'],
      ['payments-prod', 'rootlock_account_id_payments_prod'],
    ]);
    expect(model.members.every((m) => m.created && isCreatedAccountRef(m.id))).toBe(true);
    expect(model.security.id).toBe('${local.rootlock_account_id_security_tooling}');
    expect(model.placement.knownAccountIds).toEqual([model.organization.managementAccountId]);
  });

  it('runbooks never show a Terraform reference: ACCOUNT-ID-OF-<name>, with the note saying where to read the id', () => {
    const runbooks = [...renderRunbooks(resolveModel(validateConfig(greenfield()))).values()].join('\n');
    expect(runbooks).not.toMatch(/\$\{local\.|%24%7Blocal/);
    expect(runbooks).toContain('arn:aws:iam::ACCOUNT-ID-OF-payments-prod:role/rootlock-break-glass');
    expect(runbooks).toContain('terraform output -json placement_created_account_ids');
  });

  it('the monitoring-protection SCPs pack the same way before and after the entries gain their ids (sizes measured with real ids)', () => {
    const before = resolveModel(validateConfig(greenfield()));
    const raw = greenfield();
    raw.accounts.forEach((a: { id?: string }, i: number) => (a.id = `${i + 2}`.repeat(12)));
    const after = resolveModel(validateConfig(raw));
    const sids = (m: typeof before) => monitoringProtectionScps(m).map((d) => d.Statement.map((st) => st.Sid));
    expect(sids(before)).toEqual(sids(after));
  });

  it('an entry with neither id nor email is refused, naming the entry and both fixes', () => {
    const raw = greenfield();
    delete raw.accounts[1].email;
    expect(problems(raw)).toEqual([{ path: 'accounts[1]', message: expect.stringMatching(/neither id nor email: give `id` .* or `email`/) }]);
  });

  it('a malformed or over-long email is refused at its field', () => {
    const raw = greenfield();
    raw.accounts[0].email = 'not-an-email';
    raw.accounts[1].email = `${'a'.repeat(60)}@example.com`;
    expect(problems(raw).map((p) => p.path)).toEqual(['accounts[0].email', 'accounts[1].email']);
  });

  it('an account name longer than Organizations allows (50) is refused, created or adopted (the provider refuses it at plan)', () => {
    const raw = greenfield();
    raw.accounts[1].name = `p${'x'.repeat(50)}`;
    const tooLong = [{ path: 'accounts[1].name', message: expect.stringContaining('longer than the 50 characters AWS Organizations allows') }];
    expect(problems(raw)).toEqual(tooLong);
    raw.accounts[1].id = '444444444444';
    expect(problems(raw)).toEqual(tooLong);
    raw.accounts[1].name = `p${'x'.repeat(49)}`;
    expect(problems(raw)).toEqual([]);
  });

  it('duplicate emails (ignoring case), ids and names are refused at the second entry', () => {
    const raw = greenfield();
    raw.accounts.push({ email: 'AWS-Payments-Prod@example.com', name: 'payments-prod-2', ou: 'Prod' });
    raw.accounts.push({ id: '444444444444', name: 'a', ou: 'Prod' }, { id: '444444444444', name: 'b', ou: 'Prod' });
    raw.accounts.push({ email: 'x@example.com', name: 'Payments Prod', ou: 'Prod' });
    expect(problems(raw).map((p) => p.path).sort()).toEqual(['accounts[2].email', 'accounts[4].id', 'accounts[5].name']);
  });

  it('id and email together adopt the account (imported, keyed by the email), and the plan checks the email', () => {
    const raw = greenfield();
    raw.accounts[1].id = '444444444444';
    const model = resolveModel(validateConfig(raw));
    const payments = model.placement.accounts.find((a) => a.name === 'payments-prod')!;
    expect(payments).toMatchObject({ id: '444444444444', created: false, key: 'account_by_email_aws_payments_prod_example_com' });
    expect(model.createdAccounts.map((c) => c.name)).toEqual(['security-tooling']);
  });
});
