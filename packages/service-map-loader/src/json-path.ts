/** One step into a JSON document: a member name or an array index. */
export type JsonPathSegment = string | number;

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
// Member names come from the map: keep a hostile 1 MB name or control characters out of one-line messages.
const MAX_SHOWN_NAME_LENGTH = 40;

function quotedName(name: string): string {
  const shown = name.length > MAX_SHOWN_NAME_LENGTH ? `${name.slice(0, MAX_SHOWN_NAME_LENGTH)}…` : name;
  return `[${JSON.stringify(shown)}]`;
}

/**
 * Writes a path the way a reader would type it: `connectors[0].endpoint`, `metadata["a b"]`, or `(root)` for the
 * document itself.
 */
export function formatJsonPath(segments: readonly PropertyKey[]): string {
  let path = '';
  for (const segment of segments) {
    if (typeof segment === 'number') path += `[${segment}]`;
    else {
      const name = String(segment);
      path += IDENTIFIER.test(name) ? `.${name}` : quotedName(name);
    }
  }
  return path === '' ? '(root)' : path.replace(/^\./, '');
}
