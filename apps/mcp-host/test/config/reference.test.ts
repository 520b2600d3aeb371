import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CONFIGURATION_REFERENCE_PATH, renderConfigurationReference } from '../../src/settings/reference.js';
import { hostSettings } from '../../src/settings/settings.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');

describe('the configuration reference', () => {
  it('is committed exactly as generated from the settings (run `pnpm --filter @cortex-mcp/mcp-host docs:config`)', () => {
    const committed = readFileSync(path.join(root, CONFIGURATION_REFERENCE_PATH), 'utf8');
    expect(committed).toBe(renderConfigurationReference());
  });

  it('documents every setting with its environment variables and flag', () => {
    const page = renderConfigurationReference();
    for (const setting of hostSettings) {
      expect(page).toContain(`## \`${setting.key}\``);
      for (const name of setting.env) expect(page).toContain(`\`${name}\``);
      if (setting.flag) expect(page).toContain(`\`${setting.flag.name}`);
    }
  });
});
