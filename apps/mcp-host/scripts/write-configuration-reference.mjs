#!/usr/bin/env node
// Writes docs/configuration.md from the settings table (through the built host library: run `pnpm build` first).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONFIGURATION_REFERENCE_PATH, renderConfigurationReference } from '../dist/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
writeFileSync(path.join(root, CONFIGURATION_REFERENCE_PATH), renderConfigurationReference());
process.stdout.write(`wrote ${CONFIGURATION_REFERENCE_PATH}\n`);
