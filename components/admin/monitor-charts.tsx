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
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import type { SecondStats } from "@/lib/metrics/sale-stats";

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

export function MonitorCharts({ history, stats }: { history: StockPoint[]; stats: SecondStats[] }) {
  const perSecond = stats.map((s) => ({
    t: s.t,
    secured: s.counts.secured ?? 0,
    r429: s.counts.rate_limited ?? 0,
    r503: s.counts.unavailable ?? 0,
    p95: s.p95Ms,
  }));
  const sum = (k: "secured" | "r429" | "r503") => perSecond.reduce((a, p) => a + p[k], 0);
  const anyLatency = perSecond.some((p) => p.p95 !== null);
  const xAxis = (
    <XAxis
      dataKey="t"
      type="number"
      domain={["dataMin", "dataMax"]}
      tickFormatter={clock}
      {...axis}
    />
  );
  const tooltip = <Tooltip labelFormatter={(t) => clock(Number(t))} isAnimationActive={false} />;

  return (
    <div className="chart-grid">
      <ChartPanel
        title="Stock over time"
        caption="Remaining, held and sold units, from when you opened this page"
        empty={history.length < 2 ? "Collecting points…" : null}
      >
        <AreaChart data={history} margin={{ top: 8, right: 12, bottom: 0, left: -8 }}>
          <CartesianGrid stroke={C.grid} vertical={false} />
          {xAxis}
          <YAxis allowDecimals={false} {...axis} />
          {tooltip}
          <Legend iconType="circle" wrapperStyle={{ fontSize: 13 }} />
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
        caption="Purchase tokens handed out (Buy Now → secured), last 2 minutes"
        empty={sum("secured") === 0 ? "No grants in the last 2 minutes" : null}
      >
        <BarChart data={perSecond} margin={{ top: 8, right: 12, bottom: 0, left: -8 }}>
          <CartesianGrid stroke={C.grid} vertical={false} />
          {xAxis}
          <YAxis allowDecimals={false} {...axis} />
          {tooltip}
          <Bar dataKey="secured" name="Secured" fill={C.sold} isAnimationActive={false} />
        </BarChart>
      </ChartPanel>
      <ChartPanel
        title="Refused per second"
        caption="429 rate limited and 503 shed, last 2 minutes"
        empty={sum("r429") + sum("r503") === 0 ? "No 429s or 503s in the last 2 minutes" : null}
      >
        <BarChart data={perSecond} margin={{ top: 8, right: 12, bottom: 0, left: -8 }}>
          <CartesianGrid stroke={C.grid} vertical={false} />
          {xAxis}
          <YAxis allowDecimals={false} {...axis} />
          {tooltip}
          <Legend iconType="circle" wrapperStyle={{ fontSize: 13 }} />
          <Bar
            dataKey="r429"
            name="429 rate limited"
            stackId="r"
            fill={C.r429}
            isAnimationActive={false}
          />
          <Bar
            dataKey="r503"
            name="503 unavailable"
            stackId="r"
            fill={C.r503}
            isAnimationActive={false}
          />
        </BarChart>
      </ChartPanel>
      <ChartPanel
        title="Gate latency (p95)"
        caption="95th percentile of Buy Now answer times (bucket bound), last 2 minutes"
        empty={anyLatency ? null : "No Buy Now requests in the last 2 minutes"}
      >
        <LineChart data={perSecond} margin={{ top: 8, right: 12, bottom: 0, left: -8 }}>
          <CartesianGrid stroke={C.grid} vertical={false} />
          {xAxis}
          <YAxis unit=" ms" {...axis} width={64} />
          {tooltip}
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
