/** npm run docs: regenerate the documentation that is derived from code (the review rule table). */
import * as fs from 'fs';
import * as path from 'path';
import { RULES } from '../review/rules';
import { withRuleTable } from '../review/rule-table';

const readme = path.join(__dirname, '..', 'review', 'README.md');
const before = fs.readFileSync(readme, 'utf8');
const after = withRuleTable(before, RULES);
if (after !== before) fs.writeFileSync(readme, after);
process.stdout.write(`${path.relative(process.cwd(), readme)}: ${after === before ? 'up to date' : 'rule table regenerated'} (${RULES.length} rules)\n`);
