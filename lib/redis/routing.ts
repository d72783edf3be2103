/**
 * Which key a command is routed by on a Redis Cluster. node-redis's raw `sendCommand` routes by
 * the key it is given and sends a command without one to any node, so the requester names the
 * first key of every command it forwards. Commands without keys (TIME, PING, SCRIPT LOAD, WAIT…)
 * answer the same on any master; multi-key commands must keep their keys on one slot (hash tags).
 */

const KEYLESS = new Set([
  "time",
  "ping",
  "echo",
  "script",
  "info",
  "dbsize",
  "flushdb",
  "flushall",
  "command",
  "cluster",
  "wait",
  "client",
  "config",
  "multi",
  "exec",
  "discard",
  "readonly",
  "readwrite",
  "hello",
  "scan",
  "keys",
  "randomkey",
]);

/** The first key of `args` (a command as sent: name first), or undefined when it has none. */
export function firstKey(args: readonly string[]): string | undefined {
  const name = args[0]?.toLowerCase();
  if (!name || KEYLESS.has(name)) return undefined;
  switch (name) {
    case "eval":
    case "evalsha":
    case "eval_ro":
    case "evalsha_ro":
    case "fcall":
    case "fcall_ro":
      return Number(args[2]) > 0 ? args[3] : undefined;
    case "xread":
    case "xreadgroup": {
      const at = args.findIndex((a, i) => i > 0 && a.toLowerCase() === "streams");
      return at > 0 ? args[at + 1] : undefined;
    }
    case "xgroup":
    case "xinfo":
    case "object":
    case "memory":
      return args[2];
    default:
      return args[1];
  }
}

/**
 * The part of `key` Redis Cluster hashes: the text inside its first `{…}` when non-empty, else the
 * whole key. Two keys with the same hash tag are always on one slot.
 */
export function hashTag(key: string): string {
  const open = key.indexOf("{");
  if (open >= 0) {
    const close = key.indexOf("}", open + 1);
    if (close > open + 1) return key.slice(open + 1, close);
  }
  return key;
}
