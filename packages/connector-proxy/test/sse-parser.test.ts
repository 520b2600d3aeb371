import { describe, expect, it } from 'vitest';
import { type ServerSentEvent, SseParser } from '../src/sse-parser.js';

/** Parses `pieces` in order and returns the events and retry values seen. */
function parse(pieces: Array<string | Buffer>) {
  const events: ServerSentEvent[] = [];
  const retries: number[] = [];
  const parser = new SseParser(
    (event) => events.push(event),
    (delayMs) => retries.push(delayMs),
  );
  for (const piece of pieces) parser.push(piece);
  return { events, retries };
}

/** Every way of cutting `text` into two pieces, and into single characters. */
function splits(text: string): string[][] {
  const result: string[][] = [[text], [...text]];
  for (let at = 1; at < text.length; at++) result.push([text.slice(0, at), text.slice(at)]);
  return result;
}

const STREAM = [
  ': a comment, ignored\r\n',
  'event: message\r\n',
  'id: 7\r\n',
  'data: {"a":\r\n',
  'data: 1}\r\n',
  '\r\n',
  'retry: 2500\n',
  'data:no-space\r',
  '\r',
  'event: other\n',
  'data: x\n',
  '\n',
].join('');

const EXPECTED: ServerSentEvent[] = [
  { event: 'message', data: '{"a":\n1}', id: '7' },
  { event: 'message', data: 'no-space', id: '7' },
  { event: 'other', data: 'x', id: '7' },
];

describe('SseParser', () => {
  it('gives the same events however the stream is cut into chunks (LF, CR and CRLF line ends)', () => {
    for (const pieces of splits(STREAM)) {
      const { events, retries } = parse(pieces);
      expect(events, JSON.stringify(pieces)).toEqual(EXPECTED);
      expect(retries).toEqual([2500]);
    }
  });

  it('treats a CR at the end of one chunk and an LF at the start of the next as one line end', () => {
    const { events } = parse(['data: a\r', '\ndata: b\r', '\n\r', '\n']);
    expect(events).toEqual([{ event: 'message', data: 'a\nb', id: undefined }]);
  });

  it('joins multi-line data with LF, keeps an empty data line, and strips only one leading space', () => {
    const { events } = parse(['data:  two spaces\ndata\ndata: last\n\n']);
    expect(events).toEqual([{ event: 'message', data: ' two spaces\n\nlast', id: undefined }]);
  });

  it('dispatches nothing for an event without data, but keeps its id and resets its type', () => {
    const { events } = parse(['id: 1\nevent: priming\n\n', 'data: after\n\n']);
    expect(events).toEqual([{ event: 'message', data: 'after', id: '1' }]);
  });

  it('reports the last id as the resumption cursor, also of an event it did not dispatch', () => {
    const parser = new SseParser(() => {});
    expect(parser.lastEventId).toBeUndefined();
    parser.push('id: 1\ndata: x\n\nid: 2\n\n');
    expect(parser.lastEventId).toBe('2');
  });

  it('drops a trailing event that never got its blank line', () => {
    const { events } = parse(['data: complete\n\n', 'data: incomplete\n']);
    expect(events.map((event) => event.data)).toEqual(['complete']);
  });

  it('skips a leading byte-order mark, ignores unknown fields and a bad retry', () => {
    const { events, retries } = parse(['\uFEFFdata: x\nfoo: bar\nretry: 12ms\n\n']);
    expect(events).toEqual([{ event: 'message', data: 'x', id: undefined }]);
    expect(retries).toEqual([]);
  });

  it('ignores an id that contains NUL', () => {
    const { events } = parse(['id: ok\n\nid: bad\0\ndata: x\n\n']);
    expect(events).toEqual([{ event: 'message', data: 'x', id: 'ok' }]);
  });

  it('decodes UTF-8 characters split across byte chunks', () => {
    const bytes = Buffer.from('data: {"text":"héllo 🌍"}\n\n');
    for (let at = 1; at < bytes.length; at++) {
      const { events } = parse([bytes.subarray(0, at), bytes.subarray(at)]);
      expect(events, `split at byte ${at}`).toEqual([
        { event: 'message', data: '{"text":"héllo 🌍"}', id: undefined },
      ]);
    }
  });
});
