/** Regenerates policies/iam-actions.json from the installed catalogue (a test fails when the committed copy is stale). */
import * as fs from 'fs';
import * as path from 'path';
import { snapshotText } from '../policies/iam-catalogue';
import { readInstalledCatalogue } from './iam-catalogue-snapshot';

const file = path.join(__dirname, '..', 'policies', 'iam-actions.json');
readInstalledCatalogue().then((snapshot) => {
  fs.writeFileSync(file, snapshotText(snapshot));
  process.stdout.write(`wrote ${path.relative(process.cwd(), file)} (${snapshot.source} ${snapshot.version})\n`);
});
