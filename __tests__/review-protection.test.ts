/**
 * Review rules of review/rules/protection.ts: the RootlockPurpose tag of a KMS key is what the monitoring-protection
 * SCPs protect it by, so losing it is high severity although tags are otherwise cosmetic. Plans are synthetic
 * resource changes in Terraform's plan JSON shape (the emulator fixtures deploy no rootlock key).
 */
import { review } from '../review/analyze';
import { asPlan, TerraformPlan } from '../review/plan';
import { KEY_PURPOSE_TAG } from '../config/model-protection';

function keyChange(before: Record<string, string> | null, after: Record<string, string> | null, actions: Array<'update' | 'create' | 'delete'> = ['update']): TerraformPlan {
  const key = (tags: Record<string, string> | null) => ({ description: 'rootlock alert topic', enable_key_rotation: true, tags, tags_all: tags });
  return asPlan(
    {
      format_version: '1.2',
      terraform_version: '1.11.4',
      planned_values: { root_module: {} },
      resource_changes: [
        {
          address: 'aws_kms_key.alerts_key_key',
          mode: 'managed',
          type: 'aws_kms_key',
          name: 'alerts_key_key',
          change: { actions, before: before === null && actions[0] === 'create' ? null : key(before), after: actions[0] === 'delete' ? null : key(after), after_unknown: {} },
        },
      ],
    },
    'synthetic',
  );
}
const findings = (plan: TerraformPlan) => review([{ stack: 'security', file: 'security.json', plan }]).findings.map((f) => `${f.severity}:${f.rule.id}`);

describe('RL-KEY-PROTECTION-TAG-REMOVED', () => {
  it('flags a key that loses its purpose tag as high, and says why', () => {
    const plan = keyChange({ [KEY_PURPOSE_TAG]: 'alert-topic', ManagedBy: 'rootlock' }, { ManagedBy: 'rootlock' });
    expect(findings(plan)).toContain('high:RL-KEY-PROTECTION-TAG-REMOVED');
    const f = review([{ stack: 'security', file: 'security.json', plan }]).findings.find((x) => x.rule.id === 'RL-KEY-PROTECTION-TAG-REMOVED')!;
    expect(f.message).toContain('disable the key');
  });

  it('flags a changed purpose value too', () => {
    expect(findings(keyChange({ [KEY_PURPOSE_TAG]: 'alert-topic' }, { [KEY_PURPOSE_TAG]: 'other' }))).toContain('high:RL-KEY-PROTECTION-TAG-REMOVED');
  });

  it('does not flag other tag changes, a key that never had the tag, or a new tagged key', () => {
    expect(findings(keyChange({ [KEY_PURPOSE_TAG]: 'alert-topic', Team: 'a' }, { [KEY_PURPOSE_TAG]: 'alert-topic', Team: 'b' }))).not.toContain('high:RL-KEY-PROTECTION-TAG-REMOVED');
    expect(findings(keyChange({ Team: 'a' }, {}))).not.toContain('high:RL-KEY-PROTECTION-TAG-REMOVED');
    expect(findings(keyChange(null, { [KEY_PURPOSE_TAG]: 'alert-topic' }, ['create']))).not.toContain('high:RL-KEY-PROTECTION-TAG-REMOVED');
  });
});
