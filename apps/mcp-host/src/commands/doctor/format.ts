import { printable } from '../format.js';
import type { DoctorCheck, DoctorCheckStatus } from './check.js';
import type { DoctorReport } from './runner.js';

const NAME_WIDTH_CAP = 28;

/**
 * The report for people: one line per check — status, what was checked, what was found and, for a failure or a
 * warning with something to do, "fix: …" — then one summary line.
 */
export function formatDoctorReport(report: DoctorReport): string {
  const width = Math.min(NAME_WIDTH_CAP, Math.max(...report.checks.map((entry) => entry.name.length)));
  const lines = report.checks.map((entry) => {
    const fix = entry.fix === undefined || entry.status === 'ok' ? '' : ` -- fix: ${entry.fix}`;
    return printable(`${entry.status.padEnd(4)}  ${entry.name.padEnd(width)}  ${entry.detail}${fix}`);
  });
  return `${lines.join('\n')}\n${summaryLine(report)}\n`;
}

/** "7 ok, 1 warning, 2 failed, 1 skipped: …". */
export function summaryLine(report: DoctorReport): string {
  const count = (status: DoctorCheckStatus) =>
    report.checks.filter((entry) => entry.status === status).length;
  const parts = [`${count('ok')} ok`, `${count('warn')} warning(s)`, `${count('fail')} failed`];
  if (count('skip') > 0) parts.push(`${count('skip')} skipped`);
  const verdict = report.ok ? 'the host can run as configured' : 'fix the failed checks above';
  return `${parts.join(', ')}: ${verdict}.`;
}

/** The report as JSON: `{ ok, summary, checks: [...] }`, one object per check (fields as {@link DoctorCheck}). */
export function doctorReportJson(report: DoctorReport): string {
  const checks = report.checks.map((entry) => withoutUndefined(entry));
  return `${JSON.stringify({ ok: report.ok, summary: summaryLine(report), checks }, null, 2)}\n`;
}

function withoutUndefined(entry: DoctorCheck): Record<string, unknown> {
  return Object.fromEntries(Object.entries(entry).filter(([, value]) => value !== undefined));
}
