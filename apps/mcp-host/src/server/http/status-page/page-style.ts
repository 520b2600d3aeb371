/** The status page's stylesheet: system fonts, light and dark from `prefers-color-scheme`, no inline styles. */
export const STATUS_PAGE_CSS = `:root {
  color-scheme: light dark;
  --bg: #ffffff; --fg: #1f2328; --muted: #656d76; --line: #d0d7de; --head: #f6f8fa;
  --good: #1a7f37; --bad: #cf222e; --warn: #9a6700; --idle: #656d76; --spark: #0969da;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0d1117; --fg: #e6edf3; --muted: #8d96a0; --line: #30363d; --head: #161b22;
    --good: #3fb950; --bad: #f85149; --warn: #d29922; --idle: #8d96a0; --spark: #4493f8;
  }
}
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 72rem; padding: 1rem 1.25rem 2rem; background: var(--bg); color: var(--fg);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; }
h1 { font-size: 1.4rem; margin: 0 0 .25rem; }
h2 { font-size: 1.05rem; margin: 1.5rem 0 .5rem; }
header p { margin: 0; color: var(--muted); }
table { border-collapse: collapse; width: 100%; margin-bottom: .75rem; }
th, td { text-align: left; padding: .35rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
thead th { background: var(--head); font-weight: 600; white-space: nowrap; }
.facts th { width: 12rem; color: var(--muted); font-weight: 500; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.muted, footer { color: var(--muted); }
.small { font-size: .85em; }
.error { color: var(--bad); overflow-wrap: anywhere; max-width: 28rem; }
.badge { display: inline-block; padding: 0 .45rem; border-radius: 1rem; font-size: .85em; font-weight: 600;
  border: 1px solid currentColor; white-space: nowrap; }
.good { color: var(--good); } .bad { color: var(--bad); } .warn { color: var(--warn); } .idle { color: var(--idle); }
.spark { width: 96px; height: 22px; display: block; }
.spark polyline { fill: none; stroke: var(--spark); stroke-width: 1.5; stroke-linejoin: round; }
.spark circle { fill: var(--spark); }
.offline { color: var(--bad); font-weight: 600; }
footer { margin-top: 1.5rem; font-size: .85em; }
a { color: var(--spark); }
`;
