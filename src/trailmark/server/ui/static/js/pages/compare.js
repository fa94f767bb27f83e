// Compare: two or more runs (or versions) side by side, rows that differ marked.

import { get } from "../api.js";
import { append, empty, errorBox, fill, h, refLink, section, setTitle, show } from "../dom.js";
import { navigate } from "../nav.js";

export async function comparePage(view, { params, isCurrent }) {
  const refs = (params.get("refs") ?? "").split(/[\s,]+/).filter(Boolean);
  setTitle(refs.length ? `Compare ${refs.join(", ")}` : "Compare");
  const input = h("input", { id: "compare-refs", value: refs.join(", "), placeholder: "exec:4, exec:6", autocomplete: "off",
    spellcheck: "false" });
  const form = h("form", { class: "toolbar", onsubmit: (event) => {
    event.preventDefault();
    navigate("compare", { refs: input.value.split(/[\s,]+/).filter(Boolean).join(",") });
  } },
  h("label", { class: "grow", for: "compare-refs" }, "References (two or more, comma-separated)", input),
  h("button", { type: "submit", text: "Compare" }));
  fill(view, h("h1", { text: "Compare" }), form);
  if (refs.length < 2) {
    append(view, empty("Pick two or more runs on the Runs page, or type their references above."));
    return;
  }
  let data;
  try {
    data = await get("ui/compare", { ref: refs });
  } catch (error) {
    if (error.status === 401) throw error;
    append(view, errorBox(error.message));
    return;
  }
  if (!isCurrent()) return;
  const columns = (data.refs ?? refs).map(String);
  const sections = Object.entries(data).filter(([key, value]) => key !== "refs" && key !== "differences" && value && typeof value === "object");
  const count = sections.reduce((n, [, value]) => n + rowsOf(value, columns).filter((r) => r.differs).length, 0);
  append(view,
    h("p", { class: "hint", role: "status", text: count ? `${count} differences, marked ≠ and highlighted.` : "No differences." }),
    sections.map(([title, value]) => section(title, table(rowsOf(value, columns), columns))),
  );
}

// A section is {key: [v1, v2, ...]} or {key: {ref: value}}, or a list of rows of either shape.
function rowsOf(value, columns) {
  const entries = Array.isArray(value)
    ? value.map((row, i) => [row.key ?? row.name ?? String(i), row.values ?? row])
    : Object.entries(value);
  return entries.map(([key, cells]) => {
    const values = Array.isArray(cells) ? cells : columns.map((ref) => cells?.[ref]);
    const shown = values.map(show);
    const differs = typeof cells?.differs === "boolean" ? cells.differs : new Set(shown).size > 1;
    return { key, values: shown, differs };
  });
}

function table(rows, columns) {
  if (!rows.length) return empty("nothing recorded");
  return h("div", { class: "table-wrap" }, h("table", {},
    h("thead", {}, h("tr", {}, h("th", { scope: "col", text: "" }),
      columns.map((ref) => h("th", { scope: "col" }, refLink(ref))))),
    h("tbody", {}, rows.map((row) => h("tr", { class: row.differs ? "diff" : "" },
      h("th", { scope: "row" }, row.differs ? h("span", { class: "diff-mark", title: "differs", text: "≠ " }) : null,
        h("code", { text: row.key })),
      row.values.map((value) => h("td", { text: value })))))));
}
