// Datasets: every series; one series' versions with schema, statistics and drift.

import { get } from "../api.js";
import { comparisonSections, differenceCount } from "../comparison.js";
import { digest, empty, fill, h, lineageLink, number, refLink, section, setTitle, when } from "../dom.js";
import { navigate } from "../nav.js";
import { profileTable } from "../profile.js";
import { sortableTable } from "../table.js";

export async function datasetsPage(view, { isCurrent }) {
  setTitle("Datasets");
  const data = await get("ui/datasets");
  if (!isCurrent()) return;
  fill(
    view,
    h("h1", { text: "Datasets" }),
    data.items.length
      ? sortableTable({
          rows: data.items,
          caption: `${data.items.length} datasets, most recently versioned first`,
          columns: [
            {
              label: "Dataset",
              value: (d) => d.latest.name,
              cell: (d) => h("a", { href: `#/datasets/${encodeURIComponent(d.latest.name)}`, text: d.latest.name }),
            },
            { label: "Versions", value: (d) => d.versions, numeric: true },
            { label: "Latest", value: (d) => d.latest.version, cell: (d) => refLink(d.latest, `@${d.latest.version}`) },
            { label: "Rows", value: (d) => d.rows, cell: (d) => number(d.rows), numeric: true },
            { label: "Columns", value: (d) => d.columns, cell: (d) => number(d.columns), numeric: true },
            { label: "Updated", value: (d) => d.latest.created_at, cell: (d) => when(d.latest.created_at) },
            { label: "URI", value: (d) => d.latest.uri ?? "", cell: (d) => h("code", { text: d.latest.uri ?? "" }) },
          ],
        })
      : empty("No datasets yet."),
  );
}

export async function datasetPage(view, { ref: name, params, isCurrent }) {
  setTitle(name, "Datasets");
  const data = await get("ui/dataset", { name });
  if (!isCurrent()) return;
  const versions = data.versions;
  if (!versions.length) {
    fill(view, h("h1", { text: name }), empty("No versions of this dataset."));
    return;
  }
  const pick = (key, fallback) => versions.find((v) => String(v.version) === params.get(key)) ?? fallback;
  const current = pick("version", versions.at(-1));
  const base = pick("base", versions.at(-2) ?? current);
  const go = (changes) =>
    navigate(`datasets/${encodeURIComponent(name)}`, { version: current.version, base: base.version, ...changes });
  fill(
    view,
    h("p", { class: "hint" }, h("a", { href: "#/datasets", text: "Datasets" }), " / ", name),
    h("h1", {}, name, lineageLink(current.ref, "Lineage")),
    section(
      "Versions",
      sortableTable({
        rows: versions,
        sort: { index: 0, descending: true },
        rowClass: (v) => (v.version === current.version ? "current" : ""),
        columns: [
          {
            label: "Version",
            value: (v) => v.version,
            numeric: true,
            cell: (v) =>
              h("a", {
                href: `#/datasets/${encodeURIComponent(name)}?version=${v.version}&base=${base.version}`,
                text: `@${v.version}`,
                "aria-current": v.version === current.version ? "true" : null,
              }),
          },
          { label: "Rows", value: (v) => v.rows, cell: (v) => number(v.rows), numeric: true },
          { label: "Columns", value: (v) => v.columns, cell: (v) => number(v.columns), numeric: true },
          { label: "Digest", value: (v) => v.digest, cell: (v) => h("code", { text: digest(v.digest) }) },
          { label: "Created", value: (v) => v.created_at, cell: (v) => when(v.created_at) },
          {
            label: "Produced by",
            value: (v) => v.producer?.name ?? "",
            cell: (v) => (v.producer ? refLink(v.producer, v.producer.name) : ""),
          },
        ],
      }),
    ),
    section(`Schema and statistics of @${current.version}`, profileTable(current.properties)),
    section(
      "Drift between versions",
      versions.length < 2
        ? empty("Only one version: nothing to compare yet.")
        : h("div", {}, driftPicker(versions, base, current, go), await drift(base, current)),
    ),
  );
}

const DRIFT_SECTIONS = ["data", "schema", "mean", "missing"];

async function drift(base, current) {
  if (base.version === current.version) return empty("Pick two different versions.");
  const comparison = await get("ui/compare", { ref: [base.ref, current.ref] });
  const count = differenceCount(comparison, DRIFT_SECTIONS);
  return h(
    "div",
    { class: "drift" },
    h("p", { class: "hint", text: `@${base.version} → @${current.version}: ${count} changed, marked ≠.` }),
    comparisonSections(comparison, { sections: DRIFT_SECTIONS, nested: true }),
  );
}

function driftPicker(versions, base, current, go) {
  const choice = (id, label, selected, key) =>
    h(
      "label",
      { for: id },
      label,
      h(
        "select",
        {
          id,
          onchange: (event) => go({ [key]: event.target.value }),
        },
        versions.map((v) =>
          h("option", { value: v.version, text: `@${v.version}`, selected: v.version === selected.version }),
        ),
      ),
    );
  return h(
    "div",
    { class: "toolbar" },
    choice("drift-base", "From", base, "base"),
    choice("drift-current", "To", current, "version"),
  );
}
