/**
 * Who runs a block, and where. A block that changes anything states the account and the principal its outer commands
 * run as (a subshell inside it that assumes a role or a root task session says so itself, in its own assume call).
 * The statement is written as an HTML comment just above the block (invisible when rendered) and collected into
 * `blocks.json` beside the markdown, so a reviewer or a test can hold every command against the policies that decide
 * it: the SCPs and RCPs of that account and, in a task session, its AssumeRoot task policy.
 */
import type { AccountTarget, Model } from '../config/model';
import { fence } from '../render/markdown';

export interface RunsAs {
  /** The account the block's own (outer) commands run in. */
  account: string;
  /** The IAM principal (role or user ARN) whose credentials the outer commands use. */
  principal: string;
  /** The same, for a responder. */
  who: string;
}

/** The file `writeRunbooks` writes beside the markdown: every bash block, where it is, and who runs it. */
export const BLOCKS_FILE = 'blocks.json';

const MARK = 'rootlock:runs-as';
const MARKER = new RegExp(`^ *<!-- ${MARK} (\\{.*\\}) -->$`);

/** The management account: service control policies never apply there; its break-glass role or your administrator role. */
export function asManagement(model: Model): RunsAs {
  return {
    account: model.management.id,
    principal: model.management.breakGlassRoleArn,
    who: `the management account ${model.management.id}: your administrator role there, or its break-glass role`,
  };
}

/**
 * The deploy pipeline's own principal (organization.deploymentRoleTrustedBy), taking the deployment role with the
 * deploy source identity: the only session the trail bucket's RCP lets change its Object Lock and policy.
 */
export function asDeployPrincipal(model: Model): RunsAs {
  const principal = model.trust.deployPrincipals[0];
  return { account: model.management.id, principal, who: `${principal} (the deploy pipeline's own role, with source identity ${model.trust.deploySourceIdentity})` };
}

/** A member account's deployment role: the only principal the monitoring-protection SCP lets change the pipeline. */
export function asDeploymentRole(account: AccountTarget): RunsAs {
  if (!account.deployRoleArn) throw new Error(`${account.name} has no deployment role: it is the management account`);
  return { account: account.id, principal: account.deployRoleArn, who: `${account.deployRoleArn} (the deployment role)` };
}

/** An account's break-glass role: what the runbooks guarantee exists there when normal access is down. */
export function asBreakGlass(account: AccountTarget, who: string): RunsAs {
  return { account: account.id, principal: account.breakGlassRoleArn, who };
}

/** The responder's own break-glass IAM user (the profile selected in "Before you start"), before any role is assumed. */
export function asBreakGlassPrincipal(model: Model): RunsAs {
  const p = model.people.breakGlassPrincipals[0];
  return { account: p.accountId, principal: p.arn, who: `your break-glass principal (the profile in $BG_PROFILE), such as ${p.arn}` };
}

/** A fenced bash block with its runs-as statement just above it. */
export function fenceAs(runsAs: RunsAs, lines: string[]): string {
  return `<!-- ${MARK} ${JSON.stringify(runsAs)} -->\n${fence(lines)}`;
}

export interface BlockEntry {
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** Undefined: the block only reads, as the principal its step names. */
  runsAs?: RunsAs;
  script: string;
}

/** Every bash block of the runbooks with its runs-as statement, in file and line order. */
export function blockManifest(files: Map<string, string>): BlockEntry[] {
  const entries: BlockEntry[] = [];
  for (const [file, markdown] of files) {
    const lines = markdown.split('\n');
    for (let i = 0; i < lines.length; i++) {
      // Most lines hold no fence: checked before the pattern (300,000 lines at 1,000 accounts).
      const open = lines[i].includes('```') ? /^( *)(```+)bash\s*$/.exec(lines[i]) : null;
      if (!open) continue;
      const [, indent, ticks] = open;
      const marker = i > 0 ? MARKER.exec(lines[i - 1]) : null;
      const body: string[] = [];
      let j = i + 1;
      for (; j < lines.length && lines[j] !== `${indent}${ticks}`; j++) body.push(lines[j].slice(indent.length));
      entries.push({ file, line: i + 1, ...(marker ? { runsAs: JSON.parse(marker[1]) as RunsAs } : {}), script: body.join('\n') });
      i = j;
    }
  }
  return entries;
}
