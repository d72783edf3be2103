import { processSingleton } from "@/lib/singleton";

/**
 * What Buy Now presses cost this process, by the kind of answer they got: how many, the time
 * spent on each press's own synchronous path (from the route being called to its answer, less
 * the wait for Redis: JavaScript that runs without yielding is CPU time; HTTP parsing and writing
 * are not in it), and the Redis commands sent on its behalf. Read by /api/metrics
 * (stampede_press_work) and the herd's report. `refresh` counts the sale-state reads a press had to
 * wait for (shared by every press waiting on it, so not a press of its own).
 */

export const PRESS_KINDS = [
  "secured",
  "in_line",
  "sold_out",
  "ended",
  "shed",
  "rate_limited",
  "other",
  "refresh",
] as const;
export type PressKind = (typeof PRESS_KINDS)[number];

type Tally = { answers: number; handlerSeconds: number; redisCommands: number };
const work = processSingleton(
  "pressWork",
  () =>
    Object.fromEntries(
      PRESS_KINDS.map((k) => [k, { answers: 0, handlerSeconds: 0, redisCommands: 0 }]),
    ) as Record<PressKind, Tally>,
);

export function notePress(kind: PressKind, handlerMs: number, redisCommands: number): void {
  const t = work[kind];
  t.answers++;
  t.handlerSeconds += handlerMs / 1000;
  t.redisCommands += redisCommands;
}

/** The kind of answer a Buy Now status is. */
export function pressKind(status: string): PressKind {
  switch (status) {
    case "secured":
    case "in_line":
    case "sold_out":
    case "ended":
    case "rate_limited":
      return status;
    case "unavailable":
      return "shed";
    default:
      return "other";
  }
}

export const pressWork = (): Record<PressKind, Readonly<Tally>> => work;
