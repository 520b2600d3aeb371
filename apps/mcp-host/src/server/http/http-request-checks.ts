import type { IncomingHttpHeaders } from 'node:http';
import { SUPPORTED_PROTOCOL_VERSIONS } from '@modelcontextprotocol/sdk/types.js';

/** An HTTP refusal: status, JSON-RPC error code and message, answered with `id: null`. */
export interface HttpRefusal {
  readonly status: number;
  readonly code: number;
  readonly message: string;
}

const POST_NOT_ACCEPTABLE: HttpRefusal = {
  status: 406,
  code: -32000,
  message:
    'Not Acceptable: the Accept header must allow both application/json and text/event-stream (send "Accept: application/json, text/event-stream").',
};
const GET_NOT_ACCEPTABLE: HttpRefusal = {
  status: 406,
  code: -32000,
  message: 'Not Acceptable: the Accept header of a GET must allow text/event-stream.',
};
const NOT_JSON: HttpRefusal = {
  status: 415,
  code: -32000,
  message: 'Unsupported Media Type: the Content-Type must be application/json.',
};

/**
 * Why a POST's headers are refused, if they are: the Accept header must allow both answer forms (a plain JSON body
 * and an event stream; the server picks per request), and the body must be declared `application/json`.
 */
export function postHeadersRefusal(headers: IncomingHttpHeaders): HttpRefusal | undefined {
  const { accept, 'content-type': contentType } = headers;
  // A client sends the same two headers on every POST: remember the last verdict instead of parsing them again.
  if (accept === lastPost.accept && contentType === lastPost.contentType) return lastPost.refusal;
  let refusal: HttpRefusal | undefined;
  if (!accepts(accept, 'application/json') || !accepts(accept, 'text/event-stream'))
    refusal = POST_NOT_ACCEPTABLE;
  else if (!isJsonContentType(contentType)) refusal = NOT_JSON;
  lastPost = { accept, contentType, refusal };
  return refusal;
}

/** The last headers {@link postHeadersRefusal} judged, and its verdict (a pure function's one-entry cache). */
let lastPost: {
  readonly accept: string | undefined;
  readonly contentType: string | undefined;
  readonly refusal: HttpRefusal | undefined;
} = { accept: undefined, contentType: undefined, refusal: POST_NOT_ACCEPTABLE };

/** Why a GET's headers are refused, if they are: the standalone stream is `text/event-stream`. */
export function getHeadersRefusal(headers: IncomingHttpHeaders): HttpRefusal | undefined {
  return accepts(headers.accept, 'text/event-stream') ? undefined : GET_NOT_ACCEPTABLE;
}

/**
 * Why the `MCP-Protocol-Version` header is refused, if it is. Absent is fine (the spec then assumes 2025-03-26, and
 * the version negotiated in `initialize` governs anyway); present, it must be a version this SDK speaks.
 */
export function protocolVersionRefusal(headers: IncomingHttpHeaders): HttpRefusal | undefined {
  const version = headers['mcp-protocol-version'];
  if (version === undefined || SUPPORTED_PROTOCOL_VERSIONS.includes(version as string)) return undefined;
  return {
    status: 400,
    code: -32000,
    message: `Bad Request: unsupported MCP-Protocol-Version "${String(version)}". Send one of ${SUPPORTED_PROTOCOL_VERSIONS.join(', ')}, the version agreed in initialize.`,
  };
}

/**
 * Whether an Accept header allows `mediaType`: its most specific matching range (`type/subtype`, then `type/*`,
 * then `*\/*`) must be present with a non-zero `q`. A missing header allows nothing: MCP clients must send one.
 */
export function accepts(accept: string | undefined, mediaType: string): boolean {
  if (accept === undefined) return false;
  const typeWildcard = `${mediaType.slice(0, mediaType.indexOf('/'))}/*`;
  let bestSpecificity = -1;
  let bestQuality = 0;
  for (const entry of accept.split(',')) {
    const [rawRange = '', ...parameters] = entry.split(';');
    const range = rawRange.trim().toLowerCase();
    const specificity = range === mediaType ? 2 : range === typeWildcard ? 1 : range === '*/*' ? 0 : -1;
    if (specificity <= bestSpecificity) continue;
    bestSpecificity = specificity;
    bestQuality = qualityOf(parameters);
  }
  return bestSpecificity >= 0 && bestQuality > 0;
}

function qualityOf(parameters: readonly string[]): number {
  for (const parameter of parameters) {
    const [name = '', value = ''] = parameter.split('=');
    if (name.trim().toLowerCase() !== 'q') continue;
    const quality = Number(value.trim());
    return Number.isFinite(quality) ? quality : 0;
  }
  return 1;
}

/** Whether a Content-Type names JSON; parameters such as `charset=utf-8` are allowed. */
export function isJsonContentType(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const end = contentType.indexOf(';');
  const essence = (end === -1 ? contentType : contentType.slice(0, end)).trim().toLowerCase();
  return essence === 'application/json';
}
