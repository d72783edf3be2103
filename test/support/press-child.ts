import { createInterface } from "node:readline";
import { pressWork } from "@/lib/gate/press-work";
import { getPublicState } from "@/lib/gate/public-state";
import { postToken } from "@/lib/http/sale-api";
import { redis, redisHandle } from "@/lib/redis/client";

/**
 * Another instance for the Buy Now tests: a real process with its own Redis connection and its
 * own knowledge of sales. Says "ready", then answers one JSON command per line of stdin:
 * `{"press": saleId, "cookie": "…"}` → the reply postToken gives, `{"state": saleId}` → the sale's
 * public state (which teaches this process what the sale has left), `{"work": true}` → its
 * press counts by kind. Usage: node --import tsx test/support/press-child.ts
 */

type Command = { press?: string; cookie?: string; state?: string; work?: boolean };

async function run(c: Command): Promise<unknown> {
  if (c.press) return postToken(c.press, { cookie: c.cookie ?? null });
  if (c.state) return (await getPublicState(c.state)).state;
  if (c.work) return pressWork();
  return { error: "unknown command" };
}

async function main() {
  await redis().ping();
  process.stdout.write("ready\n");
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    if (line === "") continue;
    const reply = await run(JSON.parse(line) as Command);
    process.stdout.write(`${JSON.stringify(reply)}\n`);
  }
  await redisHandle().close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
