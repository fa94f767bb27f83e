// The lineage graph: Cytoscape.js with the dagre layout, left to right.
// Artifacts are rounded boxes coloured by type, executions are ellipses; failed runs
// are red, running ones dashed, classified nodes carry an orange ring and a flag; a dashed
// arrow runs from a parent run to a child run (a DAG run to its task runs).

const TYPE_COLORS = { Dataset: "#dbeafe", Model: "#ede9fe", Deployment: "#dcfce7", Report: "#f3f4f6" };

const MIN_READABLE_ZOOM = 0.6;
const MAX_FIT_ZOOM = 1;
const PADDING = 30;
const MIN_HEIGHT = 320;
const MAX_HEIGHT = 640;

const STYLE = [
  {
    selector: "node",
    style: {
      label: "data(label)",
      "text-wrap": "wrap",
      "text-overflow-wrap": "anywhere",
      "text-max-width": 132,
      "font-size": 12,
      "text-valign": "center",
      "text-halign": "center",
      color: "#111827",
      width: 140,
      height: 54,
      "border-width": 1.5,
      "border-color": "#6b7280",
      "background-color": "#f9fafb",
    },
  },
  { selector: "node.artifact", style: { shape: "round-rectangle", "background-color": "data(fill)" } },
  {
    selector: "node.execution",
    style: {
      shape: "ellipse",
      width: 180,
      "text-max-width": 140,
      "background-color": "#fff7ed",
      "border-color": "#9a3412",
    },
  },
  { selector: "node.failed", style: { "background-color": "#fee2e2", "border-color": "#b91c1c", "border-width": 3 } },
  { selector: "node.running", style: { "border-style": "dashed", "border-color": "#a16207", "border-width": 3 } },
  { selector: "node.classified", style: { "outline-width": 3, "outline-color": "#f97316", "outline-offset": 2 } },
  { selector: "node.root", style: { "border-width": 4, "border-color": "#1d4ed8", "font-weight": "bold" } },
  { selector: "node:selected", style: { "overlay-color": "#2563eb", "overlay-opacity": 0.18, "overlay-padding": 6 } },
  {
    selector: "edge",
    style: {
      width: 1.5,
      "line-color": "#9ca3af",
      "target-arrow-color": "#9ca3af",
      "target-arrow-shape": "triangle",
      "curve-style": "bezier",
      label: "data(label)",
      "font-size": 9,
      color: "#4b5563",
      "text-background-color": "#ffffff",
      "text-background-opacity": 1,
      "text-background-padding": 1,
    },
  },
  {
    selector: "edge.parent",
    style: { "line-style": "dashed", "line-color": "#d97706", "target-arrow-color": "#d97706" },
  },
];

export function nodeLabel(node) {
  const flags = [...new Set((node.classifications || []).map((c) => `⚑ ${c.label}`))].join(" ");
  const title = node.kind === "artifact" ? `${node.name}@${node.version}` : node.name;
  const kind = node.kind === "execution" && node.status !== "COMPLETE" ? `${node.type} · ${node.status}` : node.type;
  return [title, kind, flags].filter(Boolean).join("\n");
}

function nodeElement(node, rootId) {
  const classes = [node.kind];
  if (node.status === "FAILED") classes.push("failed");
  if (node.status === "RUNNING") classes.push("running");
  if ((node.classifications || []).length) classes.push("classified");
  if (node.id === rootId) classes.push("root");
  return {
    group: "nodes",
    data: { id: String(node.id), label: nodeLabel(node), fill: TYPE_COLORS[node.type] ?? "#e0f2fe", node },
    classes: classes.join(" "),
  };
}

function edgeElement(edge) {
  const parent = edge.kind === "PARENT";
  return {
    group: "edges",
    data: {
      id: `${edge.source}-${edge.target}`,
      source: String(edge.source),
      target: String(edge.target),
      label: parent ? "child run" : (edge.role ?? ""),
    },
    classes: parent ? "parent" : "",
  };
}

// onSelect(node) runs when a node is picked; reserved() is how many pixels on the right
// something covers (the details panel), so that a picked node is moved clear of it.
export function createGraph(container, { onSelect, reserved = () => 0 }) {
  const cy = window.cytoscape({
    container,
    style: STYLE,
    elements: [],
    minZoom: 0.15,
    maxZoom: 3,
    boxSelectionEnabled: false,
    autounselectify: false,
  });
  cy.on("tap", "node", (event) => select(event.target));
  container.addEventListener("keydown", (event) => onKey(event));

  function select(target) {
    cy.nodes().unselect();
    target.select();
    onSelect(target.data("node"));
    const box = target.renderedBoundingBox();
    const right = cy.width() - reserved() - 10;
    const dx = box.x2 > right ? right - box.x2 : box.x1 < 10 ? 10 - box.x1 : 0;
    const dy = box.y2 > cy.height() - 10 ? cy.height() - 10 - box.y2 : box.y1 < 10 ? 10 - box.y1 : 0;
    if (dx || dy) cy.animate({ panBy: { x: dx, y: dy }, duration: 150 });
  }

  // Arrows walk the graph: right follows edges downstream, left upstream, up/down
  // move to the nearest node above or below; + and - zoom, 0 fits.
  function onKey(event) {
    const current = cy.nodes(":selected").first();
    const moves = {
      ArrowRight: () => current.outgoers("node"),
      ArrowLeft: () => current.incomers("node"),
      ArrowUp: () => cy.nodes().filter((n) => n.position("y") < current.position("y") - 1),
      ArrowDown: () => cy.nodes().filter((n) => n.position("y") > current.position("y") + 1),
    };
    if (event.key in moves) {
      event.preventDefault();
      if (current.empty()) {
        const root = cy.nodes(".root");
        if (cy.nodes().nonempty()) select(root.nonempty() ? root.first() : cy.nodes().first());
        return;
      }
      const next = nearest(current, moves[event.key]());
      if (next) select(next);
    } else if (event.key === "+" || event.key === "=") {
      event.preventDefault();
      cy.zoom({ level: cy.zoom() * 1.25, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } });
    } else if (event.key === "-") {
      event.preventDefault();
      cy.zoom({ level: cy.zoom() / 1.25, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } });
    } else if (event.key === "0") {
      event.preventDefault();
      cy.fit(undefined, 30);
    }
  }

  // As tall as the graph needs at the zoom that fits its width, within limits.
  function fitHeight() {
    const box = cy.elements().boundingBox();
    const zoom = Math.max(MIN_READABLE_ZOOM, Math.min(MAX_FIT_ZOOM, (cy.width() - 2 * PADDING) / Math.max(box.w, 1)));
    const height = Math.round(Math.min(MAX_HEIGHT, Math.max(MIN_HEIGHT, box.h * zoom + 2 * PADDING)));
    container.style.height = `${height}px`;
    cy.resize();
  }

  return {
    cy,
    select: (id) => select(cy.getElementById(String(id))),
    show(graph) {
      const elements = [...graph.nodes.map((n) => nodeElement(n, graph.root)), ...graph.edges.map(edgeElement)];
      cy.batch(() => {
        cy.elements().remove();
        cy.add(elements);
      });
      cy.layout({ name: "dagre", rankDir: "LR", nodeSep: 24, rankSep: 56, edgeSep: 10, fit: false }).run();
      fitHeight();
      cy.fit(undefined, PADDING);
      // Fitted, but never so small that labels cannot be read (pan to see the rest) nor blown up.
      const root = cy.nodes(".root");
      if (cy.zoom() < MIN_READABLE_ZOOM) cy.zoom(MIN_READABLE_ZOOM).center(root.nonempty() ? root : undefined);
      else if (cy.zoom() > MAX_FIT_ZOOM) cy.zoom(MAX_FIT_ZOOM).center();
      container.dataset.nodes = String(cy.nodes().length);
      container.dataset.edges = String(cy.edges().length);
    },
  };
}

function nearest(from, candidates) {
  const p = from.position();
  let best = null;
  let distance = Infinity;
  candidates.forEach((node) => {
    const q = node.position();
    const d = Math.hypot(q.x - p.x, (q.y - p.y) * 1.5);
    if (node.id() !== from.id() && d < distance) {
      best = node;
      distance = d;
    }
  });
  return best;
}
