// Reuse on the pages: datasets like this one (and what was trained on them), and runs served from the cache.

import { get } from "./api.js";
import { duration, empty, h, refLink } from "./dom.js";
import { sortableTable } from "./table.js";

// The "Similar datasets" section's content for a profiled artifact.
export async function similarDatasets(ref) {
  const found = await get(`similar/${encodeURIComponent(ref)}`, { limit: 5 });
  if (!found.length) return empty("No other profiled dataset in this project.");
  return sortableTable({
    rows: found,
    caption: "Datasets most like this one, by schema and statistics",
    columns: [
      { label: "Dataset", value: (s) => s.artifact.ref, className: "wrap", cell: (s) => refLink(s.artifact) },
      { label: "Score", value: (s) => s.score, cell: (s) => s.score.toFixed(3) },
      { label: "Why", value: (s) => s.reasons.join("; "), className: "wrap", cell: (s) => s.reasons.join("; ") },
      {
        label: "Models trained on it",
        value: (s) => s.models.length,
        className: "wrap",
        cell: (s) => (s.models.length ? h("ul", {}, ...s.models.map(trainedModel)) : "none"),
      },
    ],
  });
}

function trainedModel(m) {
  const metrics = Object.entries(m.metrics)
    .map(([key, value]) => `${key} ${Number(value).toPrecision(4)}`)
    .join(", ");
  return h(
    "li",
    {},
    refLink({ kind: "artifact", ref: m.model }),
    " by ",
    refLink({ kind: "execution", ref: m.run }),
    metrics ? ` (${metrics})` : "",
  );
}

// A note for a run served from the cache: which run it reused, and the time that saved.
export async function cacheNote(node) {
  if (node.cached_from == null) return null;
  const ref = `exec:${node.cached_from}`;
  const original = await get("ui/node", { ref }).catch(() => null);
  const saved = original?.duration != null ? `, saving ${duration(original.duration)}` : "";
  return h(
    "p",
    { class: "notice cached", role: "note" },
    "Served from the cache: this run reused the outputs of ",
    refLink({ kind: "execution", ref }, original ? `${original.name} (${ref})` : ref),
    `${saved}.`,
  );
}
