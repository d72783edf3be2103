"use client";

import { useRef } from "react";
import useSWR from "swr";
import { monitorReplySchema, type MonitorReply } from "@/lib/contract/admin-api";
import { formatPrice } from "@/lib/catalog/views";
import type { SeriesPoint } from "@/lib/metrics/sale-series";
import { MonitorCharts, type StockPoint } from "./monitor-charts";

export type MonitorData = MonitorReply & { points: SeriesPoint[] };

/** One SWR key per sale, so the page's badge reads the same answers as the monitor. */
export const monitorKey = (saleId: string) => `/api/admin/sales/${saleId}/monitor`;

/**
 * Where a sale stands by the monitor's last answer (null before the first one): the gate's
 * phase and counters, with the merchant's pause from the record (the gate says "not started"
 * for a paused sale that has not started).
 */
export function monitorPhase(d: MonitorReply | undefined) {
  if (!d) return null;
  const { gate: s, record: r } = d;
  if (r.status === "cancelled") return "cancelled";
  if (s) {
    if (s.phase === "ended") return "ended";
    if (s.sold >= s.stock) return "sold_out";
    if (s.phase === "not_started") return r.status === "paused" ? "paused" : "upcoming";
    return s.phase;
  }
  if (r.endsAt <= Date.now()) return "ended";
  return r.sold >= r.stock ? "sold_out" : null;
}

const phaseLabel = {
  upcoming: "Not started",
  live: "Live",
  paused: "Paused",
  sold_out: "Sold out",
  ended: "Ended",
  cancelled: "Cancelled",
} as const;

const seconds = (ms: number) =>
  ms < 60_000
    ? `${Math.round(ms / 1000)} s`
    : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;

/**
 * The monitor: the sale's whole series on the first load (kept in Redis for its whole life, so
 * a reload shows the same drop), then the last few seconds once a second while the sale can
 * change; after the end, its report.
 */
export function SaleMonitor({ saleId }: { saleId: string }) {
  const kept = useRef<Map<number, SeriesPoint>>(new Map());
  const since = useRef<number | null>(null);
  const { data, error } = useSWR<MonitorData>(
    monitorKey(saleId),
    async (url: string) => {
      const res = await fetch(since.current === null ? url : `${url}?since=${since.current}`, {
        cache: "no-store",
        credentials: "same-origin",
      });
      if (!res.ok)
        throw new Error(res.status === 401 || res.status === 403 ? "signed-out" : "down");
      const d = monitorReplySchema.parse(await res.json());
      const points = d.full ? new Map<number, SeriesPoint>() : new Map(kept.current);
      for (const p of d.series) points.set(p.t, p);
      kept.current = points;
      // Instances write their counts a second late: read the last seconds again.
      since.current = d.report ? null : Math.floor(Date.now() / 1000) - 3;
      return { ...d, points: [...points.values()].sort((a, b) => a.t - b.t) };
    },
    {
      refreshInterval: (d) => (d?.report ? 10_000 : 1_000),
      dedupingInterval: 500,
      revalidateOnFocus: true,
    },
  );

  const phase = monitorPhase(data);
  const ok = data?.gate ?? null;
  const rec = data?.record;
  // Not armed: the record in PostgreSQL (nothing held, nobody in line without a gate).
  const numbers: [string, number | string, string][] = [
    ["Remaining", ok ? ok.avail : rec ? rec.stock - rec.sold : "–", "remaining"],
    ["Held", ok ? ok.held : rec ? 0 : "–", "held"],
    ["Sold", ok ? ok.sold : rec ? rec.sold : "–", "sold"],
    ["In line", ok ? ok.line : rec ? 0 : "–", "line"],
    ["Orders", data ? data.orders : "–", "orders"],
  ];
  const stock: StockPoint[] = (data?.points ?? []).flatMap((p) =>
    p.stock ? [{ t: p.t, remaining: p.stock.avail, held: p.stock.held, sold: p.stock.sold }] : [],
  );
  const report = data?.report;

  return (
    <section aria-labelledby="monitor-title" className="monitor">
      <div className="monitor-head">
        <h2 id="monitor-title">{report ? "Report" : "Live monitor"}</h2>
        <span className="muted" role="status" aria-live="polite">
          {error
            ? error.message === "signed-out"
              ? "Your session ended — sign in again to keep watching."
              : "Monitor unavailable — retrying…"
            : !data
              ? "Connecting…"
              : ok
                ? `Gate: ${phase ? phaseLabel[phase] : "–"} · stock ${ok.stock.toLocaleString("en-US")} · updated ${new Date(ok.now).toLocaleTimeString()}`
                : phase
                  ? `${phaseLabel[phase]} · figures from the order records`
                  : "Gate not armed: it arms on the next save or Buy Now."}
        </span>
      </div>
      {report && (
        <dl className="admin-stats report" data-testid="sale-report">
          <div className="stat">
            <dt>Revenue</dt>
            <dd>{formatPrice(report.revenueCents)}</dd>
          </div>
          <div className="stat">
            <dt>Conversion</dt>
            <dd>{report.conversion === null ? "–" : `${Math.round(report.conversion * 100)}%`}</dd>
            <dd className="stat-note">
              {report.orders.toLocaleString("en-US")} orders of{" "}
              {report.grants.toLocaleString("en-US")} holds
            </dd>
          </div>
          <div className="stat">
            <dt>Expired holds</dt>
            <dd>{report.expiredHolds.toLocaleString("en-US")}</dd>
          </div>
          <div className="stat">
            <dt>Time to sell out</dt>
            <dd>{report.soldOutAfterMs === null ? "–" : seconds(report.soldOutAfterMs)}</dd>
            <dd className="stat-note">
              {report.soldOutAfterMs === null
                ? `${report.sold.toLocaleString("en-US")} of ${report.stock.toLocaleString("en-US")} sold`
                : "from the start"}
            </dd>
          </div>
          <div className="stat">
            <dt>Buy Now presses</dt>
            <dd>{report.presses.toLocaleString("en-US")}</dd>
          </div>
        </dl>
      )}
      <dl className="admin-stats monitor-numbers">
        {numbers.map(([label, n, key]) => (
          <div key={key} className={`stat stat-${key}`} data-testid={`monitor-${key}`}>
            <dt>{label}</dt>
            <dd>{typeof n === "number" ? n.toLocaleString("en-US") : n}</dd>
          </div>
        ))}
      </dl>
      <MonitorCharts
        points={data?.points ?? []}
        stock={stock}
        startsAt={rec?.startsAt ?? null}
        endsAt={rec?.endsAt ?? null}
        now={ok?.now ?? null}
      />
    </section>
  );
}
