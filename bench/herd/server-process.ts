import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";

/**
 * The target server's own CPU time, read from /proc (Linux), so a report can say how much CPU
 * each request cost the server — the number that tells a slow design from a busy machine.
 */

const CLOCK_TICKS = 100; // USER_HZ on Linux

/** CPU seconds (user + system) the process has used, or null when it cannot be read. */
export function processCpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name, which is in parentheses and may contain spaces.
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(f[11]) + Number(f[12])) / CLOCK_TICKS;
  } catch {
    return null;
  }
}

/** The pid listening on 127.0.0.1:port, from `ss -ltnp` (null when unknown). */
export function listenerPid(port: number): number | null {
  const out = spawnSync("ss", ["-Hltnp", `sport = :${port}`], { encoding: "utf8" });
  const m = /pid=(\d+)/.exec(out.stdout ?? "");
  return m ? Number(m[1]) : null;
}
