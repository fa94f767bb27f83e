// Models: the registry. Each model's versions with their run's metrics, the aliases
// as they stand and as they moved, and where the model is deployed.

import { get } from "../api.js";
import {
  badge,
  digest,
  empty,
  fill,
  h,
  lineageLink,
  number,
  refLink,
  section,
  setTitle,
  statusBadge,
  when,
} from "../dom.js";
import { sortableTable } from "../table.js";

export async function modelsPage(view, { isCurrent }) {
  setTitle("Models");
  const data = await get("ui/models");
  if (!isCurrent()) return;
  fill(
    view,
    h("h1", { text: "Models" }),
    data.items.length ? data.items.map(model) : empty("No models registered yet."),
  );
}

function model(m) {
  const metricKeys = [...new Set(m.versions.flatMap((v) => Object.keys(v.metrics)))].sort();
  const aliases = Object.entries(m.aliases);
  return section(
    m.name,
    h(
      "p",
      {},
      aliases.length
        ? aliases.map(([alias, version]) => [badge(`${alias} → v${version}`, "badge-alias"), " "])
        : h("span", { class: "hint", text: "no aliases" }),
    ),
    h("h3", { text: "Versions" }),
    sortableTable({
      rows: m.versions,
      sort: { index: 0, descending: true },
      columns: [
        { label: "Version", value: (v) => v.version, numeric: true, cell: (v) => refLink(v, `v${v.version}`) },
        {
          label: "Aliases",
          value: (v) => v.aliases.join(","),
          cell: (v) => v.aliases.map((a) => badge(a, "badge-alias")),
        },
        {
          label: "Run",
          value: (v) => v.run?.name ?? "",
          cell: (v) => (v.run ? [refLink(v.run, v.run.name), " ", statusBadge(v.run.status)] : ""),
        },
        ...metricKeys.map((key) => ({
          label: key,
          value: (v) => v.metrics[key],
          cell: (v) => number(v.metrics[key]),
          numeric: true,
        })),
        { label: "Digest", value: (v) => v.digest, cell: (v) => h("code", { text: digest(v.digest) }) },
        { label: "Created", value: (v) => v.created_at, cell: (v) => when(v.created_at) },
        { label: "", sortable: false, cell: (v) => lineageLink(v.ref) },
      ],
    }),
    h("h3", { text: "Deployments" }),
    m.deployments.length
      ? sortableTable({
          rows: m.deployments,
          columns: [
            { label: "Deployment", value: (d) => d.ref, cell: (d) => refLink(d) },
            {
              label: "Model",
              value: (d) => d.properties.model ?? "",
              cell: (d) => (d.properties.model ? refLink(d.properties.model) : ""),
            },
            {
              label: "Endpoint",
              value: (d) => d.properties.endpoint ?? "",
              cell: (d) => h("code", { text: d.properties.endpoint ?? "" }),
            },
            { label: "Health", value: (d) => d.properties.health ?? "", cell: (d) => health(d.properties.health) },
            {
              label: "Deployed",
              value: (d) => d.properties.deployed_at ?? d.created_at,
              cell: (d) => when(d.properties.deployed_at ?? d.created_at),
            },
          ],
        })
      : empty("not deployed"),
    h(
      "details",
      {},
      h("summary", { text: `Alias history (${m.alias_history.length} moves)` }),
      sortableTable({
        rows: m.alias_history,
        sort: { index: 0, descending: true },
        columns: [
          { label: "When", value: (a) => a.set_at, cell: (a) => when(a.set_at) },
          { label: "Alias", value: (a) => a.alias },
          {
            label: "Version",
            value: (a) => a.version,
            cell: (a) => (a.version === null ? "removed" : `v${a.version}`),
          },
          { label: "By", value: (a) => a.set_by ?? "" },
        ],
      }),
    ),
  );
}

function health(value) {
  if (!value) return "";
  return badge(value, value === "healthy" ? "badge-ok" : value === "unknown" ? "" : "badge-bad");
}
