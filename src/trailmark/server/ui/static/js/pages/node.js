// One artifact: what it is, where it came from, what used it, its properties.

import { get } from "../api.js";
import {
  badge,
  classBadges,
  empty,
  fill,
  h,
  keyValues,
  lineageLink,
  refLink,
  section,
  setTitle,
  when,
} from "../dom.js";
import { hasProfile, profileTable } from "../profile.js";
import { columnsSection } from "../columns.js";
import { similarDatasets } from "../reuse.js";
import { sortableTable } from "../table.js";

export async function nodePage(view, { ref, isCurrent }) {
  if (ref.startsWith("exec:")) {
    location.replace(`#/runs/${encodeURIComponent(ref)}`);
    return;
  }
  const node = await get("ui/node", { ref });
  if (!isCurrent()) return;
  if (node.kind === "execution") {
    location.replace(`#/runs/${encodeURIComponent(node.ref)}`);
    return;
  }
  const similar = hasProfile(node.properties) ? await similarDatasets(node.ref) : null;
  const columns = await columnsSection(node);
  if (!isCurrent()) return;
  setTitle(node.ref);
  const { properties } = node;
  const series =
    node.type === "Dataset"
      ? h("a", { href: `#/datasets/${encodeURIComponent(node.name)}`, text: `all ${node.versions} versions` })
      : node.type === "Model"
        ? h("a", { href: "#/models", text: "registry" })
        : node.type === "Deployment"
          ? h("a", { href: `#/deployments/${encodeURIComponent(node.ref)}`, text: "drift and health" })
          : null;
  fill(
    view,
    h(
      "h1",
      {},
      `${node.name} @${node.version}`,
      badge(node.type),
      classBadges(node.classifications, node.ref),
      lineageLink(node.ref, "Lineage"),
    ),
    h(
      "div",
      { class: "grid" },
      section(
        "Summary",
        keyValues({
          reference: node.ref,
          id: node.id,
          digest: node.digest,
          uri: node.uri ?? "",
          created: when(node.created_at),
          "created by": node.created_by ?? "",
          project: node.project,
        }),
        series ? h("p", {}, series) : null,
      ),
      section("Neighbours", neighbours(node.neighbours)),
      section("Tags", keyValues(node.tags, { empty: "no tags" })),
    ),
    hasProfile(properties) ? section("Schema and statistics", profileTable(properties)) : null,
    similar ? section("Similar datasets", similar) : null,
    columns ? section("Columns", columns) : null,
    section(
      "Properties",
      Object.keys(properties).length ? h("pre", { text: JSON.stringify(properties, null, 2) }) : empty("no properties"),
    ),
  );
}

function neighbours(items) {
  if (!items.length) return empty("Nothing was derived from this artifact, and nothing recorded produced it.");
  return sortableTable({
    rows: items,
    columns: [
      { label: "", value: (n) => n.direction, cell: (n) => (n.direction === "upstream" ? "produced by" : "read by") },
      {
        label: "Node",
        value: (n) => n.ref,
        className: "wrap",
        cell: (n) => refLink(n, n.kind === "execution" ? `${n.name} (${n.ref})` : n.ref),
      },
      { label: "Status", value: (n) => n.status ?? "" },
      { label: "Role", value: (n) => n.role ?? "" },
    ],
  });
}
