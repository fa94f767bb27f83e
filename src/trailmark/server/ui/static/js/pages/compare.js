// Compare: two or more runs (or artifact versions) side by side, rows that differ marked.

import { get } from "../api.js";
import { comparisonSections, differenceCount } from "../comparison.js";
import { append, empty, errorBox, fill, h, plural, setTitle } from "../dom.js";
import { navigate } from "../nav.js";

export async function comparePage(view, { params, isCurrent }) {
  const refs = (params.get("refs") ?? "").split(/[\s,]+/).filter(Boolean);
  setTitle(refs.length ? `Compare ${refs.join(", ")}` : "Compare");
  const input = h("input", {
    id: "compare-refs",
    value: refs.join(", "),
    placeholder: "exec:4, exec:6",
    autocomplete: "off",
    spellcheck: "false",
  });
  const form = h(
    "form",
    {
      class: "toolbar",
      onsubmit: (event) => {
        event.preventDefault();
        navigate("compare", {
          refs: input.value
            .split(/[\s,]+/)
            .filter(Boolean)
            .join(","),
        });
      },
    },
    h("label", { class: "grow", for: "compare-refs" }, "References (two or more, comma-separated)", input),
    h("button", { type: "submit", text: "Compare" }),
  );
  fill(view, h("h1", { text: "Compare" }), form);
  if (refs.length < 2) {
    append(view, empty("Pick two or more runs on the Runs page, or type their references above."));
    return;
  }
  let data;
  try {
    data = await get("ui/compare", { ref: refs });
  } catch (error) {
    if (error.status === 401) throw error;
    append(view, errorBox(error.message));
    return;
  }
  if (!isCurrent()) return;
  const count = differenceCount(data);
  append(
    view,
    h("p", {
      class: "hint",
      role: "status",
      text: count
        ? `${plural(count, "difference")} between these ${data.kind}, marked ≠ and highlighted.`
        : "No differences.",
    }),
    comparisonSections(data),
  );
}
