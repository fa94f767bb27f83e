// Small DOM helpers. Text always goes in through textContent, never innerHTML,
// so that names and properties from the store cannot inject markup.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") el.className = value;
    else if (key === "text") el.textContent = value;
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else if (key in el && typeof value !== "string") el[key] = value;
    else el.setAttribute(key, value === true ? "" : value);
  }
  append(el, children);
  return el;
}

export function append(el, ...children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

// Replace an element's children (arrays flattened, null and false skipped).
export function fill(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

export function when(iso) {
  if (!iso) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  const pad = (n) => String(n).padStart(2, "0");
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`
  );
}

export function duration(seconds) {
  if (seconds === null || seconds === undefined) return "";
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 120) return `${seconds.toFixed(seconds < 10 ? 2 : 1)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 120) return `${minutes} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export function number(value) {
  if (typeof value !== "number") return value === null || value === undefined ? "" : String(value);
  if (Number.isInteger(value)) return Math.abs(value) < 10000 ? String(value) : value.toLocaleString("en-US");
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e7)) return value.toExponential(3);
  return value.toLocaleString("en-US", { maximumSignificantDigits: 6 });
}

export function show(value) {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return number(value);
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

export function plural(count, noun) {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

export function short(text, width = 48) {
  const value = show(text);
  return value.length <= width ? value : value.slice(0, width - 1) + "…";
}

export function digest(value) {
  return value ? value.replace(/^sha256:/, "").slice(0, 12) : "";
}

// The page of a node: runs for executions, the node page for artifacts.
export function hrefOf(node) {
  const ref = node.ref ?? node;
  return ref.startsWith("exec:") ? `#/runs/${encodeURIComponent(ref)}` : `#/node/${encodeURIComponent(ref)}`;
}

export function refLink(node, label) {
  return h("a", { href: hrefOf(node), text: label ?? node.ref ?? node });
}

export function lineageLink(ref, label = "lineage") {
  return h("a", { class: "pill", href: `#/lineage/${encodeURIComponent(ref)}`, text: label });
}

export function statusBadge(status) {
  const name = String(status || "").toLowerCase();
  return h("span", { class: `status status-${name}`, text: status });
}

export function badge(text, kind = "") {
  return h("span", { class: `badge ${kind}`.trim(), text });
}

// Classification labels; one that came from upstream names its origin.
export function classBadges(items = [], ref = null) {
  return items.map((c) => {
    const inherited = c.origin && c.origin !== ref;
    const el = badge(`⚑ ${c.label}${inherited ? ` from ${c.origin}` : ""}`, "badge-class");
    el.title = inherited ? `${c.label}, propagated from ${c.origin}` : `${c.label}, set on this node`;
    return el;
  });
}

export function section(title, ...children) {
  const id = "s-" + title.toLowerCase().replace(/[^a-z0-9]+/g, "-");
  return h("section", { class: "card", "aria-labelledby": id }, h("h2", { id, text: title }), children);
}

export function errorBox(message) {
  return h("p", { class: "error", role: "alert", text: message });
}

export function empty(message) {
  return h("p", { class: "empty", text: message });
}

export function keyValues(object, { empty: none = "none" } = {}) {
  const entries = Object.entries(object || {});
  if (!entries.length) return empty(none);
  return h(
    "dl",
    { class: "kv" },
    entries.map(([key, value]) => [
      h("dt", { text: key }),
      h(
        "dd",
        {},
        typeof value === "object" && value !== null ? h("code", { text: JSON.stringify(value) }) : show(value),
      ),
    ]),
  );
}

export function setTitle(...parts) {
  document.title = [...parts, "Trailmark"].filter(Boolean).join(" · ");
}
