import { portOpen } from "./services";

/**
 * The first of `count` consecutive free ports in [from, to], starting the search at a random
 * place so two runs started together (drills, cluster tests) rarely race for the same ports.
 */
export async function freeRange(from: number, to: number, count: number): Promise<number> {
  const span = to - from + 1;
  const offset = Math.floor(Math.random() * span);
  for (let k = 0; k < span; k++) {
    const start = from + ((offset + k) % span);
    if (start + count - 1 > to) continue;
    let free = true;
    for (let p = start; p < start + count && free; p++) free = !(await portOpen(p));
    if (free) return start;
  }
  throw new Error(`no ${count} free ports in ${from}–${to}`);
}
