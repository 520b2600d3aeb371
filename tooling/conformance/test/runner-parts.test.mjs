import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import {
  EXPECTED_FAILURES_PATH,
  loadExpectedFailures,
  parseExpectedFailures,
} from '../src/expected-failures.mjs';
import { formatJson, formatTable, summaryLines } from '../src/report.mjs';
import { judgeScenario, parseScenarioList } from '../src/suite.mjs';
import { findProblems } from '../src/verdict.mjs';

describe('judgeScenario', () => {
  const success = { id: 'ping', status: 'SUCCESS' };

  it('passes a run that exited 0 with only successful checks', () => {
    expect(judgeScenario({ code: 0 }, [success, { id: 'x', status: 'INFO' }], 1000)).toEqual({
      status: 'pass',
      notes: '1/1 checks',
    });
  });

  it('fails a run with a failed check and names the check and its error', () => {
    const checks = [
      success,
      { id: 'localhost-host-rebinding-rejected', status: 'FAILURE', errorMessage: 'got 200' },
    ];
    expect(judgeScenario({ code: 1 }, checks, 1000)).toEqual({
      status: 'fail',
      notes: 'localhost-host-rebinding-rejected: got 200',
    });
  });

  it('fails a run that wrote no checks even when it exited 0', () => {
    expect(judgeScenario({ code: 0 }, [], 1000)).toEqual({
      status: 'fail',
      notes: 'the suite wrote no checks',
    });
  });

  it('fails a run that timed out', () => {
    expect(judgeScenario({ code: null, timedOut: true }, [], 90_000)).toEqual({
      status: 'fail',
      notes: 'timed out after 90000 ms',
    });
  });
});

describe('parseScenarioList', () => {
  const listed = [
    'Server scenarios (test against a server):',
    '  - server-initialize [2025-06-18,2025-11-25]',
    '  - json-schema-2020-12 [2025-11-25]',
    '  - dns-rebinding-protection',
    '',
  ].join('\n');

  it('reads the scenario names under the "Server scenarios" heading, in the suite\'s order', () => {
    expect(parseScenarioList(listed)).toEqual([
      'server-initialize',
      'json-schema-2020-12',
      'dns-rebinding-protection',
    ]);
  });

  it('stops at the first blank line, before any client scenarios', () => {
    const both = `${listed}\nClient scenarios (test against a client):\n  - initialize [2025-06-18]\n`;
    expect(parseScenarioList(both)).toHaveLength(3);
  });

  it('fails loudly on a missing heading, an empty list or a line it cannot read', () => {
    expect(() => parseScenarioList('')).toThrow(/no "Server scenarios" heading/);
    expect(() => parseScenarioList('Server scenarios (test against a server):\n')).toThrow(
      /listed no server/,
    );
    expect(() => parseScenarioList('Server scenarios:\n  * ping\n')).toThrow(
      /Cannot read this line.*\* ping/,
    );
  });
});

const pass = { status: 'pass', notes: '1/1 checks' };
const fail = { status: 'fail', notes: 'x: boom' };
const expected = new Map([
  ['resources-list', 'host does not federate resources yet'],
  ['tools-call-sampling', 'client features are relayed in the next issue'],
]);

describe('verdict', () => {
  it('accepts a run whose only through-host failures are expected', () => {
    const rows = [
      { scenario: 'ping', direct: pass, throughHost: pass },
      { scenario: 'resources-list', direct: pass, throughHost: fail },
      { scenario: 'tools-call-sampling', direct: pass, throughHost: fail },
    ];
    expect(findProblems(rows, expected, { listedScenarios: rows.map((row) => row.scenario) })).toEqual([]);
  });

  it('fails a scenario that fails directly, expected through the host or not', () => {
    const rows = [{ scenario: 'resources-list', direct: fail, throughHost: fail }];
    expect(findProblems(rows, expected).map((problem) => problem.kind)).toEqual(['fails-directly']);
  });

  it('fails a scenario that passes directly but fails through the host without an entry', () => {
    const [problem] = findProblems([{ scenario: 'ping', direct: pass, throughHost: fail }], expected);
    expect(problem).toMatchObject({ scenario: 'ping', kind: 'fails-through-host' });
    expect(problem.message).toMatch(/passes directly but fails through the host \(x: boom\)/);
  });

  it('fails a stale entry: an expected failure that passes through the host', () => {
    const [problem] = findProblems(
      [{ scenario: 'resources-list', direct: pass, throughHost: pass }],
      expected,
    );
    expect(problem).toMatchObject({ scenario: 'resources-list', kind: 'stale-expected-failure' });
    expect(problem.message).toMatch(/remove the entry/);
  });

  it('fails an entry naming a scenario the suite no longer lists, when the whole list ran', () => {
    const rows = [{ scenario: 'resources-list', direct: pass, throughHost: fail }];
    const problems = findProblems(rows, expected, { listedScenarios: ['resources-list'] });
    expect(problems.map((problem) => [problem.scenario, problem.kind])).toEqual([
      ['tools-call-sampling', 'unknown-expected-failure'],
    ]);
  });

  it('judges a direct-only run by the direct column alone', () => {
    expect(findProblems([{ scenario: 'ping', direct: pass }], expected)).toEqual([]);
    expect(findProblems([{ scenario: 'ping', direct: fail }], expected)).toHaveLength(1);
  });
});

describe('expected failures file', () => {
  it('keeps scenario -> one-line reason, in file order, and refuses anything else', () => {
    expect([...parseExpectedFailures({ b: 'why b', a: 'why a' }).keys()]).toEqual(['b', 'a']);
    expect(() => parseExpectedFailures(['ping'])).toThrow(/must be an object/);
    expect(() => parseExpectedFailures({ ping: '' })).toThrow(/"ping" must be a non-empty one-line string/);
    expect(() => parseExpectedFailures({ ping: 'two\nlines' })).toThrow(/one-line/);
  });

  it('expects no failure in the real file: every scenario passes through the host', async () => {
    expect([...(await loadExpectedFailures(EXPECTED_FAILURES_PATH)).keys()]).toEqual([]);
  });
  it('is shown as it is in the README table', async () => {
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
    const section = readme.split('## Expected failures')[1].split('\n## ')[0];
    const rows = [...section.matchAll(/^\| `([^`]+)` +\| (.+?) +\|$/gm)].map((match) => [match[1], match[2]]);
    expect(rows).toEqual([...(await loadExpectedFailures(EXPECTED_FAILURES_PATH)).entries()]);
  });
});

describe('report', () => {
  const rows = [
    { scenario: 'ping', direct: pass, throughHost: pass },
    { scenario: 'resources-list', direct: pass, throughHost: fail },
    { scenario: 'tools-call-sampling', direct: pass, throughHost: pass },
    { scenario: 'tools-call-error', direct: fail, throughHost: fail },
  ];

  it('prints scenario | direct | through host, marking expected and stale expected failures', () => {
    expect(formatTable(rows, expected).split('\n')).toEqual([
      '| scenario            | direct | through host               |',
      '| ------------------- | ------ | -------------------------- |',
      '| ping                | PASS   | PASS                       |',
      '| resources-list      | PASS   | expected-fail              |',
      '| tools-call-sampling | PASS   | PASS (stale expected-fail) |',
      '| tools-call-error    | FAIL   | FAIL                       |',
    ]);
  });

  it('ends with the through-host "conformance: N passed, N failed" line, after the direct column\'s', () => {
    expect(summaryLines(rows, expected)).toEqual([
      'conformance (direct, the fixture alone): 3 passed, 1 failed',
      'conformance (through the host): 1 of 2 failures expected (expected-failures.json)',
      'conformance: 2 passed, 2 failed',
    ]);
  });

  it('counts the direct column in the last line when the host did not run', () => {
    const directOnly = [{ scenario: 'ping', direct: pass }];
    expect(formatTable(directOnly, expected).split('\n').at(-1)).toBe('| ping     | PASS   | -            |');
    expect(summaryLines(directOnly, expected)).toEqual([
      'conformance (direct, the fixture alone): 1 passed, 0 failed',
      'conformance: 1 passed, 0 failed',
    ]);
  });

  it('writes short primitive arrays on one line and long ones one item per line, as biome does', () => {
    const long = Array.from({ length: 12 }, (_, index) => `tool_name_${index}`);
    expect(formatJson({ a: ['x', 1, null], b: [], c: {}, d: undefined })).toBe(
      '{\n  "a": ["x", 1, null],\n  "b": [],\n  "c": {}\n}',
    );
    expect(formatJson({ long }).split('\n')).toHaveLength(long.length + 4);
  });
});
