#!/usr/bin/env node
/**
 * Merges a JSON fragment of messages into a locale's catalogue (packages/i18n/src/catalogues/<locale>.json):
 * nested objects are merged, existing keys keep their place, new keys are appended. Run it under the lock
 * when several people edit catalogues at once:
 *   flock /tmp/chaharsu-i18n.lock node scripts/i18n-merge.mjs fa fragment.fa.json
 */
import { readFileSync, writeFileSync, renameSync } from 'node:fs';
import path from 'node:path';

const [locale, fragmentPath] = process.argv.slice(2);
if (!locale || !fragmentPath || !['fa', 'en', 'ar', 'uz'].includes(locale)) {
  console.error('usage: node scripts/i18n-merge.mjs <fa|en|ar|uz> <fragment.json>');
  process.exit(2);
}
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const target = path.join(root, 'packages/i18n/src/catalogues', `${locale}.json`);
const catalogue = JSON.parse(readFileSync(target, 'utf8'));
const fragment = JSON.parse(readFileSync(fragmentPath, 'utf8'));

function merge(into, from, trail) {
  for (const [key, value] of Object.entries(from)) {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      if (into[key] !== undefined && (typeof into[key] !== 'object' || into[key] === null)) throw new Error(`${[...trail, key].join('.')} is a message in ${locale}.json, not a namespace`);
      into[key] = into[key] ?? {};
      merge(into[key], value, [...trail, key]);
    } else if (typeof value === 'string') {
      if (into[key] !== undefined && typeof into[key] !== 'string') throw new Error(`${[...trail, key].join('.')} is a namespace in ${locale}.json`);
      into[key] = value;
    } else {
      throw new Error(`${[...trail, key].join('.')}: messages are strings`);
    }
  }
}
merge(catalogue, fragment, []);
const tmp = `${target}.tmp-${process.pid}`;
writeFileSync(tmp, `${JSON.stringify(catalogue, null, 2)}\n`);
renameSync(tmp, target);
console.log(`merged ${fragmentPath} into ${path.relative(root, target)}`);
