/**
 * Base of every rootlock stack: readable logical ids (root_deny_scp_workloads_prod, never hash suffixes), the state
 * backend from the configuration, one provider per region, and a comment saying what the stack is for.
 */
import { Construct } from 'constructs';
import { LocalBackend, S3Backend, TerraformDataSource, TerraformElement, TerraformResource, TerraformStack, TerraformVariable } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import type { Model } from '../config/model';
import { GLOBAL_EVENTS_REGION } from '../config/model';
import { localStatePath, MANAGED_BY, prefixed, TAGS } from '../config/contract';
import { iamRoleArn } from '../config/arn';
import { createdAccountIdsFromOrganization } from './created-account-ids';

export interface RootlockStackProps {
  model: Model;
  /** What the stack is for, written into the synthesized Terraform for reviewers. */
  purpose: string;
  /** Account the stack deploys into; the deploy assumes `deployRoleArn` there, or uses the caller's credentials. */
  accountId: string;
  deployRoleArn?: string;
}

/** The AWS providers of a stack, one per event region: what a module needs to place resources in a region. */
export interface RegionalProviders {
  /** Provider of the home region (the stack's default provider). */
  readonly home: AwsProvider;
  /** The provider for one of the model's event regions. */
  providerFor(region: string): AwsProvider;
}

/** STS RoleSessionName: 2..64 characters (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html). */
const SESSION_NAME_MAX = 64;

/**
 * The session name a stack's deploy uses: `rootlock-<stack>`, cut to STS's 64 characters (a 64-character account name
 * makes an 82-character one, which the provider refuses at plan). Stack names are already [a-z0-9-].
 */
export function deploySessionName(stack: string): string {
  return prefixed(stack).slice(0, SESSION_NAME_MAX).replace(/-+$/, '');
}

export class RootlockStack extends TerraformStack implements RegionalProviders {
  readonly model: Model;
  /** Provider of the home region (default provider). */
  readonly home: AwsProvider;
  private readonly regional = new Map<string, AwsProvider>();
  private readonly usedIds = new Map<string, string>();

  constructor(scope: Construct, name: string, props: RootlockStackProps) {
    super(scope, name);
    this.model = props.model;
    this.addOverride('//', { purpose: props.purpose, account: props.accountId, generatedBy: 'rootlock: edit the configuration, not this file' });

    const state = props.model.state;
    if (state.backend === 's3') {
      const backend = new S3Backend(this, { bucket: state.bucket, key: `${state.keyPrefix}/${name}.tfstate`, region: state.region, encrypt: true });
      // S3-native locking (Terraform >= 1.10); cdktf 0.21's S3BackendConfig predates the option.
      backend.addOverride('use_lockfile', true);
    } else {
      // Beside the output directory, where no synth (ours or cdktf's clean-up) ever deletes it.
      new LocalBackend(this, { path: localStatePath(name) });
    }

    const assumed = providerRole(this, props, name);
    const provider = (region: string, alias?: string) => {
      const p = new AwsProvider(this, alias ? `aws_${alias}` : 'aws', {
        region,
        alias,
        allowedAccountIds: [props.accountId],
        assumeRole: assumed.static ? [assumed.static] : undefined,
        defaultTags: [{ tags: { [TAGS.managedBy]: MANAGED_BY, [TAGS.stack]: name } }],
      });
      if (assumed.dynamic) p.addOverride('dynamic.assume_role', assumed.dynamic);
      return p;
    };
    this.home = provider(props.model.organization.homeRegion);
    this.regional.set(props.model.organization.homeRegion, this.home);
    for (const region of props.model.eventRegions) {
      if (!this.regional.has(region)) this.regional.set(region, provider(region, region === GLOBAL_EVENTS_REGION ? 'global_events' : region.replace(/-/g, '_')));
    }
    // Accounts created by the management stack: their ids, read at plan time (the management stack defines its own).
    if (name !== props.model.stackNames.management) createdAccountIdsFromOrganization(this, props.model, (d) => RootlockStack.addressOf(d));
  }

  /** The provider for one of the model's event regions. */
  providerFor(region: string): AwsProvider {
    const p = this.regional.get(region);
    if (!p) throw new Error(`no provider for region ${region}`);
    return p;
  }

  /**
   * The plain address of a data source or resource (`data.TYPE.NAME` / `TYPE.NAME`), for hand-written expressions:
   * cdktf wraps a `.fqn` token in a second `\${}` when it appears inside a nested template string.
   */
  static addressOf(element: TerraformResource | TerraformDataSource): string {
    const name = TerraformStack.of(element).getLogicalId(element);
    return element instanceof TerraformDataSource ? `data.${element.terraformResourceType}.${name}` : `${element.terraformResourceType}.${name}`;
  }

  /** Logical id = construct path below the stack, snake_case; collisions are a bug and fail synthesis. */
  protected allocateLogicalId(element: TerraformElement): string {
    const joined = element.node.scopes
      .slice(2)
      .map((s) => s.node.id)
      .join('_');
    // Most construct ids are already snake_case: the clean-up below would leave them as they are.
    const id = SNAKE_ID.test(joined)
      ? joined
      : joined
          .replace(/[^A-Za-z0-9_]+/g, '_')
          .replace(/_+/g, '_')
          .replace(/^_|_$/g, '')
          .toLowerCase();
    // Paths, not elements: the stack outlives its construct tree (dropped once written), and this map must not keep it.
    const path = element.node.path;
    const owner = this.usedIds.get(id);
    if (owner && owner !== path) throw new Error(`logical id ${id} is used by both ${owner} and ${path}`);
    this.usedIds.set(id, path);
    return id;
  }
}

/** An id the clean-up in allocateLogicalId leaves unchanged: lowercase words and digits joined by single underscores. */
const SNAKE_ID = /^[a-z0-9]+(?:_[a-z0-9]+)*$/;

/**
 * The role the providers assume, from the stack's Terraform variable (config/model-trust.ts `providerRoleVariable`), so
 * one synthesized output serves the deploy (default: the deployment role, with the deploy source identity on every
 * session) and a PR plan (`TF_VAR_rootlock_role_name=rootlock-plan`: the read-only job role), without re-synthesizing.
 * The management stack defaults to the caller's own credentials (empty: no assume_role block at all).
 */
function providerRole(stack: TerraformStack, props: RootlockStackProps, name: string) {
  const trust = props.model.trust;
  const variable = trust.providerRoleVariable;
  new TerraformVariable(stack, variable, {
    type: 'string',
    default: props.deployRoleArn ? trust.deploymentRoleName : '',
    description: `Role the providers assume in account ${props.accountId}: the deployment role to deploy (${props.deployRoleArn ?? 'default empty: the caller\'s own credentials'}), ${trust.jobRoles.plan.name} for a plan.`,
  });
  const session = (role: string) => ({
    roleArn: iamRoleArn(props.accountId, `\${${role}}`),
    sessionName: deploySessionName(name),
    // Only a deploy session carries the deploy source identity; a job role session carries none (null: unset).
    sourceIdentity: `\${${role} == "${trust.deploymentRoleName}" ? "${trust.deploySourceIdentity}" : null}`,
  });
  if (props.deployRoleArn) return { static: session(`var.${variable}`) };
  const { roleArn, sessionName, sourceIdentity } = session('assume_role.value');
  return {
    dynamic: {
      for_each: `\${var.${variable} == "" ? [] : [var.${variable}]}`,
      content: { role_arn: roleArn, session_name: sessionName, source_identity: sourceIdentity },
    },
  };
}
