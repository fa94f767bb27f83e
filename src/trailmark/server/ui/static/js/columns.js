// Column-level lineage on an artifact's page: its columns, and for one of them where it came from.

import { get } from "./api.js";
import { empty, fill, h, refLink } from "./dom.js";
import { sortableTable } from "./table.js";

// The "Columns" section's content, or null for an artifact without known columns.
export async function columnsSection(node) {
  const edges = await get(`columns/${encodeURIComponent(node.ref)}`, { direction: "upstream", depth: 1 });
  const names = [...new Set([...schemaColumns(node.properties), ...edges.map((e) => e.target_column)])];
  if (!names.length) return null;
  const detail = h("div", { class: "column-lineage", "aria-live": "polite" });
  const choose = (name) => showColumn(detail, node.ref, name);
  const list = h(
    "ul",
    { class: "columns" },
    ...names.map((name) =>
      h("li", {}, h("button", { type: "button", class: "link", text: name, onclick: () => choose(name) })),
    ),
  );
  fill(detail, empty("Choose a column to see where it came from."));
  return h("div", {}, list, detail);
}

async function showColumn(target, ref, column) {
  const edges = await get(`columns/${encodeURIComponent(ref)}`, { column, direction: "upstream" });
  if (!edges.length) {
    fill(target, empty(`No column lineage recorded for ${column}.`));
    return;
  }
  fill(
    target,
    h("h3", { text: `Where ${column} came from` }),
    sortableTable({
      rows: edges,
      caption: `Upstream columns of ${column}`,
      columns: [
        { label: "Column", value: (e) => e.target_column, cell: (e) => `${e.target}.${e.target_column}` },
        { label: "From", value: (e) => e.source, className: "wrap", cell: (e) => refLink({ ref: e.source }) },
        { label: "Source column", value: (e) => e.source_column },
        { label: "Transformation", value: (e) => e.transformation ?? "", className: "wrap" },
      ],
    }),
  );
}

// Column names from the OpenLineage schema facet or Trailmark's own profile.
function schemaColumns(properties = {}) {
  const fields = properties.facets?.schema?.fields ?? properties.schema ?? [];
  return Array.isArray(fields) ? fields.map((f) => f?.name).filter((n) => typeof n === "string") : [];
}
