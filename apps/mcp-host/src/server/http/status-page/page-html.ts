/**
 * The status page's HTML: an empty frame (a table per section) that `/status-page.js` fills from `/status`. It
 * holds no data of its own, so it can be sent as it is; every value arrives later and is set as text, never as
 * markup. Relative URLs, so the page also works behind a proxy that mounts the host under a path prefix.
 */
export const STATUS_PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>Cortex MCP Host status</title>
<link rel="stylesheet" href="status-page.css">
<script src="status-page.js" defer></script>
</head>
<body>
<header>
<h1>Cortex MCP Host</h1>
<p id="summary" aria-live="polite">Loading status…</p>
<noscript><p class="bad">This page needs JavaScript. The same data is at <a href="status">/status</a> (JSON).</p></noscript>
</header>
<main>
<section>
<h2>Service map</h2>
<table id="map" class="facts"><tbody></tbody></table>
</section>
<section>
<h2>Connectors</h2>
<table id="connectors">
<thead><tr><th>Connector</th><th>State</th><th>Transport</th><th class="num">Tools</th><th class="num">Resources</th><th class="num">Templates</th><th class="num">Prompts</th><th class="num">Calls</th><th class="num">Errors</th><th class="num">Cancelled</th><th class="num">p50</th><th class="num">p95</th><th>p50 history</th><th>Last error</th></tr></thead>
<tbody></tbody>
</table>
</section>
<section>
<h2>Registry and syncs</h2>
<table id="registry" class="facts"><tbody></tbody></table>
<table id="syncs">
<thead><tr><th>Sync started</th><th>Reason</th><th class="num">Duration</th><th class="num">Connectors</th><th class="num">Failed</th><th>Changes</th><th class="num">Parallelism</th></tr></thead>
<tbody></tbody>
</table>
</section>
</main>
<footer><span id="updated"></span> · <a href="status">/status</a> · <a href="metrics">/metrics</a></footer>
</body>
</html>
`;
