// Drift between two captured versions of a dataset: rows, columns added or removed,
// type changes, and per-column shifts of the mean (in standard deviations) and of missing values.

import { empty, h, number } from "./dom.js";
import { percent, profileRows } from "./profile.js";

const MEAN_SHIFT = 0.1; // standard deviations
const MISSING_SHIFT = 0.01; // share of rows

export function driftTable(base, current) {
  if (base.version === current.version) return empty("Pick two different versions.");
  const before = new Map(profileRows(base.properties).map((r) => [r.name, r]));
  const after = new Map(profileRows(current.properties).map((r) => [r.name, r]));
  if (!before.size && !after.size) return empty("Neither version has a captured profile to compare.");
  const names = [...new Set([...before.keys(), ...after.keys()])];
  const rows = names.map((name) => columnDrift(name, before.get(name), after.get(name)));
  const rowsChange = [base.properties.rows, current.properties.rows];
  return h("div", { class: "table-wrap" }, h("table", {},
    h("caption", { text: `@${base.version} → @${current.version}; changed rows are marked ≠` }),
    h("thead", {}, h("tr", {}, ["Column", "Change", `@${base.version}`, `@${current.version}`]
      .map((label) => h("th", { scope: "col", text: label })))),
    h("tbody", {},
      line("(rows)", rowsChange[0] !== rowsChange[1] ? "row count" : "", number(rowsChange[0]), number(rowsChange[1])),
      rows.map((r) => line(r.name, r.change, r.before, r.after)))));
}

function line(name, change, before, after) {
  return h("tr", { class: change ? "diff" : "" },
    h("th", { scope: "row" }, change ? h("span", { class: "diff-mark", "aria-label": "changed", text: "≠ " }) : null,
      h("code", { text: name })),
    h("td", { text: change || "unchanged" }), h("td", { text: before }), h("td", { text: after }));
}

function columnDrift(name, a, b) {
  if (!a) return { name, change: "column added", before: "", after: describe(b) };
  if (!b) return { name, change: "column removed", before: describe(a), after: "" };
  const changes = [];
  if (a.dtype !== b.dtype) changes.push(`type ${a.dtype} → ${b.dtype}`);
  if (typeof a.mean === "number" && typeof b.mean === "number") {
    const scale = a.std || Math.abs(a.mean) || 1;
    const shift = (b.mean - a.mean) / scale;
    if (Math.abs(shift) >= MEAN_SHIFT) changes.push(`mean shifted ${shift > 0 ? "+" : ""}${shift.toFixed(2)} sd`);
  }
  if (a.missingShare !== null && b.missingShare !== null && Math.abs(b.missingShare - a.missingShare) >= MISSING_SHIFT) {
    changes.push(`missing ${percent(a.missingShare)} → ${percent(b.missingShare)}`);
  }
  return { name, change: changes.join("; "), before: describe(a), after: describe(b) };
}

function describe(r) {
  const parts = [r.dtype];
  if (typeof r.mean === "number") parts.push(`mean ${number(r.mean)}`);
  if (r.missingShare !== null && r.missingShare !== undefined) parts.push(`missing ${percent(r.missingShare)}`);
  if (r.cardinality !== undefined) parts.push(`${number(r.cardinality)} distinct`);
  return parts.filter(Boolean).join(", ");
}
