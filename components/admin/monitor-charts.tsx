"use client";

import {
  Area,
  AreaChart,
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import type { SeriesPoint } from "@/lib/metrics/sale-series";

export type StockPoint = { t: number; remaining: number; held: number; sold: number };

// The storefront's palette (app/globals.css).
const C = {
  remaining: "#18794e",
  held: "#ad5700",
  sold: "#5b3df5",
  r429: "#ad5700",
  r503: "#e5484d",
  grid: "#e7e4ee",
  axis: "#5d5a66",
};

const clock = (t: number) =>
  new Date(t).toLocaleTimeString([], { minute: "2-digit", second: "2-digit" });
const axis = { stroke: C.axis, fontSize: 12, tickLine: false } as const;
const H = 210;
const MARGIN = { top: 8, right: 12, bottom: 0, left: -8 };
const countAxis = <YAxis allowDecimals={false} {...axis} />;
const legend = <Legend iconType="circle" wrapperStyle={{ fontSize: 13 }} />;

/** A dashed vertical line at the sale's start or end. */
const mark = (x: number, value: string, position: "insideTopLeft" | "insideTopRight") => (
  <ReferenceLine
    key={value}
    x={x}
    stroke={C.axis}
    strokeDasharray="4 3"
    label={{ value, position, fontSize: 12, fill: C.axis }}
  />
);

function ChartPanel({
  title,
  caption,
  empty,
  children,
}: {
  title: string;
  caption: string;
  empty: string | null;
  children: React.ReactElement;
}) {
  return (
    <figure className="panel chart">
      <figcaption>
        <strong>{title}</strong>
        <span className="muted">{caption}</span>
      </figcaption>
      <div className="chart-body">
        <ResponsiveContainer width="100%" height={H}>
          {children}
        </ResponsiveContainer>
        {empty && <p className="chart-empty muted">{empty}</p>}
      </div>
    </figure>
  );
}

/** The chart's time range: from before the start to the end (or now), around what was recorded. */
function timeDomain(
  points: SeriesPoint[],
  startsAt: number | null,
  endsAt: number | null,
  now: number | null,
): [number, number] | null {
  const first = points[0];
  const last = points[points.length - 1];
  const lastEnd = last ? last.t + last.span * 1000 : null;
  const lo = Math.min(
    ...[startsAt, first?.t].filter((v): v is number => v !== null && v !== undefined),
  );
  if (!Number.isFinite(lo)) return null;
  const over = endsAt !== null && now !== null && now >= endsAt;
  // A long sale that sold out early: show the drop, not days of nothing after it.
  const hi = over
    ? Math.max(lastEnd ?? endsAt!, Math.min(endsAt!, (lastEnd ?? endsAt!) + 10 * 60_000))
    : Math.max(lastEnd ?? lo, now ?? lo);
  return [lo - 30_000, hi + 30_000];
}

export function MonitorCharts({
  points,
  stock,
  startsAt,
  endsAt,
  now,
}: {
  points: SeriesPoint[];
  stock: StockPoint[];
  startsAt: number | null;
  endsAt: number | null;
  now: number | null;
}) {
  // Per second, also when a long series is merged into wider intervals.
  const perSecond = points.map((s) => ({
    t: s.t,
    secured: (s.counts.secured ?? 0) / s.span,
    r429: (s.counts.rate_limited ?? 0) / s.span,
    r503: (s.counts.unavailable ?? 0) / s.span,
    p95: s.p95Ms,
  }));
  const sum = (k: "secured" | "r429" | "r503") => perSecond.reduce((a, p) => a + p[k], 0);
  const anyLatency = perSecond.some((p) => p.p95 !== null);
  const domain = timeDomain(points, startsAt, endsAt, now);
  // The stock holds its last value until something changes it: carry it to the chart's edge.
  const lastStock = stock[stock.length - 1];
  const stockLine =
    lastStock && domain && domain[1] - 30_000 > lastStock.t
      ? [...stock, { ...lastStock, t: domain[1] - 30_000 }]
      : stock;
  // What every chart has: the grid, the shared time axis, a y axis, the tooltip and the marks.
  const frame = (yAxis: React.ReactElement) => (
    <>
      <CartesianGrid stroke={C.grid} vertical={false} />
      <XAxis
        dataKey="t"
        type="number"
        domain={domain ?? ["dataMin", "dataMax"]}
        allowDataOverflow
        tickFormatter={clock}
        {...axis}
      />
      {yAxis}
      <Tooltip labelFormatter={(t) => clock(Number(t))} isAnimationActive={false} />
      {startsAt !== null && mark(startsAt, "Start", "insideTopLeft")}
      {endsAt !== null && domain && endsAt <= domain[1] && mark(endsAt, "End", "insideTopRight")}
    </>
  );

  return (
    <div className="chart-grid">
      <ChartPanel
        title="Stock over time"
        caption="Remaining, held and sold units over the whole sale"
        empty={stock.length === 0 ? "No stock recorded yet" : null}
      >
        <AreaChart data={stockLine} margin={MARGIN}>
          {frame(countAxis)}
          {legend}
          {(["sold", "held", "remaining"] as const).map((k) => (
            <Area
              key={k}
              type="stepAfter"
              dataKey={k}
              name={k[0]!.toUpperCase() + k.slice(1)}
              stackId="stock"
              stroke={C[k]}
              fill={C[k]}
              fillOpacity={0.25}
              isAnimationActive={false}
            />
          ))}
        </AreaChart>
      </ChartPanel>
      <ChartPanel
        title="Grants per second"
        caption="Purchase tokens handed out (Buy Now → secured) per second"
        empty={sum("secured") === 0 ? "No grants yet" : null}
      >
        <BarChart data={perSecond} margin={MARGIN}>
          {frame(countAxis)}
          <Bar dataKey="secured" name="Secured" fill={C.sold} isAnimationActive={false} />
        </BarChart>
      </ChartPanel>
      <ChartPanel
        title="Refused per second"
        caption="429 rate limited and 503 shed, per second"
        empty={sum("r429") + sum("r503") === 0 ? "No 429s or 503s" : null}
      >
        <BarChart data={perSecond} margin={MARGIN}>
          {frame(countAxis)}
          {legend}
          {(
            [
              ["r429", "429 rate limited"],
              ["r503", "503 unavailable"],
            ] as const
          ).map(([k, name]) => (
            <Bar
              key={k}
              dataKey={k}
              name={name}
              stackId="r"
              fill={C[k]}
              isAnimationActive={false}
            />
          ))}
        </BarChart>
      </ChartPanel>
      <ChartPanel
        title="Gate latency (p95)"
        caption="95th percentile of Buy Now answer times (bucket bound)"
        empty={anyLatency ? null : "No Buy Now requests yet"}
      >
        <LineChart data={perSecond} margin={MARGIN}>
          {frame(<YAxis unit=" ms" {...axis} width={64} />)}
          <Line
            type="monotone"
            dataKey="p95"
            name="p95"
            stroke={C.sold}
            strokeWidth={2}
            dot={{ r: 2.5, fill: C.sold }}
            isAnimationActive={false}
          />
        </LineChart>
      </ChartPanel>
    </div>
  );
}
