"use client";

import { useEffect, useState } from "react";
import { salePhase, type SaleView } from "@/lib/catalog/views";
import { useSaleState } from "@/lib/client/sale-hooks";

const timeUntil = (ms: number) => {
  const m = Math.max(0, Math.round(ms / 60_000));
  if (m < 1) return "in under a minute";
  if (m < 60) return `in ${m} min`;
  const h = Math.round(m / 60);
  return h < 48 ? `in ${h} h` : `in ${Math.round(h / 24)} days`;
};

/**
 * "Live now" / "Drops in 5 min" / "Sold out" / "Ended", worked out in the browser so the cached
 * page stays right as time passes. A drop the clock says is open is looked up live (rarely:
 * this is a list, not the drop page), since only its state knows it has sold out.
 */
export function SaleBadge(props: Pick<SaleView, "id" | "startsAt" | "endsAt" | "status">) {
  const [now, setNow] = useState<number | null>(null);
  useEffect(() => {
    const tick = () => setNow(Date.now());
    tick();
    const id = setInterval(tick, 15_000);
    return () => clearInterval(id);
  }, []);
  const phase = now === null ? null : salePhase(props, now);
  const { data: state } = useSaleState(phase === "live" || phase === "paused" ? props.id : null, {
    pollMs: 15_000,
  });
  if (phase === null) return <span className="badge">Drop</span>;
  if (state?.status === "sold_out") return <span className="badge badge-ended">Sold out</span>;
  if (state?.status === "ended" || phase === "ended" || phase === "cancelled")
    return <span className="badge badge-ended">Ended</span>;
  if (state?.status === "paused" || phase === "paused")
    return <span className="badge badge-ended">Paused</span>;
  if (phase === "live") return <span className="badge badge-live">Live now</span>;
  return <span className="badge">Drops {timeUntil(Date.parse(props.startsAt) - now!)}</span>;
}
