"use client";

import { useEffect, useState } from "react";
import { salePhase, type SaleView } from "@/lib/catalog/views";

const timeUntil = (ms: number) => {
  const m = Math.max(0, Math.round(ms / 60_000));
  if (m < 1) return "in under a minute";
  if (m < 60) return `in ${m} min`;
  const h = Math.round(m / 60);
  return h < 48 ? `in ${h} h` : `in ${Math.round(h / 24)} days`;
};

/**
 * "Live now" / "Drops in 5 min" / "Ended", worked out in the browser so the cached page
 * stays right as time passes.
 */
export function SaleBadge(props: Pick<SaleView, "startsAt" | "endsAt" | "status">) {
  const [now, setNow] = useState<number | null>(null);
  useEffect(() => {
    const tick = () => setNow(Date.now());
    tick();
    const id = setInterval(tick, 15_000);
    return () => clearInterval(id);
  }, []);
  if (now === null) return <span className="badge">Drop</span>;
  const phase = salePhase(props, now);
  if (phase === "live") return <span className="badge badge-live">Live now</span>;
  if (phase === "upcoming")
    return <span className="badge">Drops {timeUntil(Date.parse(props.startsAt) - now)}</span>;
  if (phase === "paused") return <span className="badge badge-ended">Paused</span>;
  return <span className="badge badge-ended">Ended</span>;
}
