import type { HostConfigCommand, HostSetting } from '../settings/index.js';
import { settingsForCommand } from '../settings/index.js';

function flagLabel(setting: HostSetting): string {
  const flags: string[] = [];
  if (setting.flag) {
    flags.push(
      setting.flag.kind === 'string'
        ? `${setting.flag.name} <${setting.flag.valueName ?? 'value'}>`
        : setting.flag.name,
    );
  }
  for (const shortcut of setting.shortcuts ?? []) flags.push(shortcut.flag);
  return flags.length === 0 ? '(no flag)' : flags.join(', ');
}

const WIDTH = 100;
const BODY_INDENT = '      ';

function describeSetting(setting: HostSetting): string {
  const fileKey = setting.fileKey === undefined ? '' : `, config "${setting.fileKey}"`;
  const head = `  ${flagLabel(setting)}  (${setting.env.join(' / ')}${fileKey})`;
  const secret = setting.secret ? ' Secret: never printed.' : '';
  return [
    head,
    ...wrap(setting.description),
    ...wrap(`Allowed: ${setting.type}. Default: ${setting.default}.${secret}`),
  ].join('\n');
}

function wrap(text: string): string[] {
  const lines: string[] = [];
  let line = BODY_INDENT;
  for (const word of text.split(' ')) {
    if (line.length + word.length + 1 > WIDTH && line.trim() !== '') {
      lines.push(line.trimEnd());
      line = BODY_INDENT;
    }
    line += `${word} `;
  }
  lines.push(line.trimEnd());
  return lines;
}

/**
 * The settings a command accepts, as a help section generated from the settings table: flag, environment
 * variables, config-file key, description, allowed values and default.
 */
export function renderSettingsHelp(command: HostConfigCommand): string {
  const settings = settingsForCommand(command);
  const withoutFlag = settings.filter((setting) => setting.flag === undefined).map((setting) => setting.key);
  const note =
    withoutFlag.length === 0
      ? []
      : [`  Secrets (${withoutFlag.join(', ')}) have no flag: command lines are visible to other users.`];
  return [
    'Settings (flag, environment variable, config-file key); flags > environment > config file > defaults:',
    ...settings.map(describeSetting),
    ...note,
  ].join('\n');
}
