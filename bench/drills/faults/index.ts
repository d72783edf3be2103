import type { DrillDefinition } from "../run";
import { killInstance } from "./kill-instance";
import { killWorker } from "./kill-worker";
import { pgDown } from "./pg-down";
import { receiptsCrash } from "./receipts-crash";
import { redisRestart } from "./redis-restart";
import { shardFailover } from "./shard-failover";

/**
 * Every drill by name; `all` runs these but redis-crash (a SIGKILL variant of redis-restart) and
 * shard-failover (on a Redis Cluster of its own), which run on request.
 */
export const DRILLS: Record<string, DrillDefinition> = {
  "redis-restart": redisRestart("shutdown"),
  "pg-down": pgDown,
  "kill-instance": killInstance,
  "kill-worker": killWorker,
  "redis-crash": redisRestart("crash"),
  "shard-failover": shardFailover,
  "receipts-crash": receiptsCrash,
};

export const ALL = ["redis-restart", "pg-down", "kill-instance", "kill-worker", "receipts-crash"];
