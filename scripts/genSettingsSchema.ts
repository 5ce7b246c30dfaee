// Writes the generated item schemas of `bioSync.sites` / `bioSync.devices` into package.json (a targeted edit of
// those two keys only). Run: npx tsx scripts/genSettingsSchema.ts
import * as fs from 'node:fs';
import * as path from 'node:path';
import { historyDaysSetting, settingsItemSchemas } from '../src/vscode/adapters/settingsSchema';

const file = path.join(__dirname, '..', 'package.json');
const pkg = JSON.parse(fs.readFileSync(file, 'utf8'));
const props = pkg.contributes.configuration.properties;
const { site, device } = settingsItemSchemas();
props['bioSync.sites'].items = site;
props['bioSync.devices'].items = device;
props['bioSync.historyDays'] = historyDaysSetting();
fs.writeFileSync(file, JSON.stringify(pkg, null, 2) + '\n');
console.log('package.json: bioSync.sites / bioSync.devices item schemas and bioSync.historyDays updated');
