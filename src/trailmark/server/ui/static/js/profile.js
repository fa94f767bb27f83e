// A captured dataset profile (properties: rows, schema, missing, stats, categorical)
// as a table of columns with their type, missing share, summary and histogram.

import { empty, h, number, show } from "./dom.js";
import { sortableTable } from "./table.js";

export function hasProfile(properties) {
  return Array.isArray(properties?.schema) || typeof properties?.stats === "object";
}

export function profileRows(properties) {
  const rows = properties.rows ?? null;
  const names = (properties.schema ?? []).map((c) => c.name);
  for (const name of Object.keys(properties.stats ?? {})) if (!names.includes(name)) names.push(name);
  return names.map((name) => {
    const stats = properties.stats?.[name] ?? {};
    const categorical = properties.categorical?.[name] ?? {};
    const missing = properties.missing?.[name];
    return {
      name,
      dtype: (properties.schema ?? []).find((c) => c.name === name)?.dtype ?? "",
      missing,
      missingShare: rows && missing !== undefined ? missing / rows : null,
      mean: stats.mean,
      std: stats.std,
      min: stats.min,
      median: stats.q50,
      max: stats.max,
      histogram: stats.histogram,
      cardinality: categorical.cardinality,
      top: categorical.top,
    };
  });
}

export function profileTable(properties) {
  if (!hasProfile(properties)) return empty("No schema or statistics were captured for this version.");
  const facts = [
    properties.rows !== undefined ? `${number(properties.rows)} rows` : null,
    properties.columns !== undefined ? `${number(properties.columns)} columns` : null,
    properties.duplicate_rows !== undefined ? `${number(properties.duplicate_rows)} duplicate rows` : null,
    properties.format ? `format ${properties.format}` : null,
    properties.approximate ? "statistics from a sample" : null,
  ]
    .filter(Boolean)
    .join(" · ");
  const numeric = (key) => ({ label: key, value: (r) => r[key], cell: (r) => number(r[key]), numeric: true });
  return h(
    "div",
    {},
    h("p", { class: "hint", text: facts }),
    sortableTable({
      rows: profileRows(properties),
      columns: [
        { label: "Column", value: (r) => r.name, cell: (r) => h("code", { text: r.name }) },
        { label: "Type", value: (r) => r.dtype },
        {
          label: "Missing",
          value: (r) => r.missingShare ?? r.missing,
          numeric: true,
          cell: (r) => (r.missing === undefined ? "" : `${number(r.missing)} (${percent(r.missingShare)})`),
        },
        numeric("mean"),
        numeric("std"),
        numeric("min"),
        numeric("median"),
        numeric("max"),
        { label: "Distinct", value: (r) => r.cardinality, cell: (r) => number(r.cardinality), numeric: true },
        {
          label: "Distribution",
          sortable: false,
          cell: (r) =>
            r.histogram
              ? histogram(r.histogram, r.name)
              : (r.top ?? [])
                  .slice(0, 3)
                  .map(([v, c]) => `${show(v)} (${number(c)})`)
                  .join(", "),
        },
      ],
    }),
  );
}

export function percent(share) {
  if (share === null || share === undefined) return "";
  return `${(share * 100).toFixed(share && share < 0.001 ? 3 : 1)}%`;
}

// A histogram as a row of bars (inline SVG), described for screen readers.
function histogram({ counts = [] }, name) {
  const max = Math.max(...counts, 1);
  const width = 96;
  const bar = width / Math.max(counts.length, 1);
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", `0 0 ${width} 24`);
  svg.setAttribute("width", String(width));
  svg.setAttribute("height", "24");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", `histogram of ${name}: ${counts.join(", ")}`);
  counts.forEach((count, i) => {
    const rect = document.createElementNS("http://www.w3.org/2000/svg", "rect");
    const height = Math.max(1, (count / max) * 22);
    rect.setAttribute("x", String(i * bar + 0.5));
    rect.setAttribute("y", String(24 - height));
    rect.setAttribute("width", String(Math.max(bar - 1, 1)));
    rect.setAttribute("height", String(height));
    rect.setAttribute("fill", "#60a5fa");
    svg.append(rect);
  });
  return svg;
}
