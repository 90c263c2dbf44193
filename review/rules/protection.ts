/**
 * Review rules for what the generated monitoring-protection SCPs rely on besides their own text (which RL-SCP-LOOSENED
 * already judges, every part matching /monitoring-protection/): the RootlockPurpose tag of the rootlock KMS keys. The
 * SCPs protect a key by that tag, so a plan that drops or renames it takes the key out of the protection, although
 * tags are otherwise cosmetic.
 */
import { KEY_PURPOSE_TAG } from '../../config/model-protection';
import { Change, nameOf } from '../change';
import { defineRule, Rule } from '../rule';

function purposeTag(values: Record<string, unknown>): string | undefined {
  for (const attr of ['tags', 'tags_all']) {
    const tags = values[attr];
    if (tags && typeof tags === 'object' && typeof (tags as Record<string, unknown>)[KEY_PURPOSE_TAG] === 'string') return (tags as Record<string, string>)[KEY_PURPOSE_TAG];
  }
  return undefined;
}

/** The purpose the key had, when an update or replacement drops or changes it (unknown after-values are not a loss). */
function lostPurpose(c: Change): string | undefined {
  const before = purposeTag(c.before);
  if (before === undefined || (c.kind !== 'update' && c.kind !== 'replace')) return undefined;
  if (c.unknown.has('tags') || c.unknown.has('tags_all')) return undefined;
  return purposeTag(c.after) !== before ? before : undefined;
}

export const protectionRules: Rule[] = [
  defineRule({
    id: 'RL-KEY-PROTECTION-TAG-REMOVED',
    severity: 'high',
    title: `KMS key loses its ${KEY_PURPOSE_TAG} tag (the monitoring-protection SCPs protect keys by it)`,
    firesOn: `a KMS key loses or changes its \`${KEY_PURPOSE_TAG}\` tag, by which the monitoring-protection SCPs protect rootlock keys`,
    resourceTypes: ['aws_kms_key'],
    check: lostPurpose,
    explain: (c, was) =>
      `Removes or changes the \`${KEY_PURPOSE_TAG}\` tag of the KMS key \`${nameOf(c)}\` (was \`${was}\`): the monitoring-protection SCPs recognise rootlock keys by this tag, so any administrator could then disable the key, schedule its deletion or rewrite its policy, and blind the trail or the alert topic.`,
  }),
];
