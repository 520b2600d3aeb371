/** Options of {@link redactUrl}. */
export interface RedactUrlOptions {
  /** Mark a removed query string or fragment as "?…" / "#…" (the CLI's printouts), instead of dropping it silently. */
  readonly markRemoved?: boolean;
}

/**
 * A URL without userinfo, query string or fragment (where tokens tend to live), safe for logs, `/status` and the
 * CLI's output. Text that is no URL reads "(invalid URL)", never itself.
 */
export function redactUrl(value: string, options: RedactUrlOptions = {}): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return '(invalid URL)';
  }
  const marks = options.markRemoved ? `${url.search ? '?…' : ''}${url.hash ? '#…' : ''}` : '';
  url.username = '';
  url.password = '';
  url.search = '';
  url.hash = '';
  return `${url.href}${marks}`;
}
