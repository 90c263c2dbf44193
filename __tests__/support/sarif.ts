/**
 * A structural validator for SARIF 2.1.0 logs, written from the OASIS specification (sarif-v2.1.0, section 3) for the
 * properties this project emits: the required ones and the enumerations. Returns the problems, [] when valid.
 */
const LEVELS = ['none', 'note', 'warning', 'error'];
const KINDS = ['notApplicable', 'pass', 'fail', 'review', 'open', 'informational'];

export function validateSarif(log: any): string[] {
  const problems: string[] = [];
  const need = (cond: unknown, where: string, what: string) => {
    if (!cond) problems.push(`${where}: ${what}`);
  };
  const str = (v: unknown) => typeof v === 'string' && v.length > 0;
  need(log && typeof log === 'object', '$', 'must be an object');
  need(log.version === '2.1.0', '$.version', 'must be "2.1.0"');
  need(log.$schema === undefined || /^https?:\/\//.test(log.$schema), '$.$schema', 'must be a URI');
  need(Array.isArray(log.runs), '$.runs', 'must be an array');
  (log.runs ?? []).forEach((run: any, i: number) => {
    const at = `$.runs[${i}]`;
    need(run.tool && run.tool.driver && str(run.tool.driver.name), `${at}.tool.driver.name`, 'required string');
    const rules: any[] = run.tool?.driver?.rules ?? [];
    need(Array.isArray(rules), `${at}.tool.driver.rules`, 'must be an array');
    const ids = new Set<string>();
    rules.forEach((rule, j) => {
      need(str(rule.id), `${at}.tool.driver.rules[${j}].id`, 'required string');
      need(!ids.has(rule.id), `${at}.tool.driver.rules[${j}].id`, 'must be unique');
      ids.add(rule.id);
      if (rule.shortDescription) need(str(rule.shortDescription.text), `${at}.tool.driver.rules[${j}].shortDescription.text`, 'required string');
      if (rule.defaultConfiguration?.level !== undefined) need(LEVELS.includes(rule.defaultConfiguration.level), `${at}.tool.driver.rules[${j}].defaultConfiguration.level`, `one of ${LEVELS}`);
    });
    need(run.results === undefined || Array.isArray(run.results), `${at}.results`, 'must be an array');
    (run.results ?? []).forEach((r: any, j: number) => {
      const w = `${at}.results[${j}]`;
      need(r.message && (str(r.message.text) || str(r.message.id)), `${w}.message`, 'needs text or id');
      if (r.level !== undefined) need(LEVELS.includes(r.level), `${w}.level`, `one of ${LEVELS}`);
      if (r.kind !== undefined) need(KINDS.includes(r.kind), `${w}.kind`, `one of ${KINDS}`);
      // 3.27.9: a kind other than "fail" requires level "none" (or absent).
      if (r.kind !== undefined && r.kind !== 'fail') need(r.level === undefined || r.level === 'none', `${w}.level`, 'must be "none" when kind is not "fail"');
      if (r.ruleId !== undefined) need(ids.has(r.ruleId), `${w}.ruleId`, 'must name a rule of the driver');
      if (r.ruleIndex !== undefined) need(Number.isInteger(r.ruleIndex) && rules[r.ruleIndex]?.id === r.ruleId, `${w}.ruleIndex`, 'must index the rule named by ruleId');
      (r.locations ?? []).forEach((l: any, k: number) => {
        if (l.physicalLocation) need(l.physicalLocation.artifactLocation || l.physicalLocation.address, `${w}.locations[${k}].physicalLocation`, 'needs artifactLocation or address');
        (l.logicalLocations ?? []).forEach((ll: any, m: number) => need(str(ll.name) || str(ll.fullyQualifiedName), `${w}.locations[${k}].logicalLocations[${m}]`, 'needs a name'));
      });
      if (r.partialFingerprints) need(Object.values(r.partialFingerprints).every((v) => typeof v === 'string'), `${w}.partialFingerprints`, 'values must be strings');
    });
  });
  return problems;
}
