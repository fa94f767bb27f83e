// Line charts of metrics over steps, drawn with the vendored uPlot.

import { h } from "./dom.js";

// Steps are whole numbers: ticks at 1, 2, 5, 10, 20, 50... apart, never between two steps.
const STEP_INCREMENTS = [1, 2, 5]
  .flatMap((n) => [1, 10, 100, 1000, 10000, 100000].map((p) => n * p))
  .sort((a, b) => a - b);

const COLORS = ["#2563eb", "#dc2626", "#059669", "#d97706", "#7c3aed", "#0891b2", "#be185d", "#4b5563"];

// series: [{label, steps: [...], values: [...]}]; returns a figure that sizes to its container.
export function metricChart(title, series) {
  const canvas = h("div", { class: "chart-canvas" });
  const figure = h(
    "figure",
    { class: "chart", role: "img", "aria-label": describe(title, series) },
    h("figcaption", { text: title }),
    canvas,
  );
  const steps = [...new Set(series.flatMap((s) => s.steps))].sort((a, b) => a - b);
  const data = [
    steps,
    ...series.map((s) => {
      const byStep = new Map(s.steps.map((step, i) => [step, s.values[i]]));
      return steps.map((step) => byStep.get(step) ?? null);
    }),
  ];
  const single = steps.length === 1;
  const options = {
    width: 400,
    height: 220,
    legend: { show: series.length > 1 },
    scales: { x: { time: false, ...(single ? { range: [steps[0] - 1, steps[0] + 1] } : {}) } },
    axes: [{ label: "step", incrs: STEP_INCREMENTS }, { size: 70 }],
    series: [
      { label: "step" },
      ...series.map((s, i) => ({
        label: s.label,
        stroke: COLORS[i % COLORS.length],
        width: 2,
        spanGaps: true,
        points: { show: steps.length < 30, size: 7 },
      })),
    ],
  };
  let plot = null;
  const observer = new ResizeObserver(() => {
    const width = Math.max(220, Math.floor(canvas.clientWidth));
    if (!canvas.isConnected) {
      observer.disconnect();
      return;
    }
    if (!plot) plot = new window.uPlot({ ...options, width }, data, canvas);
    else if (Math.abs(plot.width - width) > 2) plot.setSize({ width, height: options.height });
  });
  observer.observe(canvas);
  return figure;
}

// Points [{key, value, step}] -> {key: {steps, values}}, each ordered by step.
export function seriesOf(points) {
  const series = {};
  for (const p of [...points].sort((a, b) => a.step - b.step)) {
    const entry = (series[p.key] ??= { steps: [], values: [] });
    entry.steps.push(p.step);
    entry.values.push(p.value);
  }
  return series;
}

function describe(title, series) {
  const last = series.map((s) => `${s.label}: ${s.values.at(-1)} at step ${s.steps.at(-1)}`);
  return `Chart of ${title} over steps. Last values: ${last.join("; ")}`;
}
