/** npm run docs: regenerate the documentation that is derived from code (the review rule table, the configuration reference). */
import * as fs from 'fs';
import * as path from 'path';
import { RULES } from '../review/rules';
import { withRuleTable } from '../review/rule-table';
import { withConfigReference } from './config-reference';
import { configJsonSchema } from '../config/json-schema';

const readme = path.join(__dirname, '..', 'review', 'README.md');
const before = fs.readFileSync(readme, 'utf8');
const after = withRuleTable(before, RULES);
if (after !== before) fs.writeFileSync(readme, after);
process.stdout.write(`${path.relative(process.cwd(), readme)}: ${after === before ? 'up to date' : 'rule table regenerated'} (${RULES.length} rules)\n`);

const mainReadme = path.join(__dirname, '..', 'README.md');
const readmeBefore = fs.readFileSync(mainReadme, 'utf8');
const readmeAfter = withConfigReference(readmeBefore, JSON.parse(configJsonSchema()));
if (readmeAfter !== readmeBefore) fs.writeFileSync(mainReadme, readmeAfter);
process.stdout.write(`${path.relative(process.cwd(), mainReadme)}: ${readmeAfter === readmeBefore ? 'up to date' : 'configuration reference regenerated'}\n`);
