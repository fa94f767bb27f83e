// A deployment: its drift over time (per column, with the threshold drawn) and its health checks.

import { get } from "../api.js";
import { metricChart } from "../chart.js";
import { badge, empty, fill, h, keyValues, lineageLink, number, section, setTitle, when } from "../dom.js";
import { sortableTable } from "../table.js";

export async function deploymentPage(view, { ref, isCurrent }) {
  const data = await get("ui/deployment", { ref });
  if (!isCurrent()) return;
  const { deployment, drift, health } = data;
  setTitle(deployment.ref, "deployment");
  const latest = health.at(-1);
  fill(
    view,
    h("h1", {}, `${deployment.name} @${deployment.version}`, badge("Deployment"), lineageLink(deployment.ref, "Lineage")),
    h(
      "div",
      { class: "grid" },
      section(
        "Summary",
        keyValues({
          reference: deployment.ref,
          model: deployment.properties.model ?? "",
          endpoint: deployment.properties.endpoint ?? "",
          deployed: when(deployment.created_at),
          health: latest ? `${latest.status} (${when(latest.checked_at)})` : deployment.properties.health ?? "",
        }),
      ),
      section("Latest drift", latestDrift(drift.at(-1))),
    ),
    section("Drift over time", driftTimeline(drift)),
    section("Health", healthHistory(health)),
  );
}

function latestDrift(report) {
  if (!report) return empty("not monitored yet: trailmark monitor DEPLOYMENT DATA");
  return h(
    "p",
    {},
    report.drifted ? badge("drift detected", "bad") : badge("no drift", "good"),
    ` ${when(report.created_at)} · `,
    h("a", { href: `#/node/${encodeURIComponent(report.ref)}`, text: report.ref }),
  );
}

// One chart per column: the statistic of its main test at each report, and its threshold.
function driftTimeline(reports) {
  if (!reports.length) return empty("no drift reports yet");
  const columns = [...new Set(reports.flatMap((r) => Object.keys(r.columns)))];
  const steps = reports.map((_, i) => i + 1);
  const charts = columns.map((column) => {
    const found = reports.map((r) => r.columns[column]);
    const test = found.find(Boolean)?.test ?? "";
    const values = found.map((c) => (c ? c.statistic : null));
    const thresholds = found.map((c) => (c ? c.threshold : null));
    const drifted = found.some((c) => c?.drifted);
    const figure = metricChart(`${column} (${test})${drifted ? " · drifted" : ""}`, [
      { label: test || "statistic", steps, values },
      { label: "threshold", steps, values: thresholds },
    ]);
    figure.dataset.column = column;
    return figure;
  });
  return h("div", { class: "charts" }, ...charts);
}

function healthHistory(checks) {
  if (!checks.length) return empty("no health checks yet: trailmark deployments check");
  const steps = checks.map((_, i) => i + 1);
  const latency = checks.map((c) => c.latency_ms);
  return h(
    "div",
    {},
    latency.some((v) => v !== null) ? metricChart("latency (ms)", [{ label: "latency", steps, values: latency }]) : null,
    sortableTable({
      rows: [...checks].reverse(),
      rowClass: (c) => (c.status === "healthy" ? "" : "row-failed"),
      columns: [
        { label: "Checked", value: (c) => c.checked_at, cell: (c) => when(c.checked_at) },
        { label: "Status", value: (c) => c.status },
        { label: "Latency (ms)", value: (c) => c.latency_ms ?? -1, cell: (c) => (c.latency_ms === null ? "" : number(c.latency_ms)) },
        { label: "Detail", value: (c) => c.detail ?? "" },
      ],
    }),
  );
}
