import { describe, expect, it } from "vitest";
import { ALL, DRILLS } from "./faults";
import { formatReport, runDrill } from "./run";

/**
 * The fault drills in their quick form, in CI: each starts its own database, Redis, fast-lane
 * instances (no build needed), outbox workers and nginx, runs a small herd through a fault
 * and checks the invariant. Correctness only — answers, orders, a bounded response time — never
 * speed. `npm run drill -- all` runs the bigger forms; `--server next` runs server.ts instances.
 */

describe.sequential("fault drills (quick)", () => {
  for (const name of ALL) {
    it(name, { timeout: 180_000 }, async () => {
      const report = await runDrill(DRILLS[name]!, { quick: true, server: "lane" });
      console.log(formatReport(report));
      expect(report.problems).toEqual([]);
      expect(report.check?.figures.ordersInPg).toBeGreaterThan(0);
    });
  }
});
