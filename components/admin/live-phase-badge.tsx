"use client";

import { useEffect, useState } from "react";
import { salePhase, type SalePhase, type SaleView } from "@/lib/catalog/views";
import { SalePhaseBadge } from "./sale-phase-badge";

/**
 * The phase badge of a page that stays open (the monitor): rendered with the server's answer,
 * then re-judged every second so "Upcoming" turns "Live" (and "Ended") without a reload.
 */
export function LivePhaseBadge({
  initial,
  ...sale
}: Pick<SaleView, "startsAt" | "endsAt" | "status"> & { initial: SalePhase }) {
  const [phase, setPhase] = useState(initial);
  const { startsAt, endsAt, status } = sale;
  useEffect(() => {
    const id = setInterval(
      () => setPhase(salePhase({ startsAt, endsAt, status }, Date.now())),
      1_000,
    );
    return () => clearInterval(id);
  }, [startsAt, endsAt, status]);
  return <SalePhaseBadge phase={phase} />;
}
