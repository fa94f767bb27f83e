// A Comparison (store.compare(...).to_dict()) as one table per section: a column per
// node, rows that differ marked ≠ and highlighted, with the note (added, +20 (+5.0%)...).

import { empty, h, refLink, section, show } from "./dom.js";

const TITLES = {
  run: "Run",
  params: "Parameters",
  metrics: "Latest metrics",
  inputs: "Input data",
  code: "Code",
  environment: "Environment",
  packages: "Packages that differ",
  artifact: "Artifact",
  data: "Data",
  schema: "Schema",
  mean: "Column means",
  missing: "Missing values",
  properties: "Properties",
};

// sections: only these, in this order (default: all, as the comparison orders them);
// nested: titled tables inside the caller's card rather than cards of their own.
export function comparisonSections(comparison, { sections, nested = false } = {}) {
  const grouped = new Map();
  for (const row of comparison.rows) {
    if (!grouped.has(row.section)) grouped.set(row.section, []);
    grouped.get(row.section).push(row);
  }
  const names = sections ? sections.filter((name) => grouped.has(name)) : [...grouped.keys()];
  if (!names.length) return empty("Nothing to compare.");
  return names.map((name) => {
    const title = TITLES[name] ?? name;
    const body = table(grouped.get(name), comparison.refs);
    return nested ? h("div", { class: "nested" }, h("h3", { text: title }), body) : section(title, body);
  });
}

export function differenceCount(comparison, sections) {
  return comparison.rows.filter((row) => row.differs && (!sections || sections.includes(row.section))).length;
}

function table(rows, refs) {
  const hasNotes = rows.some((row) => row.note);
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      {},
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", { scope: "col", text: "Field" }),
          refs.map((ref) => h("th", { scope: "col" }, refLink(ref))),
          hasNotes ? h("th", { scope: "col", text: "Change" }) : null,
        ),
      ),
      h(
        "tbody",
        {},
        rows.map((row) =>
          h(
            "tr",
            { class: row.differs ? "diff" : "" },
            h(
              "th",
              { scope: "row" },
              row.differs ? h("span", { class: "diff-mark", title: "differs", text: "≠ " }) : null,
              h("code", { text: row.key }),
            ),
            row.values.map((value) => h("td", { class: "wrap", text: value === null ? "—" : show(value) })),
            hasNotes ? h("td", { text: row.note }) : null,
          ),
        ),
      ),
    ),
  );
}
