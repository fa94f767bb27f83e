// Search: the filter language over artifacts, executions or models; errors inline.

import { get } from "../api.js";
import { badge, digest, duration, empty, fill, h, refLink, setTitle, short, statusBadge, when } from "../dom.js";
import { filterForm, isFilterError } from "../filter.js";
import { navigate } from "../nav.js";
import { sortableTable } from "../table.js";

const PAGE = 100;
const KINDS = ["artifacts", "executions", "models"];
const EXAMPLES = [
  ["artifacts", "type = 'Model' and metrics.rmse < 30000"],
  ["artifacts", "derived_from('dataset:housing-raw')"],
  ["executions", "status = 'FAILED' or duration > 60"],
  ["executions", "params.max_depth >= 5 and created > now() - 7d"],
];

export async function searchPage(view, { params, isCurrent }) {
  const filter = params.get("filter") ?? "";
  const kind = KINDS.includes(params.get("kind")) ? params.get("kind") : "artifacts";
  setTitle(filter ? `Search: ${filter}` : "Search");
  const kindSelect = h(
    "select",
    { id: "search-kind", name: "kind" },
    KINDS.map((k) => h("option", { value: k, text: k, selected: k === kind })),
  );
  const box = filterForm({
    value: filter,
    label: "Filter",
    placeholder: "type = 'Model' and metrics.rmse < 30000",
    extra: [h("label", { for: "search-kind" }, "Kind", kindSelect)],
    onSubmit: (value) => navigate("search", { filter: value, kind: kindSelect.value }),
  });
  const results = h("div", { id: "search-results", "aria-live": "polite" });
  fill(view, h("h1", { text: "Search" }), box.form, examples(), results);
  box.input.focus();

  let page;
  try {
    page = await get("search", { filter, kind, limit: PAGE });
  } catch (error) {
    if (!isFilterError(error)) throw error;
    box.showError(error);
    return;
  }
  if (!isCurrent()) return;
  const items = [...page.items];
  const columns = kind === "executions" ? runColumns() : artifactColumns();
  function show(token) {
    fill(
      results,
      items.length
        ? sortableTable({ rows: items, columns, caption: `${items.length} ${kind}${token ? ", more to load" : ""}` })
        : empty("Nothing matches this filter."),
      token
        ? h("button", { type: "button", class: "secondary more", text: "Load more", onclick: () => more(token) })
        : null,
    );
  }
  async function more(token) {
    const next = await get("search", { filter, kind, limit: PAGE, page_token: token });
    items.push(...next.items);
    show(next.next_page_token);
  }
  show(page.next_page_token);
}

function examples() {
  const links = EXAMPLES.map(([kind, filter], i) => [
    i ? " · " : "",
    h("a", { href: `#/search?${new URLSearchParams({ filter, kind })}`, text: filter }),
  ]);
  return h("p", { class: "hint" }, "Examples: ", links, ". The grammar is in docs/search.md.");
}

function artifactColumns() {
  return [
    { label: "Reference", value: (a) => a.ref, cell: (a) => refLink(a) },
    { label: "Type", value: (a) => a.type, cell: (a) => badge(a.type) },
    { label: "Name", value: (a) => a.name },
    { label: "Version", value: (a) => a.version, numeric: true },
    { label: "Digest", value: (a) => a.digest, cell: (a) => h("code", { text: digest(a.digest) }) },
    { label: "Created", value: (a) => a.created_at, cell: (a) => when(a.created_at) },
  ];
}

function runColumns() {
  return [
    { label: "Status", value: (e) => e.status, cell: (e) => statusBadge(e.status) },
    { label: "Run", value: (e) => e.name, cell: (e) => refLink(e, e.name) },
    { label: "Type", value: (e) => e.type },
    { label: "Started", value: (e) => e.started_at, cell: (e) => when(e.started_at) },
    { label: "Duration", value: (e) => durationOf(e), cell: (e) => duration(durationOf(e)), numeric: true },
    { label: "Params", value: (e) => JSON.stringify(e.params), cell: (e) => short(e.params, 60) },
  ];
}

function durationOf(e) {
  return e.ended_at ? (new Date(e.ended_at) - new Date(e.started_at)) / 1000 : null;
}
