import { salePhase, type SalePhase } from "@/lib/catalog/views";

/** A sale's phase on the dashboard: the storefront's, plus "sold out" (every unit sold). */
export type AdminPhase = SalePhase | "sold_out";

const labels: Record<AdminPhase, string> = {
  live: "Live",
  upcoming: "Upcoming",
  ended: "Ended",
  paused: "Paused",
  cancelled: "Cancelled",
  sold_out: "Sold out",
};
const classes: Record<AdminPhase, string> = {
  live: "badge badge-live",
  upcoming: "badge",
  ended: "badge badge-ended",
  paused: "badge badge-paused",
  cancelled: "badge badge-cancelled",
  sold_out: "badge badge-ended",
};

export const phaseOf = (
  s: {
    startsAt: Date;
    endsAt: Date;
    status: "scheduled" | "paused" | "cancelled";
    sold?: number;
    stock?: number;
  },
  now = Date.now(),
): AdminPhase => {
  const phase = salePhase(
    { startsAt: s.startsAt.toISOString(), endsAt: s.endsAt.toISOString(), status: s.status },
    now,
  );
  // Orders in PostgreSQL: a sold-out drop still inside its window is not "Live".
  const soldOut = s.sold !== undefined && s.stock !== undefined && s.sold >= s.stock;
  return soldOut && (phase === "live" || phase === "paused") ? "sold_out" : phase;
};

/** The sale's phase at render time (admin pages are rendered per request). */
export function SalePhaseBadge({ phase }: { phase: AdminPhase }) {
  return <span className={classes[phase]}>{labels[phase]}</span>;
}

/** Each sale with its phase, all judged at the same instant. */
export function withPhases<T extends Parameters<typeof phaseOf>[0]>(list: T[]) {
  const now = Date.now();
  return list.map((s) => ({ ...s, phase: phaseOf(s, now) }));
}
