import { salePhase, type SalePhase } from "@/lib/catalog/views";

const labels: Record<SalePhase, string> = {
  live: "Live",
  upcoming: "Upcoming",
  ended: "Ended",
  paused: "Paused",
  cancelled: "Cancelled",
};
const classes: Record<SalePhase, string> = {
  live: "badge badge-live",
  upcoming: "badge",
  ended: "badge badge-ended",
  paused: "badge badge-paused",
  cancelled: "badge badge-cancelled",
};

export const phaseOf = (
  s: { startsAt: Date; endsAt: Date; status: "scheduled" | "paused" | "cancelled" },
  now = Date.now(),
) =>
  salePhase(
    { startsAt: s.startsAt.toISOString(), endsAt: s.endsAt.toISOString(), status: s.status },
    now,
  );

/** The sale's phase at render time (admin pages are rendered per request). */
export function SalePhaseBadge({ phase }: { phase: SalePhase }) {
  return <span className={classes[phase]}>{labels[phase]}</span>;
}

/** Each sale with its phase, all judged at the same instant. */
export function withPhases<T extends Parameters<typeof phaseOf>[0]>(list: T[]) {
  const now = Date.now();
  return list.map((s) => ({ ...s, phase: phaseOf(s, now) }));
}
