import type { Page } from "@playwright/test";

/**
 * A page's renderer CPU time per second of wall clock, from Chrome's own performance metrics
 * over CDP: `ProcessTime` is the CPU time of the page's renderer process, every thread of it
 * (script, style, layout, paint, raster, compositing). CPU time, not task wall time, so a busy
 * machine does not inflate it. Start a meter with cpuMeter(page), read it with perSecond().
 */
export async function cpuMeter(page: Page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Performance.enable", { timeDomain: "timeTicks" });
  const sample = async () => {
    const { metrics } = await cdp.send("Performance.getMetrics");
    const value = (name: string) => metrics.find((m) => m.name === name)?.value ?? NaN;
    return { cpu: value("ProcessTime"), main: value("ThreadTime"), at: value("Timestamp") };
  };
  let start = await sample();
  return {
    /**
     * Milliseconds of CPU per second since the meter started (or was reset): the whole renderer
     * process, and its main thread alone.
     */
    async read(): Promise<{ cpu: number; main: number }> {
      const end = await sample();
      const seconds = Math.max(1e-3, end.at - start.at);
      return {
        cpu: ((end.cpu - start.cpu) / seconds) * 1000,
        main: ((end.main - start.main) / seconds) * 1000,
      };
    },
    async reset() {
      start = await sample();
    },
    detach: () => cdp.detach(),
  };
}
