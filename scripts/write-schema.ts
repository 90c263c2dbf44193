/** Regenerates schema/rootlock.schema.json (a test fails when the committed copy is stale). */
import * as fs from 'fs';
import * as path from 'path';
import { configJsonSchema } from '../config/json-schema';

const file = path.join(__dirname, '..', 'schema', 'rootlock.schema.json');
fs.mkdirSync(path.dirname(file), { recursive: true });
fs.writeFileSync(file, configJsonSchema());
process.stdout.write(`wrote ${path.relative(process.cwd(), file)}\n`);
