import { hostSettings } from './settings.js';

/** Where the generated reference is committed, relative to the repository root. */
export const CONFIGURATION_REFERENCE_PATH = 'docs/configuration.md';

/**
 * The configuration reference (`docs/configuration.md`): every setting with its environment variables, flag,
 * config-file key, type, default and meaning, rendered from the settings table — which a test holds to the zod
 * schema's defaults — so the committed page cannot drift from the code (another test compares it with this output).
 * Regenerate with `pnpm --filter @cortex-mcp/mcp-host docs:config`.
 */
export function renderConfigurationReference(): string {
  const lines = [
    '# Configuration reference',
    '',
    '<!-- Generated from apps/mcp-host/src/config/settings.ts by `pnpm --filter @cortex-mcp/mcp-host docs:config`; do',
    '     not edit by hand: a test fails when this page and the code differ. -->',
    '',
    'Every setting of `mcp-host`, from highest to lowest precedence: command-line flag, environment variable, the',
    'JSON config file (`--config` / `MCP_HOST_CONFIG`, keys as below), the default. Secret settings have no flag',
    '(command lines are visible to every user of the machine) and never appear in messages, logs or `/status`.',
    '',
  ];
  for (const setting of hostSettings) {
    lines.push(`## \`${setting.key}\``, '', setting.description, '');
    const where: string[] = [];
    if (setting.env.length > 0)
      where.push(`environment: ${setting.env.map((name) => `\`${name}\``).join(', ')}`);
    if (setting.flag) {
      const value = setting.flag.kind === 'string' ? ` <${setting.flag.valueName ?? 'value'}>` : '';
      where.push(`flag: \`${setting.flag.name}${value}\``);
    }
    for (const shortcut of setting.shortcuts ?? [])
      where.push(`shortcut: \`${shortcut.flag}\` (= ${shortcut.value})`);
    where.push(setting.fileKey ? `config file: \`"${setting.fileKey}"\`` : 'config file: not settable there');
    if (setting.commands) where.push(`commands: ${setting.commands.join(', ')}`);
    lines.push(
      ...where.map((entry) => `- ${entry}`),
      `- type: ${setting.type}`,
      `- default: ${setting.default}`,
    );
    if (setting.secret) lines.push('- secret: yes');
    lines.push('');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
