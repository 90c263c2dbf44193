/** What every other change gets: cosmetic changes are named as such, anything else is listed as low. */
import { nameOf, onlyCosmetic } from '../change';
import { visibleChanges, when } from '../evidence';
import { defineRule, FIRES, Rule } from '../rule';

const OTHER_SENTENCE: Record<string, (c: Parameters<typeof visibleChanges>[0]) => string> = {
  create: () => 'Created: adds protection or supporting resources, removes none.',
  delete: (c) => `Destroyed (\`${nameOf(c)}\`): not a resource any rule treats as security-relevant.`,
  replace: (c) => `Replaced (${visibleChanges(c)}).`,
  forget: () => 'Removed from Terraform, left running.',
};

export const generalRules: Rule[] = [
  defineRule({
    id: 'RL-COSMETIC',
    severity: 'low',
    title: 'Tags or descriptions only',
    firesOn: 'only tags or descriptions change: not flagged',
    resourceTypes: '*',
    check: (c) => when(onlyCosmetic(c), () => FIRES),
    explain: (c) => `Tags or descriptions only (${visibleChanges(c)}): no effect on access or monitoring.`,
  }),
  defineRule({
    id: 'RL-OTHER',
    severity: 'low',
    title: 'Any other change',
    firesOn: 'anything else (creations, resources no rule watches)',
    resourceTypes: '*',
    fallback: true,
    check: (c) => when(c.kind !== 'no-op' && c.kind !== 'read', () => FIRES),
    explain: (c) => (OTHER_SENTENCE[c.kind] ?? ((x) => `Changed (${visibleChanges(x)}).`))(c),
  }),
];
