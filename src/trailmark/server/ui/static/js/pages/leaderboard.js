// An experiment's leaderboard: the best runs by one metric, and the best value over time.

import { get } from "../api.js";
import { metricChart } from "../chart.js";
import { empty, fill, h, number, section, setTitle, when } from "../dom.js";
import { sortableTable } from "../table.js";

export async function leaderboardPage(view, { ref: experiment, params, isCurrent }) {
  const metric = params.get("metric") || "rmse";
  const direction = params.get("direction") === "max" ? "max" : "min";
  const data = await get("ui/leaderboard", { experiment, metric, direction });
  if (!isCurrent()) return;
  setTitle(experiment, "leaderboard");
  const other = direction === "min" ? "max" : "min";
  const flip = `#/leaderboard/${encodeURIComponent(experiment)}?metric=${encodeURIComponent(metric)}&direction=${other}`;
  fill(
    view,
    h("h1", {}, `${experiment}: best runs by ${metric}`),
    h("p", {}, `${direction === "min" ? "lower" : "higher"} is better · `, h("a", { href: flip, text: `rank by ${other}` })),
    section("Leaderboard", board(data.rows, metric)),
    section("Best value over time", progress(data.best_over_time, metric)),
  );
}

function board(rows, metric) {
  if (!rows.length) return empty(`no run of this experiment logged ${metric}`);
  return sortableTable({
    rows: rows.map((row, i) => ({ ...row, rank: i + 1 })),
    columns: [
      { label: "Rank", value: (r) => r.rank },
      {
        label: "Run",
        value: (r) => r.execution.name,
        cell: (r) => h("a", { href: `#/runs/${encodeURIComponent(r.execution.ref)}`, text: r.execution.name }),
      },
      { label: metric, value: (r) => r.value, cell: (r) => number(r.value) },
      {
        label: "Model",
        value: (r) => r.models.join(" "),
        cell: (r) => h("span", {}, ...r.models.map((m) => h("a", { href: `#/node/${encodeURIComponent(m)}`, text: m }))),
      },
      { label: "Started", value: (r) => r.execution.started_at, cell: (r) => when(r.execution.started_at) },
    ],
  });
}

function progress(points, metric) {
  if (!points.length) return empty("nothing yet");
  const steps = points.map((_, i) => i + 1);
  return metricChart(`best ${metric} by run, in start order`, [
    { label: "best so far", steps, values: points.map((p) => p.best) },
    { label: metric, steps, values: points.map((p) => p.value) },
  ]);
}
