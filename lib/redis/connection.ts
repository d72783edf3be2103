import { createClient, createCluster } from "redis";
import { firstKey } from "./routing";

/**
 * The socket side of the TCP requester: one Redis server (createClient) or a Redis Cluster
 * (createCluster, seeded with some of its nodes; node-redis follows MOVED/ASK and refreshes the
 * slot map itself). Both speak RESP2, fail at once while disconnected, and send every command to
 * a master, routed by its first key (lib/redis/routing.ts).
 */

export type Connection = {
  readonly isOpen: boolean;
  readonly isReady: boolean;
  connect(): Promise<unknown>;
  quit(): Promise<void>;
  send(args: string[]): Promise<unknown>;
  /** MULTI/EXEC on the node of the first keyed command (all its keys must share that slot). */
  multi(commands: string[][]): Promise<unknown[]>;
  /**
   * Writes `markerKey` on its master, then WAITs: the number of replicas (up to `replicas`) that
   * hold everything that master had written before the marker, after at most `timeoutMs`.
   */
  replicated(markerKey: string, replicas: number, timeoutMs: number): Promise<number>;
  on(event: "error", listener: (error: unknown) => void): void;
};

const socket = {
  connectTimeout: 2_000,
  reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 2_000),
};

// No per-command timeout in node-redis: it arms an AbortSignal.timeout for every command, which
// costs several times the command's own CPU, and the requester already bounds every command
// with its own deadline.
const commandOptions = { timeout: 0 };

type NodeClient = {
  sendCommand(args: string[]): Promise<unknown>;
};

/** The marker and WAIT go out back to back on one socket, so WAIT covers the marker. */
async function markAndWait(
  client: NodeClient,
  markerKey: string,
  replicas: number,
  timeoutMs: number,
): Promise<number> {
  const [, acked] = await Promise.all([
    client.sendCommand(["SET", markerKey, "1", "PX", "60000"]),
    client.sendCommand(["WAIT", String(replicas), String(timeoutMs)]),
  ]);
  return Number(acked);
}

export function singleConnection(url: string, name?: string): Connection {
  const client = createClient({
    url,
    RESP: 2,
    name,
    // Commands issued while disconnected fail at once rather than waiting in memory.
    disableOfflineQueue: true,
    commandOptions,
    socket,
  });
  return {
    get isOpen() {
      return client.isOpen;
    },
    get isReady() {
      return client.isReady;
    },
    connect: () => client.connect(),
    quit: async () => {
      if (client.isOpen) await client.quit();
    },
    send: (args) => client.sendCommand(args),
    multi: (commands) => {
      const m = client.multi();
      for (const c of commands) m.addCommand(c);
      return m.exec() as Promise<unknown[]>;
    },
    replicated: (markerKey, replicas, timeoutMs) =>
      markAndWait(client, markerKey, replicas, timeoutMs),
    on: (event, listener) => void client.on(event, listener),
  };
}

/** `nodes`: "host:port" seeds; the rest of the cluster is discovered from them. */
export function clusterConnection(nodes: readonly string[], name?: string): Connection {
  const cluster = createCluster({
    rootNodes: nodes.map((n) => ({ url: `redis://${n}` })),
    defaults: { name, disableOfflineQueue: true, socket },
    RESP: 2,
    commandOptions,
    // Replicas only serve reads that may be stale; the gate reads what it just wrote.
    useReplicas: false,
  });
  return {
    get isOpen() {
      return cluster.isOpen;
    },
    get isReady() {
      return cluster.isReady;
    },
    connect: () => cluster.connect(),
    quit: async () => {
      if (cluster.isOpen) await cluster.close();
    },
    send: (args) => cluster.sendCommand(firstKey(args), false, args),
    multi: (commands) => {
      const routing = commands.map(firstKey).find((k) => k !== undefined);
      const m = cluster.multi(routing);
      for (const c of commands) m.addCommand(firstKey(c), false, c);
      return m.exec() as Promise<unknown[]>;
    },
    replicated: async (markerKey, replicas, timeoutMs) =>
      markAndWait(await cluster.getNodeClientForKey(markerKey), markerKey, replicas, timeoutMs),
    on: (event, listener) => void cluster.on(event, listener),
  };
}
