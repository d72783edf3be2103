import type { DrillDefinition } from "../run";
import { killInstance } from "./kill-instance";
import { killWorker } from "./kill-worker";
import { pgDown } from "./pg-down";
import { redisRestart } from "./redis-restart";
import { shardFailover } from "./shard-failover";

/**
 * Every drill by name; `all` runs the four of the issue (redis-crash, a SIGKILL variant, and
 * shard-failover, on its own Redis Cluster, on request).
 */
export const DRILLS: Record<string, DrillDefinition> = {
  "redis-restart": redisRestart("shutdown"),
  "pg-down": pgDown,
  "kill-instance": killInstance,
  "kill-worker": killWorker,
  "redis-crash": redisRestart("crash"),
  "shard-failover": shardFailover,
};

export const ALL = ["redis-restart", "pg-down", "kill-instance", "kill-worker"];
