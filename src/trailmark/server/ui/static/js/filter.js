// A filter-language input with its error shown inline, under the box.

import { ApiError } from "./api.js";
import { fill, h } from "./dom.js";

let counter = 0;

// Returns {form, input, showError(error), clearError()}; onSubmit(filter) runs on submit.
export function filterForm({ value = "", label, placeholder, extra = [], onSubmit }) {
  const id = `filter-${++counter}`;
  const input = h("input", {
    id,
    name: "filter",
    type: "search",
    value,
    placeholder,
    autocomplete: "off",
    spellcheck: "false",
    "aria-describedby": `${id}-error`,
  });
  const message = h("div", { id: `${id}-error`, "aria-live": "polite" });
  const form = h(
    "form",
    {
      class: "toolbar",
      role: "search",
      onsubmit: (event) => {
        event.preventDefault();
        onSubmit(input.value.trim());
      },
    },
    h("label", { class: "grow", for: id }, label, input),
    extra,
    h("button", { type: "submit", text: "Apply" }),
  );

  return {
    form: h("div", {}, form, message),
    input,
    showError(error) {
      input.setAttribute("aria-invalid", "true");
      const box = h("p", { class: "error", role: "alert" }, error.message);
      const column = error instanceof ApiError ? error.detail?.column : undefined;
      if (Number.isInteger(column) && column > 0) {
        box.append(
          h("span", { class: "caret", "aria-hidden": "true", text: `${input.value}\n${" ".repeat(column - 1)}^` }),
        );
      }
      fill(message, box);
    },
    clearError() {
      input.removeAttribute("aria-invalid");
      fill(message);
    },
  };
}

// Whether an error is the user's filter being wrong (shown inline), not a failure of the page.
export function isFilterError(error) {
  return error instanceof ApiError && error.status >= 400 && error.status < 500 && error.status !== 401;
}
