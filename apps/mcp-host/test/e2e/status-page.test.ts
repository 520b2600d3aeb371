// The status page in a real browser: Debian's chromium driven by playwright-core, against the built CLI serving two
// demo connectors. The page lists both up, follows a connector going down without a reload, renders a hostile
// connector id and error as text, holds no secret, and breaks none of its own CSP. The screenshots (light and dark)
// are test artefacts in test-results/ (git-ignored).
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { ensureChromium } from '@cortex-mcp/test-servers';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoConnector, startDemoConnector } from '../../src/demo/demo-connector.js';
import { MapPublisher } from '../../src/demo/map-publisher.js';
import { tempCortexHome } from './helpers/host-observation.js';
import { type HostProcess, startHostProcess } from './helpers/host-process.js';
import { entry, mapOf } from './helpers/maps.js';

const RESULTS_DIR = fileURLToPath(new URL('../../test-results/', import.meta.url));
const SCREENSHOT = `${RESULTS_DIR}status-page.png`;
const DARK_SCREENSHOT = `${RESULTS_DIR}status-page-dark.png`;
const API_KEY = `e2e-api-key-${randomBytes(12).toString('hex')}`;
/** A connector id that is also markup: the page must show these characters, never run or parse them. */
const HOSTILE_ID = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';
/** Bounds every wait for the page (a state change reaches it within one 2 s poll after the host sees it). */
const UI_TIMEOUT_MS = 15_000;

const publisher = new MapPublisher();
let notes: DemoConnector;
let research: DemoConnector;
let home: { dir: string; remove: () => Promise<void> };
let host: HostProcess;
let browser: Browser;
let page: Page;
const cspViolations: string[] = [];

/**
 * The little of the browser the in-page functions below touch. This test compiles without the DOM lib, so they reach
 * the page's globals through `globalThis` cast to these types (the casts vanish when playwright sends the function).
 */
interface PageRow {
  readonly dataset: { readonly connector?: string; readonly state?: string };
  readonly textContent: string | null;
}
interface PageGlobals {
  readonly document: {
    querySelectorAll(selectors: string): { readonly length: number; [Symbol.iterator](): Iterator<PageRow> };
    readonly body: unknown;
  };
  getComputedStyle(element: unknown): { readonly backgroundColor: string };
  __pwned?: number;
  __sameDocument?: boolean;
}

/** The connectors table as the browser shows it: id and state attributes, and the row's text. */
function connectorRows(): Promise<Array<{ id: string; state: string; text: string }>> {
  return page.evaluate(() =>
    [...(globalThis as unknown as PageGlobals).document.querySelectorAll('#connectors tbody tr')].map(
      (row) => ({
        id: row.dataset.connector ?? '',
        state: row.dataset.state ?? '',
        text: row.textContent ?? '',
      }),
    ),
  );
}

/** Waits (bounded) until the page shows `states` for the given connector ids. */
async function waitForStates(states: Record<string, string | RegExp>): Promise<void> {
  await page.waitForFunction(
    (expected) =>
      Object.entries(expected).every(([id, pattern]) => {
        const rows = (globalThis as unknown as PageGlobals).document.querySelectorAll('#connectors tbody tr');
        const row = [...rows].find((candidate) => candidate.dataset.connector === id);
        return row !== undefined && new RegExp(pattern).test(row.dataset.state ?? '');
      }),
    Object.fromEntries(
      Object.entries(states).map(([id, state]) => [
        id,
        typeof state === 'string' ? `^${state}$` : state.source,
      ]),
    ),
    { timeout: UI_TIMEOUT_MS, polling: 100 },
  );
}

/** One tool call through the host, so the page has call latencies to show. */
async function callThroughHost(): Promise<void> {
  const client = new Client({ name: 'status-page-e2e', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${host.baseUrl}/mcp`)));
  try {
    for (const text of ['one', 'two', 'three']) {
      await client.callTool({ name: 'notes.echo', arguments: { text } });
      await client.callTool({ name: 'research.add', arguments: { a: 1, b: 2 } });
    }
  } finally {
    await client.close();
  }
}

beforeAll(async () => {
  let mapUrl: string;
  let executablePath: string;
  [executablePath, notes, research, mapUrl, home] = await Promise.all([
    ensureChromium(),
    // notes takes calls only with the API key: a notes row that is up proves the host holds the key.
    startDemoConnector({ name: 'notes', requiredBearer: API_KEY }),
    startDemoConnector({ name: 'research' }),
    publisher.listen(),
    tempCortexHome(),
    mkdir(RESULTS_DIR, { recursive: true }),
  ]);
  publisher.publish(
    mapOf([
      entry('notes', notes.streamableUrl, { auth: { type: 'bearer' } }),
      entry('research', research.sseUrl),
    ]),
  );
  [host, browser] = await Promise.all([
    startHostProcess({
      CORTEX_HOME: home.dir,
      CONNECTORS_SERVICE_MAP_URL: mapUrl,
      CONNECTORS_SIGNATURE_KEY: publisher.signatureKey,
      CONNECTORS_API_KEY: API_KEY,
      MCP_CONNECTOR_REFRESH_INTERVAL_MS: '1000',
    }),
    chromium.launch({ executablePath, args: ['--no-sandbox'] }),
  ]);
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
  });
}, 600_000); // ensureChromium may have to install the browser first

afterAll(async () => {
  await browser?.close();
  await host?.stop();
  await Promise.allSettled([notes?.close(), research?.close(), publisher.close()]);
  await home?.remove();
});

describe('the status page in a browser', () => {
  it('lists every connector as up, with the map, call latencies and the registry', async () => {
    const response = await page.goto(`${host.baseUrl}/`);
    expect(response?.status()).toBe(200);
    await waitForStates({ notes: 'up', research: 'up' });
    await callThroughHost();
    // Latencies appear with the next poll: wait for them instead of for time.
    await page.waitForFunction(
      () =>
        (globalThis as unknown as PageGlobals).document.querySelectorAll(
          '#connectors tr[data-connector="notes"] svg polyline, #connectors tr[data-connector="notes"] svg circle',
        ).length > 0,
      undefined,
      { timeout: UI_TIMEOUT_MS },
    );
    const rows = await connectorRows();
    expect(rows.map(({ id, state }) => ({ id, state }))).toEqual([
      { id: 'notes', state: 'up' },
      { id: 'research', state: 'up' },
    ]);
    const notesRow = rows.find((row) => row.id === 'notes')?.text ?? '';
    expect(notesRow).toContain('streamable-http');
    expect(notesRow).toMatch(/\d ms/); // p50/p95 columns are filled
    expect(await page.textContent('#summary')).toContain('2 of 2 connectors up');
    const map = await page.textContent('#map');
    expect(map).toMatch(/Map id\s*[0-9A-Z]{26}/);
    expect(map).toMatch(/Freshness\s*(fresh|stale)/);
    expect(map).toMatch(/Last refresh\s*ok/);
    expect(await page.textContent('#registry')).toMatch(/Registry version\s*\d+/);
    // Both demo connectors serve 2 resources, 1 template and 2 prompts each.
    expect(await page.textContent('#registry')).toMatch(/Resources\s*4 \(\+ 2 templates\)/);
    expect(await page.textContent('#registry')).toMatch(/Prompts\s*4/);
    expect(await page.locator('#syncs tbody tr').count()).toBeGreaterThan(0);
  });

  it('shows a connector going down, with its error, without reloading the page', async () => {
    let navigations = 0;
    page.on('framenavigated', () => {
      navigations += 1;
    });
    await page.evaluate(() => {
      (globalThis as unknown as PageGlobals).__sameDocument = true;
    });
    await research.close();
    await waitForStates({ notes: 'up', research: /^(down|connecting)$/ });
    const row = (await connectorRows()).find(({ id }) => id === 'research');
    expect(row?.text).toMatch(/down|connecting/);
    expect(row?.text).toMatch(/connection lost|ECONNREFUSED|refused|fetch failed|closed/i);
    expect(await page.textContent('#summary')).toContain('1 of 2 connectors up');
    expect(navigations).toBe(0);
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).__sameDocument)).toBe(true);
  });

  it('renders a hostile connector id and error message as text, never as markup', async () => {
    // No endpoint: the host shows the entry down, with an error message that quotes the id.
    publisher.publish(
      mapOf([
        entry('notes', notes.streamableUrl, { auth: { type: 'bearer' } }),
        entry('research', research.sseUrl),
        { ...entry(HOSTILE_ID, 'http://127.0.0.1:9/'), endpoint: undefined },
      ]),
    );
    await waitForStates({ [HOSTILE_ID]: 'down' });
    const hostile = (await connectorRows()).find(({ id }) => id === HOSTILE_ID);
    // Shown literally twice: as the id, and inside the error message that quotes it.
    expect(hostile?.text.split(HOSTILE_ID).length).toBe(3);
    expect(hostile?.text).toContain('has no endpoint');
    const injected = await page.evaluate(() => ({
      pwned: (globalThis as unknown as PageGlobals).__pwned,
      elements: (globalThis as unknown as PageGlobals).document.querySelectorAll('main img, main script')
        .length,
    }));
    expect(injected).toEqual({ pwned: undefined, elements: 0 });
  });

  it('holds no secret and breaks none of its CSP, and leaves a screenshot', async () => {
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    const background = () =>
      page.evaluate(() => {
        const { getComputedStyle, document } = globalThis as unknown as PageGlobals;
        return getComputedStyle(document.body).backgroundColor;
      });
    const light = await background();
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await background()).not.toBe(light);
    await page.screenshot({ path: DARK_SCREENSHOT, fullPage: true });
    const text = (await page.textContent('body')) ?? '';
    const html = await page.content();
    for (const secret of [publisher.signatureKey, API_KEY]) {
      expect(text.includes(secret)).toBe(false);
      expect(html.includes(secret)).toBe(false);
    }
    expect(cspViolations).toEqual([]);
  });
});
