import type { DrillDefinition } from "../run";
import { killInstance } from "./kill-instance";
import { killWorker } from "./kill-worker";
import { pgDown } from "./pg-down";
import { redisRestart } from "./redis-restart";

/** Every drill by name; `all` runs the four of the issue (redis-crash, a SIGKILL variant, on request). */
export const DRILLS: Record<string, DrillDefinition> = {
  "redis-restart": redisRestart("shutdown"),
  "pg-down": pgDown,
  "kill-instance": killInstance,
  "kill-worker": killWorker,
  "redis-crash": redisRestart("crash"),
};

export const ALL = ["redis-restart", "pg-down", "kill-instance", "kill-worker"];
