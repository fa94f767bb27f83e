// One run: status, notes (editable), params, metric charts, system metrics, environment, inputs and outputs,
// parent and child runs, resources.

import { get, send } from "../api.js";
import { metricChart, seriesOf } from "../chart.js";
import {
  badge,
  classBadges,
  duration,
  empty,
  errorBox,
  fill,
  h,
  keyValues,
  lineageLink,
  number,
  refLink,
  section,
  setTitle,
  statusBadge,
  when,
} from "../dom.js";
import { cacheNote } from "../reuse.js";
import { sortableTable } from "../table.js";

export async function runPage(view, { ref, isCurrent }) {
  const node = await get("ui/node", { ref });
  if (node.kind !== "execution") {
    location.replace(`#/node/${encodeURIComponent(node.ref)}`);
    return;
  }
  const points = await get(`executions/${encodeURIComponent(node.ref)}/metrics`);
  const digest = node.environment?.packages_digest;
  const packages = digest ? await get(`packages/${encodeURIComponent(digest)}`).catch(() => ({})) : {};
  const cached = await cacheNote(node);
  if (!isCurrent()) return;
  const [series, system] = splitSystem(seriesOf(points));
  setTitle(node.name, "Runs");
  fill(
    view,
    h("p", { class: "hint" }, h("a", { href: "#/runs", text: "Runs" }), " / ", node.ref),
    h(
      "h1",
      {},
      node.name,
      statusBadge(node.status),
      badge(node.type),
      classBadges(node.classifications, node.ref),
      node.lifecycle === "deleted" ? badge("deleted", "badge-deleted") : null,
      lineageLink(node.ref, "Lineage"),
    ),
    node.error ? errorBox(`This run failed: ${node.error}`) : null,
    notes(node),
    cached,
    h(
      "div",
      { class: "grid" },
      section(
        "Summary",
        keyValues({
          reference: node.ref,
          type: node.type,
          started: when(node.started_at),
          ended: when(node.ended_at),
          duration: duration(node.duration),
          "created by": node.created_by ?? "",
          project: node.project,
          parent: node.parent_id != null ? `exec:${node.parent_id}` : "",
          uid: node.uid,
        }),
      ),
      section("Parameters", keyValues(node.params, { empty: "no parameters" })),
      section("Latest metrics", keyValues(latest(series), { empty: "no metrics" })),
    ),
    nesting(node),
    section("Metrics over steps", charts(series)),
    Object.keys(system).length ? section("System", systemCharts(system)) : null,
    h(
      "div",
      { class: "grid" },
      section(
        "Inputs",
        artifacts(
          node.neighbours.filter((n) => n.direction === "upstream"),
          "no inputs",
        ),
      ),
      section(
        "Outputs",
        artifacts(
          node.neighbours.filter((n) => n.direction === "downstream"),
          "no outputs",
        ),
      ),
    ),
    h(
      "div",
      { class: "grid" },
      section("Resources", keyValues(resources(node.resources), { empty: "not recorded" })),
      section("Environment", environment(node.environment, packages)),
      section("Tags", keyValues(node.tags, { empty: "no tags" })),
    ),
  );
}

function latest(series) {
  return Object.fromEntries(Object.entries(series).map(([key, s]) => [key, number(s.values.at(-1))]));
}

function charts(series) {
  const keys = Object.keys(series).sort();
  if (!keys.length) return empty("This run logged no metrics.");
  return h(
    "div",
    { class: "charts" },
    keys.map((key) => metricChart(key, [{ label: key, ...series[key] }])),
  );
}

// The system/... series the run's sampler recorded (CPU, memory, disk, network, GPU) apart from the run's own.
function splitSystem(all) {
  const own = {};
  const system = {};
  for (const [key, s] of Object.entries(all)) (key.startsWith("system/") ? system : own)[key] = s;
  return [own, system];
}

function systemCharts(series) {
  return h(
    "div",
    {},
    h("p", { class: "hint", text: "Sampled while the run was open; one step per sample." }),
    charts(series),
  );
}

// The run it is nested in (a DAG run for a task run) and the runs nested in it; nothing when neither.
function nesting(node) {
  const children = node.children ?? [];
  if (!node.parent && !children.length) return null;
  return section(
    "Parent and child runs",
    node.parent
      ? h("p", { id: "run-parent" }, "Parent run: ", refLink(node.parent, `${node.parent.name} (${node.parent.ref})`))
      : null,
    children.length
      ? sortableTable({
          rows: children,
          columns: [
            { label: "Child run", value: (r) => r.name, cell: (r) => refLink(r, `${r.name} (${r.ref})`) },
            { label: "Type", value: (r) => r.type },
            { label: "Status", value: (r) => r.status, cell: (r) => statusBadge(r.status) },
            { label: "Started", value: (r) => r.started_at ?? "", cell: (r) => when(r.started_at) },
          ],
        })
      : empty("no child runs"),
  );
}

function artifacts(items, none) {
  if (!items.length) return empty(none);
  return sortableTable({
    rows: items,
    columns: [
      { label: "Artifact", value: (a) => a.ref, cell: (a) => refLink(a) },
      { label: "Type", value: (a) => a.type },
      { label: "Role", value: (a) => a.role ?? "" },
    ],
  });
}

// Seconds as durations and bytes in binary units; anything else as recorded.
function resources(recorded = {}) {
  const shown = {};
  for (const [key, value] of Object.entries(recorded)) {
    if (typeof value === "number" && key.endsWith("_seconds")) shown[key.replace(/_seconds$/, "")] = duration(value);
    else if (typeof value === "number" && key.endsWith("_bytes")) shown[key.replace(/_bytes$/, "")] = bytes(value);
    else shown[key] = value;
  }
  return shown;
}

function bytes(value) {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let index = 0;
  while (value >= 1024 && index < units.length - 1) {
    value /= 1024;
    index += 1;
  }
  return `${index ? value.toFixed(1) : value} ${units[index]}`;
}

function environment(env, packages) {
  const { packages_digest: digest, ...rest } = env || {};
  const count = Object.keys(packages).length;
  return h(
    "div",
    {},
    keyValues(rest, { empty: "not captured" }),
    count
      ? h(
          "details",
          {},
          h("summary", { text: `${count} packages` }),
          sortableTable({
            rows: Object.entries(packages),
            sort: { index: 0 },
            columns: [
              { label: "Package", value: ([name]) => name },
              { label: "Version", value: ([, version]) => version },
            ],
          }),
        )
      : null,
    digest ? h("p", { class: "hint" }, "packages digest ", h("code", { text: digest })) : null,
  );
}

// The run's description: a note anyone who may write can change (audited, not a new version).
function notes(node) {
  const area = h("textarea", { id: "run-notes", rows: 3, "aria-label": "Notes", text: node.description ?? "" });
  const status = h("span", { class: "hint", role: "status" });
  const save = h("button", {
    type: "button",
    text: "Save notes",
    onclick: async () => {
      save.disabled = true;
      try {
        const saved = await send("PUT", `descriptions/${encodeURIComponent(node.ref)}`, { description: area.value });
        status.textContent = saved.description ? "Saved." : "Notes cleared.";
      } catch (error) {
        status.textContent = `Not saved: ${error.message}`;
      } finally {
        save.disabled = false;
      }
    },
  });
  return section("Notes", area, h("div", { class: "toolbar" }, save, status));
}
