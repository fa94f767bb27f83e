// Audit: whether the hash chain verifies, and the project's newest entries.

import { ApiError, get } from "../api.js";
import { badge, empty, fill, h, section, setTitle, when } from "../dom.js";
import { sortableTable } from "../table.js";

const LIMIT = 200;

export async function auditPage(view, { isCurrent }) {
  setTitle("Audit");
  let report, entries;
  try {
    [report, entries] = await Promise.all([get("audit/verify"), get("audit", { limit: LIMIT })]);
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 404 && error.code === "not_found")) throw error;
    fill(view, h("h1", { text: "Audit log" }), empty("This server has no audit log to show."));
    return;
  }
  if (!isCurrent()) return;
  fill(
    view,
    h("h1", { text: "Audit log" }),
    section("Verification", verification(report)),
    section(
      `The project's newest ${entries.length} entries`,
      entries.length
        ? sortableTable({
            rows: entries,
            sort: { index: 0, descending: true },
            columns: [
              { label: "Seq", value: (e) => e.seq, numeric: true },
              { label: "Time", value: (e) => e.time, cell: (e) => when(e.time) },
              { label: "Actor", value: (e) => e.actor },
              { label: "Action", value: (e) => e.action, cell: (e) => h("code", { text: e.action }) },
              { label: "Target", value: (e) => e.target, cell: (e) => target(e.target) },
              { label: "Project", value: (e) => e.project ?? "" },
              {
                label: "Hash",
                value: (e) => e.hash,
                cell: (e) => h("code", { title: e.hash, text: e.hash.slice(0, 12) }),
              },
            ],
          })
        : empty("No entries yet."),
    ),
  );
}

function verification(report) {
  if (report.ok) {
    return h(
      "p",
      { role: "status" },
      badge("verified", "badge-ok"),
      ` The hash chain of all ${report.checked} entries is intact.`,
    );
  }
  return h(
    "p",
    { role: "alert" },
    badge("broken", "badge-bad"),
    ` The chain breaks at entry ${report.first_bad}${report.reason ? `: ${report.reason}` : ""}.` +
      ` ${report.checked} entries checked. Run \`trailmark audit verify\` on the server for details.`,
  );
}

// Node references link to their pages; users, tokens and projects stay text.
function target(ref) {
  if (/^(exec|[a-z][a-z0-9_-]*):/.test(ref) && !/^(user|token|project):/.test(ref)) {
    const href = ref.startsWith("exec:") ? `#/runs/${encodeURIComponent(ref)}` : `#/node/${encodeURIComponent(ref)}`;
    return h("a", { href, text: ref });
  }
  return h("code", { text: ref });
}
