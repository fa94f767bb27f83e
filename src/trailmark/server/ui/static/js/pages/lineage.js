// Lineage: the graph around one node, laid out left to right; pick a node for its
// details, widen the walk upstream or downstream one step at a time.

import { get } from "../api.js";
import {
  append,
  badge,
  classBadges,
  digest,
  duration,
  empty,
  errorBox,
  fill,
  h,
  hrefOf,
  keyValues,
  plural,
  setTitle,
  short,
  statusBadge,
  when,
} from "../dom.js";
import { createGraph } from "../graph.js";
import { navigate } from "../nav.js";

const DEFAULT_DEPTH = "3";

export async function lineagePage(view, { ref, params, isCurrent }) {
  setTitle(ref ? `Lineage of ${ref}` : "Lineage");
  const up = params.get("up") ?? DEFAULT_DEPTH;
  const down = params.get("down") ?? DEFAULT_DEPTH;
  const go = (changes) => {
    const target = changes.ref ?? ref ?? refInput.value.trim();
    if (!target) {
      refInput.focus();
      return;
    }
    navigate(`lineage/${encodeURIComponent(target)}`, { up: changes.up ?? up, down: changes.down ?? down });
  };
  const refInput = h("input", {
    id: "lineage-ref",
    name: "ref",
    value: ref ?? "",
    required: true,
    placeholder: "model:house-price-rf@production",
    autocomplete: "off",
    spellcheck: "false",
  });
  const form = h(
    "form",
    {
      class: "toolbar",
      onsubmit: (event) => {
        event.preventDefault();
        go({ ref: refInput.value.trim() });
      },
    },
    h("label", { class: "grow", for: "lineage-ref" }, "Node reference", refInput),
    depthControl("Upstream", "up", up, (value) => go({ up: value })),
    depthControl("Downstream", "down", down, (value) => go({ down: value })),
    h("button", { type: "submit", text: "Show" }),
  );
  fill(view, h("h1", { text: "Lineage" }), form);
  if (!ref) {
    append(view, await starters());
    return;
  }

  const data = await get("ui/graph", { ref, up, down });
  if (!isCurrent()) return;
  const details = h("aside", {
    class: "card details",
    "aria-labelledby": "details-title",
    "aria-live": "polite",
    hidden: true,
  });
  const container = h("div", {
    id: "graph",
    class: "graph",
    tabindex: "0",
    role: "application",
    "aria-label": `Lineage graph of ${ref}: arrow keys move between nodes, + and - zoom, 0 fits`,
  });
  const nodeList = h(
    "details",
    { class: "node-list" },
    h("summary", { text: `Nodes in this graph (${data.nodes.length})` }),
  );
  append(
    view,
    h("p", {
      class: "hint",
      text: `${summary(data)}. Click a node for its details, or focus the graph and use the arrow keys.`,
    }),
    h("div", { class: "lineage" }, h("div", { class: "graph-box" }, container, legend()), details),
    nodeList,
  );
  const close = () => {
    graph.cy.nodes().unselect();
    details.hidden = true;
    container.focus();
  };
  const overlaid = () => getComputedStyle(details).position === "absolute";
  const graph = createGraph(container, {
    onSelect: (node) => showDetails(details, node, go, close),
    reserved: () => (overlaid() ? details.offsetWidth + 20 : 0),
  });
  graph.show(data);
  for (const el of [container, details]) el.addEventListener("keydown", (e) => e.key === "Escape" && close());
  nodeList.append(listOfNodes(data.nodes, (id) => graph.select(id)));
  window.trailmark = { ...(window.trailmark || {}), graph: graph.cy };
}

function depthControl(label, name, value, change) {
  const id = `depth-${name}`;
  const options = ["0", "1", "2", "3", "5", "10", "all"];
  if (!options.includes(value)) options.splice(-1, 0, value);
  const select = h(
    "select",
    { id, name, onchange: (event) => change(event.target.value) },
    options.map((o) => h("option", { value: o, text: o === "all" ? "all" : `${o} steps`, selected: o === value })),
  );
  const more = h("button", {
    type: "button",
    class: "secondary",
    text: "+1",
    "aria-label": `${label} one step further`,
    disabled: value === "all",
    onclick: () => change(String(Number(value) + 1)),
  });
  return h("label", { for: id }, label, h("span", { style: "display:flex;gap:4px" }, select, more));
}

function summary(data) {
  const artifacts = data.nodes.filter((n) => n.kind === "artifact").length;
  const failed = data.nodes.filter((n) => n.status === "FAILED").length;
  const classified = data.nodes.filter((n) => (n.classifications || []).length).length;
  return [
    `${plural(data.nodes.length, "node")} (${plural(artifacts, "artifact")}, ` +
      `${plural(data.nodes.length - artifacts, "execution")})`,
    plural(data.edges.length, "edge"),
    failed ? plural(failed, "failed run") : null,
    classified ? plural(classified, "classified node") : null,
  ]
    .filter(Boolean)
    .join(" · ");
}

function legend() {
  return h(
    "div",
    { class: "legend", "aria-label": "Legend" },
    h("span", { class: "l-artifact", text: "artifact" }),
    h("span", { class: "l-execution", text: "execution" }),
    h("span", { class: "l-failed", text: "failed run" }),
    h("span", { class: "l-class", text: "classified" }),
    h("span", { class: "l-root", text: "start node" }),
  );
}

// The graph sends each node's light row (the start node in full): show it at once, then fill
// in the node's details, asked for once per node (a node hidden from this reader has none).
async function showDetails(panel, node, go, close) {
  renderDetails(panel, node, go, close);
  if (node.detailed || node.name === "(restricted)") return;
  let full;
  try {
    full = await get("ui/node", { ref: node.ref });
  } catch {
    return; // the light facts stay
  }
  Object.assign(node, full, { depth: node.depth, detailed: true });
  if (!panel.hidden && panel.dataset.node === String(node.id)) renderDetails(panel, node, go, close);
}

function renderDetails(panel, node, go, close) {
  const title = node.kind === "artifact" ? `${node.name} @${node.version}` : node.name;
  const head = h("h2", { id: "details-title" }, title);
  panel.hidden = false;
  panel.dataset.node = String(node.id);
  const facts =
    node.kind === "artifact"
      ? {
          reference: node.ref,
          type: node.type,
          digest: digest(node.digest),
          uri: short(node.uri ?? "", 60),
          created: when(node.created_at),
          "created by": node.created_by ?? "",
        }
      : {
          reference: node.ref,
          type: node.type,
          started: when(node.started_at),
          duration: duration(node.duration),
          params: short(node.params, 80),
        };
  fill(
    panel,
    head,
    h("button", { type: "button", class: "secondary close", "aria-label": "Close details", text: "×", onclick: close }),
    h(
      "p",
      {},
      node.kind === "execution" ? statusBadge(node.status) : badge(node.type),
      " ",
      classBadges(node.classifications, node.ref),
    ),
    node.error ? errorBox(node.error) : null,
    keyValues(facts),
    h(
      "div",
      { class: "actions" },
      h("a", { class: "button", href: hrefOf(node), text: node.kind === "execution" ? "Open run" : "Open artifact" }),
      h("button", {
        type: "button",
        class: "secondary",
        text: "Center lineage here",
        onclick: () => go({ ref: node.ref }),
      }),
    ),
  );
  if (node.kind === "artifact" && Object.keys(node.properties || {}).length) {
    panel.append(
      h(
        "details",
        {},
        h("summary", { text: "Properties" }),
        h("pre", { text: JSON.stringify(node.properties, null, 2) }),
      ),
    );
  }
}

function listOfNodes(nodes, select) {
  return h(
    "ul",
    {},
    nodes.map((n) =>
      h(
        "li",
        {},
        h("button", { type: "button", text: n.ref, onclick: () => select(n.id) }),
        ` ${n.type}`,
        n.status && n.status !== "COMPLETE" ? ` · ${n.status}` : "",
      ),
    ),
  );
}

// With no node chosen yet: offer the models and deployments to start from.
async function starters() {
  let page;
  try {
    page = await get("search", { filter: "type = 'Deployment' or type = 'Model'", limit: 20 });
  } catch (error) {
    return errorBox(error.message);
  }
  if (!page.items.length) return empty("Type a reference above: dataset:NAME, model:NAME@production, exec:ID.");
  return h(
    "section",
    { class: "card" },
    h("h2", { text: "Start from a model or deployment" }),
    h(
      "ul",
      {},
      page.items.map((a) =>
        h("li", {}, h("a", { href: `#/lineage/${encodeURIComponent(a.ref)}`, text: a.ref }), ` ${a.type}`),
      ),
    ),
  );
}
