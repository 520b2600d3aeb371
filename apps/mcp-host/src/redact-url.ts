/** A URL without userinfo, query string or fragment (where tokens tend to live), safe for logs and `/status`. */
export function redactUrl(value: string): string {
  try {
    const url = new URL(value);
    url.username = '';
    url.password = '';
    url.search = '';
    url.hash = '';
    return url.toString();
  } catch {
    return '(invalid URL)';
  }
}
