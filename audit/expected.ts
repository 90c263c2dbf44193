/**
 * The expected state: every resource of the synthesized Terraform (`cdktf.out/stacks/<stack>/cdk.tf.json`), read
 * generically by resource type, with the account and region its provider deploys into and its references resolved.
 * The audit holds the live state against this, so a resource another part of rootlock adds (a rule, an alarm, an
 * RCP) is audited with no second hand-written list.
 *
 * A reference (`${aws_sns_topic.alerts_topic.arn}`) resolves to the value AWS gives it where that value follows from
 * the configuration (an ARN from the name, account and region, through config/arn.ts; a bucket's id is its name; an
 * organizations policy is known by its name and an OU by its path). Values AWS generates (a KMS key id, a queue URL,
 * the organization id) stay placeholders `⟨type.name.attr⟩`: the comparison binds each to the first live value it
 * meets, so every use of one key must name the same key.
 */
import * as fs from 'fs';
import * as path from 'path';
import { eventBusArn, iamRoleArn, logGroupArn, s3BucketArn, snsTopicArn, sqsQueueArn } from '../config/arn';

export interface ExpectedResource {
  stack: string;
  type: string;
  /** Terraform name inside the stack. */
  name: string;
  /** `<stack>/<type>.<name>`: stable, what a finding names. */
  address: string;
  account: string;
  region: string;
  /** The resource's configuration with references resolved (metadata and meta-arguments removed). */
  attrs: Record<string, unknown>;
  /**
   * How the live resource is found when AWS generates its id (a KMS key): the name another synthesized resource gives
   * it (its alias), that resource's address, and the placeholders of its generated attributes, which the live read
   * binds so every reference to the resource must name the one found. Absent on such a type: nothing names it.
   */
  lookup?: { name: string; via: string; generated: Record<string, string> };
}

/**
 * Types whose id AWS generates, and the synthesized type that names them: the resource of `via` whose `ref` argument
 * references one of them gives it the name in its `name` argument.
 */
export const FOUND_THROUGH: Record<string, { via: string; ref: string; name: string; generated: string[] }> = {
  aws_kms_key: { via: 'aws_kms_alias', ref: 'target_key_id', name: 'name', generated: ['arn', 'key_id', 'id'] },
};

export const PLACEHOLDER = /⟨[^⟩]+⟩/;

type TfJson = { provider?: { aws?: Array<Record<string, unknown>> }; resource?: Record<string, Record<string, Record<string, unknown>>> };

interface Provider {
  account: string;
  region: string;
}

function providers(doc: TfJson, defaultAccount: string): Map<string, Provider> {
  const out = new Map<string, Provider>();
  for (const p of doc.provider?.aws ?? []) {
    const account = (p.allowed_account_ids as string[] | undefined)?.[0] ?? defaultAccount;
    out.set(p.alias ? `aws.${p.alias as string}` : 'aws', { account, region: p.region as string });
  }
  return out;
}

const META = new Set(['//', 'depends_on', 'provider', 'lifecycle', 'count', 'for_each', 'connection', 'provisioner', 'tags', 'tags_all']);

/** Resolves `${type.name.attr}` inside one stack; unknowable values become placeholders scoped by stack. */
function resolver(stack: string, doc: TfJson, providerOf: (r: Record<string, unknown>) => Provider) {
  const resources = doc.resource ?? {};
  const resolveRef = (ref: string, seen: Set<string>): string => {
    const parts = ref.split('.');
    const placeholder = `⟨${stack}/${ref}⟩`;
    if (parts[0] === 'data' || parts.length !== 3 || seen.has(ref)) return placeholder;
    const [type, name, attr] = parts;
    const config = resources[type]?.[name];
    if (!config) return placeholder;
    const { account, region } = providerOf(config);
    const next = new Set(seen).add(ref);
    const str = (v: unknown) => (typeof v === 'string' ? resolveText(v, next) : undefined);
    const own = str(config.name);
    switch (`${type}.${attr}`) {
      case 'aws_sns_topic.arn':
        return own ? snsTopicArn(region, account, own) : placeholder;
      case 'aws_sqs_queue.url':
        // AWS generates the URL; the queue is known by its name (GetQueueUrl).
        return own ? `queue:${own}` : placeholder;
      case 'aws_sqs_queue.arn':
        return own ? sqsQueueArn(region, account, own) : placeholder;
      case 'aws_iam_role.arn':
        return own ? iamRoleArn(account, own) : placeholder;
      case 'aws_cloudwatch_log_group.arn':
        return own ? logGroupArn(region, account, own) : placeholder;
      case 'aws_cloudwatch_event_bus.arn':
        return own ? eventBusArn(region, account, own) : placeholder;
      case 'aws_s3_bucket.id':
      case 'aws_s3_bucket.bucket':
        return str(config.bucket) ?? placeholder;
      case 'aws_s3_bucket.arn':
        return config.bucket ? s3BucketArn(str(config.bucket)!) : placeholder;
      case 'aws_s3_bucket_policy.bucket':
        return str(config.bucket) ?? placeholder;
      case 'aws_organizations_policy.id':
        return own ? `policy:${own}` : placeholder;
      case 'aws_organizations_organizational_unit.id': {
        const parent = str(config.parent_id) ?? '';
        const parentPath = parent.startsWith('ou:') ? `${parent.slice(3)}/` : '';
        return own ? `ou:${parentPath}${own}` : placeholder;
      }
      default:
        if (attr === 'name' || ((attr === 'id' || attr === 'role') && type === 'aws_iam_role')) return own ?? placeholder;
        return placeholder;
    }
  };
  const resolveText = (text: string, seen: Set<string>): string => text.replace(/\$\{([^}]+)\}/g, (_, ref: string) => resolveRef(ref.trim(), seen));
  const resolveValue = (v: unknown): unknown => {
    if (typeof v === 'string') return resolveText(v, new Set());
    if (Array.isArray(v)) return v.map(resolveValue);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolveValue(x)]));
    return v;
  };
  return resolveValue;
}

/** Every stack's resources, in a fixed order (stack, type, name). `defaultAccount` is the management account. */
export function readExpected(synthDir: string, defaultAccount: string): ExpectedResource[] {
  const stacksDir = path.join(synthDir, 'stacks');
  if (!fs.existsSync(stacksDir)) throw new Error(`no synthesized stacks in ${stacksDir}: run \`npm run synth\` with the same ROOTLOCK_CONFIG first, or pass --synth-dir`);
  const out: ExpectedResource[] = [];
  for (const stack of fs.readdirSync(stacksDir).sort()) {
    const file = path.join(stacksDir, stack, 'cdk.tf.json');
    if (!fs.existsSync(file)) continue;
    const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as TfJson;
    const provs = providers(doc, defaultAccount);
    const providerOf = (r: Record<string, unknown>) => provs.get((r.provider as string | undefined) ?? 'aws') ?? provs.get('aws') ?? { account: defaultAccount, region: '' };
    const resolve = resolver(stack, doc, providerOf);
    for (const type of Object.keys(doc.resource ?? {}).sort()) {
      for (const name of Object.keys(doc.resource![type]).sort()) {
        const config = doc.resource![type][name];
        const { account, region } = providerOf(config);
        const attrs = Object.fromEntries(Object.entries(config).filter(([k]) => !META.has(k)).map(([k, v]) => [k, resolve(v)]));
        out.push({ stack, type, name, address: `${stack}/${type}.${name}`, account, region, attrs });
      }
    }
    attachLookups(stack, doc, out, providerOf);
  }
  return out;
}

/** Gives each resource of a FOUND_THROUGH type the first name (sorted) a resource of its `via` type gives it there. */
function attachLookups(stack: string, doc: TfJson, out: ExpectedResource[], providerOf: (r: Record<string, unknown>) => Provider): void {
  for (const [type, how] of Object.entries(FOUND_THROUGH)) {
    const namers = doc.resource?.[how.via] ?? {};
    for (const viaName of Object.keys(namers).sort()) {
      const namer = namers[viaName];
      const m = new RegExp(`^\\$\\{${type}\\.([^.}]+)\\.[^.}]+\\}$`).exec(String(namer[how.ref] ?? ''));
      const target = m && out.find((r) => r.stack === stack && r.type === type && r.name === m[1]);
      if (!target || target.lookup || typeof namer[how.name] !== 'string') continue;
      const where = providerOf(namer);
      if (where.account !== target.account || where.region !== target.region) continue;
      const generated = Object.fromEntries(how.generated.map((a) => [a, `⟨${stack}/${type}.${target.name}.${a}⟩`]));
      target.lookup = { name: namer[how.name] as string, via: `${stack}/${how.via}.${viaName}`, generated };
    }
  }
}
