"use client";

import { useState } from "react";
import useSWR from "swr";
import type { StateReply } from "@/lib/gate/gate";
import type { SecondStats } from "@/lib/metrics/sale-stats";
import { MonitorCharts, type StockPoint } from "./monitor-charts";

export type MonitorData = { state: StateReply; stats: SecondStats[]; orders: number };

const HISTORY = 600; // ten minutes of one-second points

async function fetchMonitor(url: string): Promise<MonitorData> {
  const res = await fetch(url, { cache: "no-store", credentials: "same-origin" });
  if (!res.ok) throw new Error(res.status === 401 || res.status === 403 ? "signed-out" : "down");
  return (await res.json()) as MonitorData;
}

const phaseLabel = {
  not_started: "Not started",
  live: "Live",
  paused: "Paused",
  ended: "Ended",
} as const;

/**
 * The live monitor: polls the gate once a second while the sale can change (every 5 s once it
 * is over) and keeps the stock history in the browser, so the chart grows while you watch.
 */
export function SaleMonitor({ saleId }: { saleId: string }) {
  const [history, setHistory] = useState<StockPoint[]>([]);
  const { data, error } = useSWR(`/api/admin/sales/${saleId}/monitor`, fetchMonitor, {
    refreshInterval: (d) => (d?.state.s === "ok" && d.state.phase === "ended" ? 5_000 : 1_000),
    dedupingInterval: 500,
    revalidateOnFocus: true,
    onSuccess: (d) => {
      const s = d.state;
      if (s.s !== "ok") return;
      setHistory((h) =>
        h.length > 0 && h[h.length - 1]!.t >= s.now
          ? h
          : [
              ...h.slice(-(HISTORY - 1)),
              { t: s.now, remaining: s.avail, held: s.held, sold: s.sold },
            ],
      );
    },
  });

  const s = data?.state;
  const ok = s?.s === "ok" ? s : null;
  const numbers: [string, number | string, string][] = [
    ["Remaining", ok ? ok.avail : "–", "remaining"],
    ["Held", ok ? ok.held : "–", "held"],
    ["Sold", ok ? ok.sold : "–", "sold"],
    ["In line", ok ? ok.line : "–", "line"],
    ["Orders", data ? data.orders : "–", "orders"],
  ];

  return (
    <section aria-labelledby="monitor-title" className="monitor">
      <div className="monitor-head">
        <h2 id="monitor-title">{ok?.phase === "ended" ? "Monitor (sale over)" : "Live monitor"}</h2>
        <span className="muted" role="status" aria-live="polite">
          {error
            ? error.message === "signed-out"
              ? "Your session ended — sign in again to keep watching."
              : "Monitor unavailable — retrying…"
            : !data
              ? "Connecting…"
              : ok
                ? `Gate: ${phaseLabel[ok.phase]} · stock ${ok.stock.toLocaleString("en-US")} · updated ${new Date(ok.now).toLocaleTimeString()}`
                : "Gate not armed: it arms on the next save or Buy Now."}
        </span>
      </div>
      <dl className="admin-stats monitor-numbers">
        {numbers.map(([label, n, key]) => (
          <div key={key} className={`stat stat-${key}`} data-testid={`monitor-${key}`}>
            <dt>{label}</dt>
            <dd>{typeof n === "number" ? n.toLocaleString("en-US") : n}</dd>
          </div>
        ))}
      </dl>
      <MonitorCharts history={history} stats={data?.stats ?? []} />
    </section>
  );
}
