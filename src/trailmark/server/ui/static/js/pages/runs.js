// Runs: every execution with status, duration, latest metrics and params; sortable;
// a chart of one metric over steps for the runs shown; pick runs to compare. Filtered by
// experiment; nested runs listed under their parent; soft-deleted runs hidden unless asked.

import { get } from "../api.js";
import { metricChart, seriesOf } from "../chart.js";
import { badge, duration, empty, errorBox, fill, h, number, setTitle, short, statusBadge, when } from "../dom.js";
import { filterForm, isFilterError } from "../filter.js";
import { navigate } from "../nav.js";
import { sortableTable } from "../table.js";

const MAX_COLUMNS = 8;
const MAX_CHART_RUNS = 10;
const PAGE = 100;

export async function runsPage(view, { params, isCurrent }) {
  setTitle("Runs");
  const filter = params.get("filter") ?? "";
  const experiment = params.get("experiment") ?? "";
  const deleted = params.get("deleted") === "1";
  const go = (changes) => navigate("runs", { filter, experiment, deleted: deleted ? "1" : "", ...changes });
  const selected = new Set();
  const compareButton = h("button", {
    type: "button",
    class: "secondary",
    disabled: true,
    text: "Compare selected",
    onclick: () => navigate("compare", { refs: [...selected].join(",") }),
  });
  const box = filterForm({
    value: filter,
    label: "Filter runs",
    placeholder: "status = 'FAILED' or params.max_depth > 5",
    extra: [compareButton],
    onSubmit: (value) => go({ filter: value }),
  });
  const experiments = await get("contexts", { type: "Experiment" });
  if (!isCurrent()) return;
  const results = h("div");
  fill(view, h("h1", { text: "Runs" }), scopeBar(experiments, experiment, deleted, go), box.form, results);

  const query = { filter: scoped(filter, experiment), limit: PAGE, include_deleted: deleted ? "true" : "" };
  let page;
  try {
    page = await get("ui/runs", query);
  } catch (error) {
    if (!isFilterError(error)) throw error;
    box.showError(error);
    return;
  }
  if (!isCurrent()) return;
  if (!page.items.length) {
    fill(results, empty(filter || experiment ? "No run matches this filter." : "No runs yet: try `trailmark demo`."));
    return;
  }

  const runs = [...page.items];
  function toggle(ref, on) {
    if (on) selected.add(ref);
    else selected.delete(ref);
    compareButton.disabled = selected.size < 2;
    compareButton.textContent = `Compare selected (${selected.size})`;
  }
  async function more(token) {
    const next = await get("ui/runs", { ...query, page_token: token });
    runs.push(...next.items);
    show(next.next_page_token);
  }
  function show(token) {
    fill(
      results,
      sortableTable({
        columns: columns(runs, toggle, selected),
        rows: treeOrder(runs),
        caption: `${runs.length} runs, newest first. Sort by any column.`,
        rowClass: (run) =>
          [run.status === "FAILED" ? "row-failed" : "", run.lifecycle === "deleted" ? "row-deleted" : ""].join(" "),
      }),
      token
        ? h("button", { type: "button", class: "secondary more", text: "Load more runs", onclick: () => more(token) })
        : null,
      chartSection(runs),
    );
  }
  show(page.next_page_token);
}

function columns(runs, toggle, selected) {
  const paramKeys = topKeys(runs.map((r) => r.params));
  const metricKeys = topKeys(runs.map((r) => r.metrics));
  return [
    {
      label: "Select",
      sortable: false,
      cell: (r) =>
        h("input", {
          type: "checkbox",
          "aria-label": `select ${r.name} (${r.ref})`,
          checked: selected.has(r.ref),
          onchange: (event) => toggle(r.ref, event.target.checked),
        }),
    },
    { label: "Status", value: (r) => r.status, cell: (r) => statusBadge(r.status) },
    {
      label: "Run",
      value: (r) => r.name,
      cell: (r) =>
        h(
          "span",
          {},
          r.depth ? h("span", { class: "tree-indent", text: `${"  ".repeat(r.depth - 1)}└ ` }) : null,
          h("a", { href: `#/runs/${encodeURIComponent(r.ref)}`, text: r.name }),
          r.cached_from != null ? badge("cached", "badge-cached") : null,
          r.lifecycle === "deleted" ? badge("deleted", "badge-deleted") : null,
        ),
    },
    { label: "Type", value: (r) => r.type },
    { label: "Started", value: (r) => r.started_at, cell: (r) => when(r.started_at) },
    { label: "Duration", value: (r) => r.duration, cell: (r) => duration(r.duration), numeric: true },
    ...metricKeys.map((key) => ({
      label: key,
      value: (r) => r.metrics[key],
      cell: (r) => number(r.metrics[key]),
      numeric: true,
    })),
    ...paramKeys.map((key) => ({ label: key, value: (r) => r.params[key], cell: (r) => short(r.params[key], 24) })),
  ];
}

// The experiment picker and the deleted-runs toggle above the filter.
function scopeBar(experiments, experiment, deleted, go) {
  const select = h(
    "select",
    { id: "runs-experiment", onchange: (event) => go({ experiment: event.target.value }) },
    h("option", { value: "", text: "All experiments" }),
    experiments.map((c) => h("option", { value: c.name, text: c.name, selected: c.name === experiment })),
  );
  const toggle = h("input", {
    type: "checkbox",
    id: "runs-deleted",
    checked: deleted,
    onchange: (event) => go({ deleted: event.target.checked ? "1" : "" }),
  });
  return h(
    "div",
    { class: "toolbar" },
    h("label", { for: "runs-experiment" }, "Experiment ", select),
    h("label", { for: "runs-deleted" }, toggle, " Show deleted runs"),
  );
}

// The user's filter within one experiment (a name in single quotes, quotes doubled).
function scoped(filter, experiment) {
  if (!experiment) return filter;
  const named = `experiment = '${experiment.replaceAll("'", "''")}'`;
  return filter ? `${named} and (${filter})` : named;
}

// Runs in their order, each child right under its parent when both are listed; depth set on each.
function treeOrder(runs) {
  const listed = new Set(runs.map((r) => r.id));
  const children = new Map();
  for (const run of runs)
    if (listed.has(run.parent_id)) children.set(run.parent_id, [...(children.get(run.parent_id) ?? []), run]);
  const ordered = [];
  const visit = (run, depth) => {
    ordered.push({ ...run, depth });
    for (const child of children.get(run.id) ?? []) visit(child, depth + 1);
  };
  for (const run of runs) if (!listed.has(run.parent_id)) visit(run, 0);
  return ordered;
}

// The keys that most rows have, at most MAX_COLUMNS of them.
function topKeys(objects) {
  const counts = new Map();
  for (const object of objects)
    for (const key of Object.keys(object || {})) counts.set(key, (counts.get(key) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, MAX_COLUMNS)
    .map(([k]) => k);
}

function chartSection(runs) {
  const keys = topKeys(runs.map((r) => r.metrics));
  if (!keys.length) return null;
  const select = h(
    "select",
    { id: "chart-metric" },
    keys.map((k) => h("option", { value: k, text: k })),
  );
  const area = h("div", { class: "charts wide" });
  async function draw() {
    const key = select.value;
    const chosen = runs.filter((r) => key in r.metrics).slice(0, MAX_CHART_RUNS);
    let points;
    try {
      points = await Promise.all(chosen.map((r) => get(`executions/${encodeURIComponent(r.ref)}/metrics`, { key })));
    } catch (error) {
      fill(area, errorBox(error.message));
      return;
    }
    const series = chosen
      .map((r, i) => ({ label: `${r.name} (${r.ref})`, ...seriesOf(points[i])[key] }))
      .filter((s) => s.steps);
    fill(area, metricChart(`${key} over steps`, series));
  }
  select.addEventListener("change", draw);
  draw();
  return h(
    "section",
    { class: "card", "aria-labelledby": "chart-title", style: "margin-top:14px" },
    h("h2", { id: "chart-title", text: "Metrics over steps" }),
    h(
      "div",
      { class: "toolbar" },
      h("label", { for: "chart-metric" }, "Metric", select),
      h("p", { class: "hint", text: `The first ${MAX_CHART_RUNS} runs above that logged it.` }),
    ),
    area,
  );
}
