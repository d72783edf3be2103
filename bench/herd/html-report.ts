import type { HerdReport } from "./report";
import { compact, esc, legend, lineChart, logHistogram, stackedArea } from "./svg-charts";
import { OUTCOMES, type Outcome } from "./target";

/** The self-contained HTML report: inline CSS and inline SVG, nothing fetched. */

export const OUTCOME_COLORS: Record<Outcome, string> = {
  secured: "#16a34a",
  in_line: "#0ea5e9",
  sold_out: "#94a3b8",
  already_purchased: "#a855f7",
  ended: "#78716c",
  not_started: "#eab308",
  gave_up_busy: "#f97316",
  gave_up_rate_limited: "#dc2626",
  error: "#7f1d1d",
  unanswered: "#111827",
};
const LABELS: Record<Outcome, string> = {
  secured: "secured",
  in_line: "in line",
  sold_out: "sold out",
  already_purchased: "already purchased",
  ended: "ended",
  not_started: "not started",
  gave_up_busy: "gave up (busy)",
  gave_up_rate_limited: "gave up (rate limited)",
  error: "error",
  unanswered: "no answer",
};

const num = (v: number) => v.toLocaleString("en-US");
const ms = (v: number) => (v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${Math.round(v)} ms`);
const sec = (v: number) => `${+(v / 1000).toFixed(1)} s`;

function card(title: string, value: string, sub: string, tone = "") {
  return `<div class="card ${tone}"><div class="card-title">${esc(title)}</div><div class="card-value">${value}</div><div class="card-sub">${sub}</div></div>`;
}

function table(head: string[], rows: (string | number)[][], cls = "") {
  return `<table class="${cls}"><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join("")}</tr></thead><tbody>${rows
    .map(
      (r) => `<tr>${r.map((c) => `<td>${typeof c === "number" ? num(c) : c}</td>`).join("")}</tr>`,
    )
    .join("")}</tbody></table>`;
}

function chart(title: string, note: string, svgText: string, legendHtml = "") {
  return `<figure class="chart"><figcaption><b>${esc(title)}</b><span>${esc(note)}</span></figcaption>${svgText}${legendHtml}</figure>`;
}

export function renderHtml(r: HerdReport, jsonName: string): string {
  const s = r.summary;
  const c = r.charts;
  const modeName = r.mode === "stampede" ? "Stampede" : "Naive baseline";
  const within = s.answeredWithin3sPct;
  const tone = within >= 99 ? "good" : within >= 90 ? "warn" : "bad";

  // Answers over time: cumulative, stacked by outcome; clicks as a dashed line.
  const xs = c.clicks.map((_, i) => c.startMs + (i + 1) * c.bucketMs);
  const present = OUTCOMES.filter((o) => c.answers[o]?.some((v) => v > 0));
  const layers = present.map((o) => {
    let acc = 0;
    return {
      name: LABELS[o],
      color: OUTCOME_COLORS[o],
      values: (c.answers[o] ?? []).map((v) => (acc += v)),
    };
  });
  let clicksAcc = 0;
  const clickLine = xs.map((x, i) => [x, (clicksAcc += c.clicks[i] ?? 0)] as [number, number]);
  const answersSvg = stackedArea({
    title: "Answers over time",
    xs,
    layers,
    overlay: { name: "clicks", color: "#0f172a", points: clickLine },
    xLabel: "time since the sale opened",
    yLabel: "shoppers (cumulative)",
    fmtX: sec,
    markers: [{ x: 0, label: "open" }],
  });

  const latencySvg = logHistogram({
    title: "Click to answer",
    edges: c.latency.edgesMs,
    counts: c.latency.counts,
    colorOf: (lo) => (lo < 3000 ? "#16a34a" : "#dc2626"),
    xLabel: "click → answer (log scale)",
    yLabel: "shoppers",
    markAt: { x: 3000, label: "3 s" },
  });

  const st = c.stock;
  const stockSvg = lineChart({
    title: "Stock over time",
    series: [
      { name: "available", color: "#16a34a", points: st.map((p) => [p.t, p.available]) },
      { name: "held (checking out)", color: "#f59e0b", points: st.map((p) => [p.t, p.held]) },
      { name: "sold", color: "#2563eb", points: st.map((p) => [p.t, p.sold]) },
      { name: "in line", color: "#0ea5e9", points: st.map((p) => [p.t, p.inLine]), dash: true },
    ],
    xLabel: "time since the sale opened",
    yLabel: "units / shoppers",
    fmtX: sec,
    markers: [{ x: 0, label: "open" }],
  });

  const rpsSvg = lineChart({
    title: "Requests per second",
    series: [
      { name: "responses per second", color: "#7c3aed", points: c.rps.map((p) => [p.t, p.rps]) },
    ],
    xLabel: "time since the sale opened",
    yLabel: "responses / s",
    fmtX: sec,
    markers: [{ x: 0, label: "open" }],
  });

  const lagSvg = lineChart({
    title: "Client event-loop lag",
    series: [
      { name: "event-loop lag", color: "#dc2626", points: c.lag.map((p) => [p.t, p.lagMs]) },
    ],
    xLabel: "time since the sale opened",
    yLabel: "ms (worst per 250 ms)",
    fmtX: sec,
    markers: [{ x: 0, label: "open" }],
  });

  const queueSvg = lineChart({
    title: "Requests in flight and queued",
    series: [
      { name: "in flight", color: "#0f766e", points: c.active.map((p) => [p.t, p.active]) },
      {
        name: "queued in the client",
        color: "#a16207",
        points: c.active.map((p) => [p.t, p.queued]),
        dash: true,
      },
    ],
    xLabel: "time since the sale opened",
    yLabel: "requests",
    fmtX: sec,
    markers: [{ x: 0, label: "open" }],
  });

  const cpuSvg = lineChart({
    title: "CPU",
    series: [
      {
        name: "whole machine busy",
        color: "#334155",
        points: (c.cpu ?? [])
          .filter((p) => Number.isFinite(p.machinePct))
          .map((p) => [p.t, p.machinePct]),
      },
      {
        name: "the herd client",
        color: "#dc2626",
        points: (c.cpu ?? []).map((p) => [p.t, p.clientPct]),
      },
    ],
    xLabel: "time since the sale opened",
    yLabel: "% of all cores",
    yMax: 100,
    fmtX: sec,
    markers: [{ x: 0, label: "open" }],
  });

  const inv = s.invariant;
  const agreement =
    r.mode === "stampede"
      ? `${num(inv.ordersInPg)} orders in PostgreSQL = ${num(inv.soldByGate)} sold in Redis = ${num(inv.soldInPg)} in <code>sales.sold</code> ≤ ${num(inv.stock)} units`
      : `${num(inv.ordersInPg)} orders in PostgreSQL = ${num(inv.soldInPg)} units taken from the sale's stock row ≤ ${num(inv.stock)} units`;
  const verdict = inv.ok
    ? `<div class="verdict ok"><b>✓ Invariant holds.</b> ${agreement} · no shopper with two orders · the herd was told of ${num(inv.ordersSeenByHerd)} orders.</div>`
    : `<div class="verdict bad"><b>✗ Invariant broken.</b> ${inv.problems.map(esc).join("; ")}</div>`;

  const endpoints = Object.entries(s.requests.byEndpoint).filter(([, v]) => v.total > 0);
  const codes = [...new Set(endpoints.flatMap(([, v]) => Object.keys(v.statuses)))].sort();
  const httpTable = table(
    ["endpoint", ...codes.map((k) => (k === "0" ? "no response" : k)), "total"],
    [
      ...endpoints.map(([name, v]) => [
        `<code>${name}</code>`,
        ...codes.map((k) => v.statuses[k] ?? 0),
        v.total,
      ]),
    ],
    "num",
  );

  const outcomeRows = OUTCOMES.filter((o) => s.outcomes[o] > 0).map((o) => [
    `<i class="dot" style="background:${OUTCOME_COLORS[o]}"></i>${LABELS[o]}`,
    s.outcomes[o],
    `${((s.outcomes[o] / Math.max(1, s.shoppers)) * 100).toFixed(2)}%`,
  ]);

  const server = s.server;
  const serverRows: (string | number)[][] = [];
  if (server) {
    serverRows.push(
      [
        "SQL statements sent by the shop (<code>stampede_db_queries_total</code>)",
        server.dbQueries,
      ],
      [
        "Redis commands sent by the shop (<code>stampede_redis_commands_total</code>)",
        server.redisCommands,
      ],
      ...Object.entries(server.buyNow).map(([k, v]) => [
        `Buy Now answers: <code>${esc(k)}</code>`,
        v,
      ]),
      ...Object.entries(server.checkout).map(([k, v]) => [`checkouts: <code>${esc(k)}</code>`, v]),
      ...Object.entries(server.sessionReads).map(([k, v]) => [
        `session cookies read: <code>${esc(k)}</code> (<code>stampede_session_reads_total</code>)`,
        v,
      ]),
    );
  }
  if (s.serverCpu)
    serverRows.push([
      s.serverCpu.pids
        ? `server processes' CPU (pids ${s.serverCpu.pids.join(", ")}, from /proc)`
        : `server process CPU (pid ${s.serverCpu.pid}, from /proc)`,
      `${s.serverCpu.seconds} s · ${s.serverCpu.msPerRequest} ms per request`,
    ]);
  if (s.pg)
    serverRows.push(
      ["PostgreSQL transactions committed (<code>pg_stat_database</code>)", s.pg.xactCommit],
      ["PostgreSQL transactions rolled back", s.pg.xactRollback],
      ["rows returned / fetched", `${num(s.pg.tupReturned)} / ${num(s.pg.tupFetched)}`],
      ["rows inserted / updated", `${num(s.pg.tupInserted)} / ${num(s.pg.tupUpdated)}`],
    );

  const cfg = r.config;
  const configRows = [
    ["shoppers", num(cfg.shoppers)],
    ["stock", num(cfg.stock)],
    ["arrival spread", sec(cfg.spreadMs)],
    ["concurrency (client)", num(cfg.concurrency)],
    ["pollers (sample)", `${num(cfg.pollers)} every ~${cfg.pollIntervalMs} ms`],
    ["request timeout", sec(cfg.requestTimeoutMs)],
    ["sale opened", `${sec(cfg.startInMs)} after set-up`],
    ["hold", `${cfg.holdSeconds} s`],
    [
      "set-up",
      `${num(r.setupMs.shoppers)} ms inserting shoppers, ${num(r.setupMs.cookies)} ms minting cookies`,
    ],
    [
      "machine",
      `${r.machine.cpus} cores · Node ${esc(r.machine.node)} · load ${r.machine.loadAvgBefore.join(" / ")} before, ${r.machine.loadAvgAfter.join(" / ")} after`,
    ],
    [
      "target",
      `<code>${esc(r.target)}</code> · sale <code>${esc(r.saleId)}</code>${r.commit ? ` · commit <code>${esc(r.commit)}</code>` : ""}`,
    ],
  ];

  const co = s.checkout;
  const extraRows: (string | number)[][] = [];
  if (r.mode === "stampede") {
    extraRows.push(
      ...Object.entries(co.statuses).map(([k, v]) => [`checkout <code>${esc(k)}</code>`, v]),
      [
        "checkout latency p50 / p99 / max",
        `${ms(co.latencyMs.p50)} / ${ms(co.latencyMs.p99)} / ${ms(co.latencyMs.max)}`,
      ],
      ["in line → got a unit later", s.line.promoted],
      ["in line → line closed (sold out)", s.line.closed],
      ["in line → still waiting at the end", s.line.stillWaiting],
    );
  }
  if (s.panel)
    extraRows.push([
      "sale panel's /me before the start (200; answered after the start; last answered at)",
      `${num(s.panel.requests)} (${num(s.panel.ok)}; ${num(s.panel.afterStart)}; ${s.panel.lastAtMs === null ? "—" : `t${s.panel.lastAtMs >= 0 ? "+" : "−"}${ms(Math.abs(s.panel.lastAtMs))}`})`,
    ]);
  extraRows.push(
    ["polls (304 Not Modified)", `${num(s.polls.requests)} (${num(s.polls.notModified)})`],
    ["Buy Now attempts per shopper (mean)", String(s.attemptsMean)],
    [
      "client event-loop lag p50 / p99 / max",
      `${ms(s.client.lagMs.p50)} / ${ms(s.client.lagMs.p99)} / ${ms(s.client.lagMs.max)}`,
    ],
    [
      "click fired late by (p50 / p99 / max)",
      `${ms(s.client.clickLateMs.p50)} / ${ms(s.client.clickLateMs.p99)} / ${ms(s.client.clickLateMs.max)}`,
    ],
    [
      "queued in the client (p50 / p99 / max of waits)",
      s.client.queueWaitMs.n
        ? `${ms(s.client.queueWaitMs.p50)} / ${ms(s.client.queueWaitMs.p99)} / ${ms(s.client.queueWaitMs.max)}`
        : "never",
    ],
  );

  const lat = s.latencyMs;
  // Reports written before the CPU meter existed have no CPU figures.
  const cpu = (s.client.cpu as typeof s.client.cpu | undefined) ?? null;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Herd report · ${esc(modeName)} · ${num(cfg.shoppers)} shoppers / ${num(cfg.stock)} units</title>
<style>
:root{--fg:#0f172a;--muted:#64748b;--line:#e2e8f0;--bg:#f8fafc;--good:#15803d;--warn:#b45309;--bad:#b91c1c}
*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:1200px;margin:0 auto;padding:28px 24px 48px}
header{display:flex;justify-content:space-between;align-items:flex-end;gap:16px;flex-wrap:wrap;margin-bottom:16px}
h1{font-size:24px;margin:4px 0}h2{font-size:16px;margin:28px 0 10px}
.badge{display:inline-block;padding:2px 10px;border-radius:999px;font-size:12px;font-weight:600;letter-spacing:.02em;background:${r.mode === "stampede" ? "#dcfce7;color:#166534" : "#fee2e2;color:#991b1b"}}
.meta{color:var(--muted);font-size:13px}
.verdict{padding:10px 14px;border-radius:10px;margin:8px 0 16px;border:1px solid}
.verdict.ok{background:#f0fdf4;border-color:#bbf7d0}.verdict.bad{background:#fef2f2;border-color:#fecaca}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:12px}
.card{background:#fff;border:1px solid var(--line);border-radius:12px;padding:12px 14px}
.card-title{font-size:12px;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}
.card-value{font-size:26px;font-weight:700;margin:2px 0;font-variant-numeric:tabular-nums}
.card-sub{font-size:12px;color:var(--muted)}
.card.good .card-value{color:var(--good)}.card.warn .card-value{color:var(--warn)}.card.bad .card-value{color:var(--bad)}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(520px,1fr));gap:14px}
.chart{margin:0;background:#fff;border:1px solid var(--line);border-radius:12px;padding:12px 14px}
.chart figcaption{display:flex;flex-direction:column;margin-bottom:4px}.chart figcaption span{color:var(--muted);font-size:12px}
.chart svg{width:100%;height:auto;display:block}
.grid{stroke:#eef2f7}.axis{stroke:#94a3b8}.tick{font-size:11px;fill:#64748b}.label{font-size:11px;fill:#475569}
.marker{stroke:#0f172a;stroke-dasharray:3 3;stroke-opacity:.5}.marker-label{font-size:10px;fill:#0f172a}
.legend{display:flex;flex-wrap:wrap;gap:4px 14px;font-size:12px;color:#334155;margin-top:4px}
.legend i{display:inline-block;width:14px;height:4px;border-radius:2px;margin-right:6px;vertical-align:middle}
.tables{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:14px}
.panel{background:#fff;border:1px solid var(--line);border-radius:12px;padding:12px 14px;overflow-x:auto}
.panel h3{margin:0 0 8px;font-size:14px}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{padding:5px 8px;border-bottom:1px solid var(--line);text-align:left}
th{font-weight:600;color:#475569;font-size:12px}table.num td:not(:first-child),table.num th:not(:first-child){text-align:right;font-variant-numeric:tabular-nums}
td:last-child{font-variant-numeric:tabular-nums}
.dot{display:inline-block;width:10px;height:10px;border-radius:3px;margin-right:8px;vertical-align:-1px}
code{font:12px ui-monospace,SFMono-Regular,Menlo,monospace;background:#f1f5f9;padding:1px 4px;border-radius:4px}
ul.notes{margin:0;padding-left:18px;color:#334155}ul.notes li{margin:4px 0}
footer{margin-top:24px;color:var(--muted);font-size:12px}
</style></head><body><main>
<header><div><span class="badge">${esc(modeName)}</span>
<h1>${num(cfg.shoppers)} shoppers press Buy Now for ${num(cfg.stock)} units</h1>
<div class="meta">${esc(r.createdAt)} · arrivals over ${sec(cfg.spreadMs)} · ${esc(r.target)}${s.aborted ? " · <b>stopped at the time limit</b>" : ""}</div></div></header>
${verdict}
<section class="cards">
${card("Answered ≤ 3 s", `${within.toFixed(within === 100 ? 0 : 1)}%`, `${num(s.answeredWithin3s)} of ${num(s.shoppers)} shoppers got a true answer in time`, tone)}
${card("Click → answer", ms(lat.p50), `p50 · p95 ${ms(lat.p95)} · p99 ${ms(lat.p99)} · max ${ms(lat.max)}`)}
${card("Served", `${num(s.rps.mean)}/s`, `mean over ${sec(s.rps.activeWindowMs)} · peak ${num(s.rps.peak)}/s · ${num(s.requests.total)} requests`)}
${card("Pushed back", `${num(s.requests.status429 + s.requests.status503)}`, `429: ${num(s.requests.status429)} · 503: ${num(s.requests.status503)} · no response: ${num(s.requests.noResponse)}`)}
${card("PostgreSQL", server ? compact(server.dbQueries) : s.pg ? compact(s.pg.xactCommit + s.pg.xactRollback) : "–", server ? "SQL statements sent by the shop" : "transactions (pg_stat_database)")}
${card("Redis", server ? compact(server.redisCommands) : "0", server ? "commands sent by the shop" : "the baseline uses none")}
${card("Client lag", ms(s.client.lagMs.p99), `event loop p99 · max ${ms(s.client.lagMs.max)}${cpu ? ` · the client used ${cpu.clientPct}% of the machine, which was ${cpu.machinePct}% busy` : ""}`, s.client.lagMs.p99 > 100 ? "warn" : "")}
</section>
<h2>Charts</h2>
<section class="charts">
${chart("Answers over time", "cumulative answers by outcome; dashed: clicks so far", answersSvg, legend([...layers.map((l) => ({ name: l.name, color: l.color })), { name: "clicks", color: "#0f172a", dash: true }]))}
${chart(
  "Latency distribution",
  "click → final answer, every shopper who got one; green ≤ 3 s",
  latencySvg,
  legend([
    { name: "≤ 3 s", color: "#16a34a" },
    { name: "> 3 s", color: "#dc2626" },
  ]),
)}
${chart(
  "Stock over time",
  "from the public state endpoint, sampled twice a second",
  stockSvg,
  legend([
    { name: "available", color: "#16a34a" },
    { name: "held (checking out)", color: "#f59e0b" },
    { name: "sold", color: "#2563eb" },
    { name: "in line", color: "#0ea5e9", dash: true },
  ]),
)}
${chart("Requests per second", "responses of any status received by the herd, 1 s windows", rpsSvg)}
${chart(
  "Requests in flight and queued",
  "in flight: at the server (at most --concurrency); queued: waiting in the herd for a connection, which counts in the shoppers' latency",
  queueSvg,
  legend([
    { name: "in flight", color: "#0f766e" },
    { name: "queued in the client", color: "#a16207", dash: true },
  ]),
)}
${chart("Client event-loop lag", "the herd's own delay: high here means a slow client, not a slow server", lagSvg)}
${chart(
  "CPU",
  "the whole machine (server, Redis, PostgreSQL, the herd and anything else running) and the herd's own share",
  cpuSvg,
  legend([
    { name: "whole machine busy", color: "#334155" },
    { name: "the herd client", color: "#dc2626" },
  ]),
)}
</section>
<h2>Details</h2>
<section class="tables">
<div class="panel"><h3>Outcomes</h3>${table(["answer", "shoppers", "share"], outcomeRows, "num")}</div>
<div class="panel"><h3>HTTP responses by endpoint</h3>${httpTable}</div>
<div class="panel"><h3>Server and database during the run</h3>${table(["counter", "delta"], serverRows, "num")}</div>
<div class="panel"><h3>Checkout, line and client</h3>${table(["", ""], extraRows, "num")}</div>
<div class="panel"><h3>Configuration</h3>${table(["", ""], configRows)}</div>
<div class="panel"><h3>What was simulated</h3><ul class="notes">${r.simulated.map((n) => `<li>${esc(n)}</li>`).join("")}</ul></div>
</section>
<footer>Generated by <code>npm run herd</code> · data: <code>${esc(jsonName)}</code></footer>
</main></body></html>
`;
}
