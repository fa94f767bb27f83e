// A table whose columns sort on click (or Enter/Space on the header button).
// columns: [{label, value(row) -> sortable value, cell(row) -> node|text, numeric, className}]

import { h, show } from "./dom.js";

export function sortableTable({ columns, rows, caption, rowClass, sort: initial }) {
  const state = { index: initial?.index ?? -1, descending: initial?.descending ?? false };
  const body = h("tbody");
  const headers = columns.map((column, index) => {
    if (column.sortable === false) return h("th", { scope: "col", text: column.label });
    const button = h(
      "button",
      { type: "button", class: "sort", onclick: () => sortBy(index) },
      column.label,
      h("span", { class: "arrow", "aria-hidden": "true" }),
    );
    return h("th", { scope: "col", class: column.numeric ? "num" : "" }, button);
  });

  function sortBy(index) {
    state.descending = state.index === index ? !state.descending : false;
    state.index = index;
    render();
  }

  function render() {
    headers.forEach((th, i) => {
      if (columns[i].sortable === false) return;
      const order = i === state.index ? (state.descending ? "descending" : "ascending") : "none";
      th.setAttribute("aria-sort", order);
      th.querySelector(".arrow").textContent = { ascending: " ▲", descending: " ▼", none: "" }[order];
    });
    const ordered = [...rows];
    if (state.index >= 0) {
      const value = columns[state.index].value ?? (() => "");
      ordered.sort((a, b) => compare(value(a), value(b), state.descending ? -1 : 1));
    }
    body.replaceChildren(
      ...ordered.map((row) =>
        h(
          "tr",
          { class: rowClass?.(row) ?? "" },
          columns.map((column) =>
            h(
              "td",
              { class: [column.numeric ? "num" : "", column.className ?? ""].join(" ").trim() },
              column.cell ? column.cell(row) : show(column.value?.(row)),
            ),
          ),
        ),
      ),
    );
  }

  render();
  return h(
    "div",
    { class: "table-wrap" },
    h("table", {}, caption ? h("caption", { text: caption }) : null, h("thead", {}, h("tr", {}, headers)), body),
  );
}

// Blanks last either way, numbers numerically, text naturally; sign 1 ascends, -1 descends.
export function compare(a, b, sign = 1) {
  const blankA = a === null || a === undefined || a === "";
  const blankB = b === null || b === undefined || b === "";
  if (blankA || blankB) return blankA === blankB ? 0 : blankA ? 1 : -1;
  if (typeof a === "number" && typeof b === "number") return (a - b) * sign;
  return String(a).localeCompare(String(b), undefined, { numeric: true }) * sign;
}
