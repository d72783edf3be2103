"use client";

import { useEffect, useState } from "react";
import useSWR from "swr";
import { salePhase, type SaleView } from "@/lib/catalog/views";
import { monitorKey, monitorPhase, type MonitorData } from "./sale-monitor";
import { SalePhaseBadge, type AdminPhase } from "./sale-phase-badge";

/**
 * The phase badge of a page that stays open (the monitor): rendered with the server's answer,
 * then taken from the monitor's answers (the gate knows "sold out" the moment it happens), and
 * re-judged by the clock every second until the first one, so "Upcoming" turns "Live" on time.
 */
export function LivePhaseBadge({
  initial,
  saleId,
  ...sale
}: Pick<SaleView, "startsAt" | "endsAt" | "status"> & { initial: AdminPhase; saleId: string }) {
  const [byClock, setByClock] = useState(initial);
  const { data } = useSWR<MonitorData>(monitorKey(saleId), null);
  const { startsAt, endsAt, status } = sale;
  useEffect(() => {
    const id = setInterval(
      () =>
        setByClock((p) =>
          p === "sold_out" ? p : salePhase({ startsAt, endsAt, status }, Date.now()),
        ),
      1_000,
    );
    return () => clearInterval(id);
  }, [startsAt, endsAt, status]);
  return <SalePhaseBadge phase={monitorPhase(data) ?? byClock} />;
}
