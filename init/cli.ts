/**
 * `npm run init -- --from-organization > org.yaml`: writes a rootlock configuration for the live organization (see
 * init/render-config.ts), read with the standard AWS credentials of the management account. Read-only.
 * Exit codes: 0 written, 1 usage or access problem (one line on stderr).
 */
import { helpOutcome, OptionSpec, parseCli, UsageError, usageOutcome } from '../cli/args';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { readOrganization } from './read-organization';
import { renderConfig } from './render-config';

const USAGE = `usage: npm run init -- --from-organization [--region REGION] > org.yaml

Writes a rootlock configuration for the live organization to stdout: the organization, root, every OU (by id, where it
is), every ACTIVE member account (by id and email, in its OU), the trusted access and policy types already enabled.
The parts only a person can decide are marked "# DECIDE:" and fail validation until filled in.

  --from-organization  read the organization of the management account whose credentials are in the environment
  --region REGION      the home region written into the configuration (default: AWS_REGION or AWS_DEFAULT_REGION)
  --help               this text

Start from nothing instead (no organization yet): copy examples/greenfield-org.yaml (README "Start from nothing").`;

function fail(message: string): never {
  process.stderr.write(`rootlock init: ${message}\n`);
  process.exit(1);
}

const OPTIONS = { 'from-organization': { type: 'boolean' }, region: { type: 'string' } } as const satisfies OptionSpec;

async function main(argv: string[]): Promise<void> {
  let parsed;
  try {
    parsed = parseCli(argv, OPTIONS);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    const o = usageOutcome('rootlock init', e, USAGE);
    process.stderr.write(o.stderr);
    process.exit(o.code);
  }
  if (parsed.help) {
    process.stdout.write(helpOutcome(USAGE).stdout);
    return;
  }
  const values = parsed.values;
  if (!values['from-organization']) fail(`say where to start: --from-organization (adopt the live organization)\n${USAGE}`);
  const region = values.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (!region) fail('no home region: pass --region REGION (or set AWS_REGION)');
  // Organizations is a global service answered in us-east-1; the home region only goes into the configuration.
  const client = new OrganizationsClient({ region: 'us-east-1' });
  try {
    const snapshot = await readOrganization(client, region);
    process.stdout.write(renderConfig(snapshot));
  } catch (e) {
    const err = e as { name?: string; message?: string };
    if (err.name === 'AWSOrganizationsNotInUseException') fail('these credentials belong to an account that is not in an organization: start from nothing instead (README "Start from nothing")');
    if (err.name === 'AccessDeniedException') fail(`access denied (${err.message}): run with the management account's credentials (organizations:Describe*, organizations:List*)`);
    fail(`${err.name ?? 'error'}: ${err.message ?? String(e)}`);
  } finally {
    client.destroy();
  }
}

void main(process.argv.slice(2));
