/**
 * Tiny inline-SVG charts for the HTML report (no library, no network): axes with round ticks,
 * lines, stacked areas and bars. Every function returns an <svg> string.
 */

export type Series = { name: string; color: string; points: [number, number][]; dash?: boolean };
export type Marker = { x: number; label: string };

const W = 560;
const H = 260;
const M = { top: 14, right: 16, bottom: 38, left: 58 };

export const esc = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

function niceStep(range: number, count: number): number {
  const raw = range / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw || 1));
  const norm = raw / mag;
  return (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 2.5 ? 2.5 : norm <= 5 ? 5 : 10) * mag;
}

function ticks(lo: number, hi: number, count: number): number[] {
  const step = niceStep(hi - lo, count);
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step)
    out.push(Math.round(v * 1e6) / 1e6);
  return out;
}

export const compact = (v: number) =>
  Math.abs(v) >= 1e6
    ? `${+(v / 1e6).toFixed(1)}M`
    : Math.abs(v) >= 1e3
      ? `${+(v / 1e3).toFixed(1)}k`
      : `${+v.toFixed(2)}`;

type Frame = {
  x: (v: number) => number;
  y: (v: number) => number;
  parts: string[];
};

function frame(
  xDomain: [number, number],
  yDomain: [number, number],
  labels: { x: string; y: string },
  fmtX: (v: number) => string = compact,
  fmtY: (v: number) => string = compact,
  xTicks = true,
): Frame {
  const [x0, x1] = xDomain;
  const [y0, y1] = yDomain;
  const iw = W - M.left - M.right;
  const ih = H - M.top - M.bottom;
  const x = (v: number) => M.left + ((v - x0) / (x1 - x0 || 1)) * iw;
  const y = (v: number) => M.top + ih - ((v - y0) / (y1 - y0 || 1)) * ih;
  const parts: string[] = [];
  for (const t of ticks(y0, y1, 5)) {
    parts.push(
      `<line x1="${M.left}" x2="${W - M.right}" y1="${y(t)}" y2="${y(t)}" class="grid"/>`,
      `<text x="${M.left - 6}" y="${y(t) + 4}" text-anchor="end" class="tick">${esc(fmtY(t))}</text>`,
    );
  }
  for (const t of xTicks ? ticks(x0, x1, 7) : []) {
    parts.push(
      `<line x1="${x(t)}" x2="${x(t)}" y1="${M.top + ih}" y2="${M.top + ih + 4}" class="axis"/>`,
      `<text x="${x(t)}" y="${M.top + ih + 16}" text-anchor="middle" class="tick">${esc(fmtX(t))}</text>`,
    );
  }
  parts.push(
    `<line x1="${M.left}" x2="${W - M.right}" y1="${M.top + ih}" y2="${M.top + ih}" class="axis"/>`,
    `<text x="${M.left + iw / 2}" y="${H - 4}" text-anchor="middle" class="label">${esc(labels.x)}</text>`,
    `<text transform="translate(14 ${M.top + ih / 2}) rotate(-90)" text-anchor="middle" class="label">${esc(labels.y)}</text>`,
  );
  return { x, y, parts };
}

const svg = (title: string, body: string[]) =>
  `<svg viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(title)}" xmlns="http://www.w3.org/2000/svg">${body.join("")}</svg>`;

function markerLines(f: Frame, markers: Marker[], yTop: number, yBottom: number): string[] {
  return markers.flatMap((m) => [
    `<line x1="${f.x(m.x)}" x2="${f.x(m.x)}" y1="${yTop}" y2="${yBottom}" class="marker"/>`,
    `<text x="${f.x(m.x) + 4}" y="${yTop + 10}" class="marker-label">${esc(m.label)}</text>`,
  ]);
}

const extent = (vals: number[], pad = 0): [number, number] => {
  const lo = Math.min(...vals);
  const hi = Math.max(...vals);
  return [lo, hi === lo ? lo + 1 : hi + (hi - lo) * pad];
};

/** Lines over a shared x axis; optionally the first series filled down to zero. */
export function lineChart(o: {
  title: string;
  series: Series[];
  xLabel: string;
  yLabel: string;
  markers?: Marker[];
  yMin?: number;
  yMax?: number;
  fmtX?: (v: number) => string;
}): string {
  const xs = o.series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = o.series.flatMap((s) => s.points.map((p) => p[1]));
  if (xs.length === 0) return svg(o.title, [`<text x="20" y="40" class="label">no data</text>`]);
  const [yl, yh] = extent([o.yMin ?? 0, ...ys], 0.05);
  const f = frame(extent(xs), [yl, o.yMax ?? yh], { x: o.xLabel, y: o.yLabel }, o.fmtX);
  const body = [...f.parts];
  for (const s of o.series) {
    if (s.points.length === 0) continue;
    const d = s.points.map(
      (p, i) => `${i ? "L" : "M"}${f.x(p[0]).toFixed(1)},${f.y(p[1]).toFixed(1)}`,
    );
    body.push(
      `<path d="${d.join("")}" fill="none" stroke="${s.color}" stroke-width="2"${s.dash ? ' stroke-dasharray="5 4"' : ""}><title>${esc(s.name)}</title></path>`,
    );
  }
  body.push(...markerLines(f, o.markers ?? [], M.top, H - M.bottom));
  return svg(o.title, body);
}

/** Stacked areas (cumulative counts by category) over a shared x axis. */
export function stackedArea(o: {
  title: string;
  xs: number[];
  layers: { name: string; color: string; values: number[] }[];
  overlay?: Series;
  xLabel: string;
  yLabel: string;
  markers?: Marker[];
  fmtX?: (v: number) => string;
}): string {
  if (o.xs.length === 0) return svg(o.title, [`<text x="20" y="40" class="label">no data</text>`]);
  const totals = o.xs.map((_, i) => o.layers.reduce((a, l) => a + (l.values[i] ?? 0), 0));
  const over = o.overlay?.points.map((p) => p[1]) ?? [];
  const f = frame(
    extent(o.xs),
    [0, Math.max(1, ...totals, ...over) * 1.04],
    { x: o.xLabel, y: o.yLabel },
    o.fmtX,
  );
  const body = [...f.parts];
  const base = o.xs.map(() => 0);
  for (const l of o.layers) {
    const top = base.map((b, i) => b + (l.values[i] ?? 0));
    const up = o.xs.map((x, i) => `${f.x(x).toFixed(1)},${f.y(top[i]!).toFixed(1)}`);
    const down = o.xs.map((x, i) => `${f.x(x).toFixed(1)},${f.y(base[i]!).toFixed(1)}`).reverse();
    body.push(
      `<polygon points="${[...up, ...down].join(" ")}" fill="${l.color}" fill-opacity="0.85"><title>${esc(l.name)}</title></polygon>`,
    );
    top.forEach((v, i) => (base[i] = v));
  }
  if (o.overlay) {
    const d = o.overlay.points.map(
      (p, i) => `${i ? "L" : "M"}${f.x(p[0]).toFixed(1)},${f.y(p[1]).toFixed(1)}`,
    );
    body.push(
      `<path d="${d.join("")}" fill="none" stroke="${o.overlay.color}" stroke-width="2" stroke-dasharray="5 4"/>`,
    );
  }
  body.push(...markerLines(f, o.markers ?? [], M.top, H - M.bottom));
  return svg(o.title, body);
}

/** Bars over log-spaced buckets [edges[i], edges[i+1]); a marker line at `markAt`. */
export function logHistogram(o: {
  title: string;
  edges: number[];
  counts: number[];
  colorOf: (lo: number) => string;
  xLabel: string;
  yLabel: string;
  markAt?: Marker;
}): string {
  let first = o.counts.findIndex((c) => c > 0);
  let last = o.counts.length - 1 - [...o.counts].reverse().findIndex((c) => c > 0);
  if (first < 0) return svg(o.title, [`<text x="20" y="40" class="label">no data</text>`]);
  first = Math.max(1, first - 1);
  last = Math.min(o.counts.length - 1, last + 1);
  const lg = (v: number) => Math.log10(Math.max(v, 0.1));
  const lo = lg(o.edges[first]!);
  const hi = lg(o.edges[Math.min(last + 1, o.edges.length - 1)]! || o.edges[last]! * 1.5);
  const f = frame(
    [lo, hi],
    [0, Math.max(...o.counts) * 1.08],
    { x: o.xLabel, y: o.yLabel },
    compact,
    compact,
    false,
  );
  const body = [...f.parts];
  // 1-2-5 ticks on the log axis, skipping any that would crowd the previous label.
  let lastX = -Infinity;
  for (const v of [1, 2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 2e4, 5e4, 1e5]) {
    const l = lg(v);
    if (l < lo || l > hi || f.x(l) - lastX < 44) continue;
    lastX = f.x(l);
    const label = v >= 1000 ? `${v / 1000} s` : `${v} ms`;
    body.push(
      `<text x="${f.x(l)}" y="${H - M.bottom + 16}" text-anchor="middle" class="tick">${label}</text>`,
      `<line x1="${f.x(l)}" x2="${f.x(l)}" y1="${H - M.bottom}" y2="${H - M.bottom + 4}" class="axis"/>`,
    );
  }
  for (let i = first; i <= last; i++) {
    const a = o.edges[i]!;
    const b = o.edges[i + 1] ?? a * 1.5;
    const x0 = f.x(lg(Math.max(a, o.edges[first]!)));
    const x1 = f.x(lg(b));
    const c = o.counts[i]!;
    if (c === 0) continue;
    body.push(
      `<rect x="${(x0 + 0.5).toFixed(1)}" y="${f.y(c).toFixed(1)}" width="${Math.max(1, x1 - x0 - 1).toFixed(1)}" height="${(f.y(0) - f.y(c)).toFixed(1)}" fill="${o.colorOf(a)}"><title>${a}–${b} ms: ${c.toLocaleString("en-US")}</title></rect>`,
    );
  }
  if (o.markAt)
    body.push(...markerLines({ ...f, x: (v) => f.x(lg(v)) }, [o.markAt], M.top, H - M.bottom));
  return svg(o.title, body);
}

/** A legend row for a chart. */
export const legend = (items: { name: string; color: string; dash?: boolean }[]) =>
  `<div class="legend">${items
    .map(
      (i) =>
        `<span><i style="background:${i.dash ? `repeating-linear-gradient(90deg,${i.color} 0 5px,transparent 5px 8px)` : i.color}"></i>${esc(i.name)}</span>`,
    )
    .join("")}</div>`;
