/**
 * The status page's script (plain browser JavaScript, no build step, no framework): polls `status` every 2 s and
 * renders it. Served as its own file so the page's Content-Security-Policy can forbid inline script. It builds the
 * page with `textContent` and DOM attributes only, so a value (a connector id, an error message) can never become
 * markup. Kept as a string here so the bundled CLI carries it without reading a file at run time; it must not use
 * backticks or template placeholders.
 */
export const STATUS_PAGE_SCRIPT = `'use strict';
(function () {
  var POLL_MS = 2000;
  var STATE_TONE = { up: 'good', down: 'bad', connecting: 'warn', disabled: 'idle' };
  var FRESH_TONE = { fresh: 'good', stale: 'warn', empty: 'idle' };
  var skewMs = 0;
  var lastOkMs = 0;

  function byId(id) { return document.getElementById(id); }
  function now() { return Date.now() + skewMs; }

  // Every value reaches the page through textContent or an attribute: never parsed as markup.
  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }
  function cell(content, className) {
    var td = el('td', null, className);
    if (content instanceof Node) td.append(content);
    else if (content !== undefined && content !== null) td.textContent = String(content);
    return td;
  }
  function badge(text, tone) { return el('span', text, 'badge ' + (tone || 'idle')); }
  function replaceRows(table, rows) {
    var body = table.tBodies[0];
    body.replaceChildren.apply(body, rows);
  }
  function fact(label, value) {
    var tr = el('tr');
    tr.append(el('th', label), cell(value));
    return tr;
  }
  function stack(first, second, secondClass) {
    var span = el('span');
    span.append(first instanceof Node ? first : el('span', first));
    if (second) span.append(el('br'), el('span', second, secondClass || 'muted small'));
    return span;
  }

  function duration(ms) {
    var s = Math.round(Math.abs(ms) / 1000);
    if (s < 60) return s + 's';
    var m = Math.floor(s / 60);
    if (m < 60) return m + 'm ' + (s % 60) + 's';
    var h = Math.floor(m / 60);
    return h < 48 ? h + 'h ' + (m % 60) + 'm' : Math.floor(h / 24) + 'd ' + (h % 24) + 'h';
  }
  function ago(atMs) { return atMs == null ? 'never' : duration(now() - atMs) + ' ago'; }
  function clock(atMs) { return atMs == null ? '–' : new Date(atMs).toLocaleTimeString(); }
  function ms(value) { return value == null ? '–' : value < 10 ? value.toFixed(1) + ' ms' : Math.round(value) + ' ms'; }

  function sparkline(values, label) {
    var NS = 'http://www.w3.org/2000/svg';
    var svg = document.createElementNS(NS, 'svg');
    svg.setAttribute('class', 'spark');
    svg.setAttribute('viewBox', '0 0 96 22');
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', label);
    var points = values.filter(function (v) { return v != null; });
    if (points.length === 0) return svg;
    var max = Math.max.apply(null, points) || 1;
    var step = points.length > 1 ? 92 / (points.length - 1) : 0;
    var coords = points.map(function (v, i) {
      return (2 + i * step).toFixed(1) + ',' + (20 - (v / max) * 18).toFixed(1);
    });
    if (coords.length === 1) {
      var dot = document.createElementNS(NS, 'circle');
      var xy = coords[0].split(',');
      dot.setAttribute('cx', xy[0]);
      dot.setAttribute('cy', xy[1]);
      dot.setAttribute('r', '2');
      svg.append(dot);
    } else {
      var line = document.createElementNS(NS, 'polyline');
      line.setAttribute('points', coords.join(' '));
      svg.append(line);
    }
    var title = document.createElementNS(NS, 'title');
    title.textContent = label;
    svg.append(title);
    return svg;
  }

  function renderMap(map) {
    var rows = [
      fact('Map id', map.id || '–'),
      fact('Freshness', badge(map.freshness, FRESH_TONE[map.freshness])),
      fact('Generated at', map.generatedAt || '–'),
      fact('Expires', map.expiresAtMs == null ? '–'
        : map.expiresAtMs > now() ? 'in ' + duration(map.expiresAtMs - now()) : duration(now() - map.expiresAtMs) + ' ago'),
      fact('Source', map.source),
      fact('URL', map.url || 'none (registry file only)'),
    ];
    var refresh = map.lastError
      ? stack(el('span', 'failed ' + ago(map.lastError.atMs) + ': ' + map.lastError.code, 'bad'), map.lastError.message, 'error small')
      : map.lastRefreshAtMs == null ? 'not yet' : el('span', 'ok ' + ago(map.lastRefreshAtMs), 'good');
    rows.push(fact('Last refresh', refresh));
    if (map.nextRetryAtMs != null) rows.push(fact('Next retry', 'in ' + duration(map.nextRetryAtMs - now())));
    if (map.fleet) {
      var lease = map.fleet.leaseHolder;
      rows.push(fact('Fleet role', stack(map.fleet.role,
        lease ? 'lease: ' + lease.holderId + ' (fence ' + lease.fence + (lease.self ? ', this host' : '') + ')' : 'no lease holder')));
      rows.push(fact('Redis', badge(map.fleet.redis.status + ' · ' + map.fleet.redis.target, map.fleet.redis.status === 'up' ? 'good' : 'bad')));
    }
    replaceRows(byId('map'), rows);
  }

  function renderConnector(c) {
    var tr = el('tr');
    tr.dataset.connector = c.id;
    tr.dataset.state = c.state;
    var state = badge(c.state, STATE_TONE[c.state]);
    var circuit = c.circuit && c.circuit.state !== 'closed' ? 'circuit ' + c.circuit.state : null;
    var calls = c.calls;
    var error = c.lastError ? stack(el('span', c.lastError.message, 'error'), ago(c.lastError.atMs)) : null;
    tr.append(
      cell(stack(el('strong', c.id), c.endpoint)),
      cell(stack(state, circuit || (c.catalogue === 'persisted' ? 'persisted catalogue' : null))),
      cell(c.transport),
      cell(c.toolCount, 'num'),
      cell(c.resourceCount || 0, 'num'),
      cell(c.resourceTemplateCount || 0, 'num'),
      cell(c.promptCount || 0, 'num'),
      cell(calls ? calls.count : 0, 'num'),
      cell(calls ? calls.errors : 0, calls && calls.errors ? 'num bad' : 'num'),
      cell(calls ? calls.cancelled || 0 : 0, 'num'),
      cell(ms(calls && calls.p50Ms), 'num'),
      cell(ms(calls && calls.p95Ms), 'num'),
      cell(sparkline(calls ? calls.history.map(function (h) { return h.p50Ms; }) : [], 'p50 latency of ' + c.id + ' per 10 s')),
      cell(error),
    );
    return tr;
  }

  function changes(s) {
    var parts = [];
    if (s.added) parts.push(s.added + ' added');
    if (s.removed) parts.push(s.removed + ' removed');
    if (s.changed) parts.push(s.changed + ' changed');
    return parts.length ? parts.join(', ') : 'none';
  }

  function renderRegistry(status) {
    var syncs = status.recentSyncs || (status.lastSync ? [status.lastSync] : []);
    replaceRows(byId('registry'), [
      fact('Registry version', status.registry.version),
      fact('Tools', status.registry.toolCount),
      fact('Resources', (status.registry.resourceCount || 0) + ' (+ ' + (status.registry.resourceTemplateCount || 0) + ' templates)'),
      fact('Prompts', status.registry.promptCount || 0),
      fact('Ready', badge(status.ready ? 'ready' : 'starting', status.ready ? 'good' : 'warn')),
      fact('Host', 'v' + status.version + ', up ' + duration(now() - status.startedAtMs)),
      fact('Sync durations', sparkline(syncs.map(function (s) { return s.durationMs; }), 'duration of the last syncs')),
    ]);
    replaceRows(byId('syncs'), syncs.slice().reverse().map(function (s) {
      var tr = el('tr');
      tr.append(
        cell(clock(s.startedAtMs)), cell(s.reason), cell(ms(s.durationMs), 'num'),
        cell(s.enabled + ' / ' + s.connectorCount, 'num'), cell(s.failed, s.failed > 0 ? 'num bad' : 'num'),
        cell(changes(s)), cell(s.parallelism, 'num'),
      );
      return tr;
    }));
  }

  function render(status) {
    renderMap(status.map);
    replaceRows(byId('connectors'), status.connectors.map(renderConnector));
    renderRegistry(status);
    var up = status.connectors.filter(function (c) { return c.state === 'up'; }).length;
    var enabled = status.connectors.filter(function (c) { return c.state !== 'disabled'; }).length;
    byId('summary').textContent = up + ' of ' + enabled + ' connectors up · map ' + status.map.freshness +
      ' · registry v' + status.registry.version;
  }

  function poll() {
    fetch('status', { cache: 'no-store', headers: { accept: 'application/json' } })
      .then(function (response) {
        if (!response.ok) throw new Error('/status answered ' + response.status);
        var date = Date.parse(response.headers.get('date') || '');
        if (!isNaN(date)) skewMs = date - Date.now();
        return response.json();
      })
      .then(function (status) {
        render(status);
        lastOkMs = Date.now();
        var updated = byId('updated');
        updated.className = '';
        updated.textContent = 'Updated ' + new Date().toLocaleTimeString() + ', every ' + POLL_MS / 1000 + ' s';
      })
      .catch(function (error) {
        var updated = byId('updated');
        updated.className = 'offline';
        updated.textContent = 'Host unreachable (' + error.message + '); last update ' +
          (lastOkMs ? new Date(lastOkMs).toLocaleTimeString() : 'never') + '. Retrying…';
      })
      .finally(function () { setTimeout(poll, POLL_MS); });
  }

  poll();
})();
`;
