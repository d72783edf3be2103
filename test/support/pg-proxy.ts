import net from "node:net";

/**
 * A TCP proxy in front of PostgreSQL that can play "PostgreSQL stopped" for real without
 * touching the shared server: `down()` closes the listener (new connections are refused) and
 * destroys every live connection (queries in flight fail with a reset); `up()` listens again on
 * the same port. Tests point DATABASE_URL at `url(realUrl)`.
 */

export type PgProxy = {
  readonly port: number;
  isUp(): boolean;
  /** Live client connections through the proxy. */
  connections(): number;
  down(): Promise<void>;
  up(): Promise<void>;
  /** `realUrl` with its host and port replaced by the proxy's. */
  url(realUrl: string): string;
  close(): Promise<void>;
};

export async function startPgProxy(target: { host: string; port: number }): Promise<PgProxy> {
  const sockets = new Set<net.Socket>();
  const clients = new Set<net.Socket>();
  const server = net.createServer((client) => {
    clients.add(client);
    client.on("close", () => clients.delete(client));
    const upstream = net.connect(target.port, target.host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
      // Either side failing ends the pair, as a dead server would.
      s.on("error", () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  });
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        server.off("error", reject);
        resolve();
      });
    });
  await listen(0);
  const port = (server.address() as net.AddressInfo).port;
  let up = true;

  const down = async () => {
    if (!up) return;
    up = false;
    const closed = new Promise<void>((r) => server.close(() => r()));
    for (const s of sockets) s.destroy();
    await closed;
  };

  return {
    port,
    isUp: () => up,
    connections: () => clients.size,
    down,
    async up() {
      if (up) return;
      await listen(port);
      up = true;
    },
    url(realUrl) {
      const u = new URL(realUrl);
      u.hostname = "127.0.0.1";
      u.port = String(port);
      return u.toString();
    },
    async close() {
      await down();
    },
  };
}

/** host and port of a postgres:// URL (default port 5432). */
export function pgTarget(url: string): { host: string; port: number } {
  const u = new URL(url);
  return { host: u.hostname || "127.0.0.1", port: Number(u.port || 5432) };
}
