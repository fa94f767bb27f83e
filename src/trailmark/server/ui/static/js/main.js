// The single-page app: hash routes (#/runs, #/lineage/REF...) rendered into <main>.

import { ApiError, setToken, token } from "./api.js";
import { errorBox, fill, h } from "./dom.js";
import { navigate } from "./nav.js";
import { auditPage } from "./pages/audit.js";
import { comparePage } from "./pages/compare.js";
import { datasetPage, datasetsPage } from "./pages/datasets.js";
import { deploymentPage } from "./pages/deployment.js";
import { leaderboardPage } from "./pages/leaderboard.js";
import { lineagePage } from "./pages/lineage.js";
import { modelsPage } from "./pages/models.js";
import { nodePage } from "./pages/node.js";
import { runPage } from "./pages/run.js";
import { runsPage } from "./pages/runs.js";
import { searchPage } from "./pages/search.js";
import { showLogin } from "./login.js";

const ROUTES = [
  [/^runs\/(.+)$/, runPage],
  [/^runs$/, runsPage],
  [/^lineage(?:\/(.+))?$/, lineagePage],
  [/^node\/(.+)$/, nodePage],
  [/^datasets\/(.+)$/, datasetPage],
  [/^datasets$/, datasetsPage],
  [/^models$/, modelsPage],
  [/^deployments\/(.+)$/, deploymentPage],
  [/^leaderboard\/(.+)$/, leaderboardPage],
  [/^compare$/, comparePage],
  [/^search$/, searchPage],
  [/^audit$/, auditPage],
];

const main = document.getElementById("main");
let generation = 0;

function parseHash() {
  const raw = location.hash.replace(/^#\/?/, "");
  const [path, query = ""] = raw.split("?", 2);
  return { path: path || "runs", params: new URLSearchParams(query) };
}

async function render() {
  const current = ++generation;
  const { path, params } = parseHash();
  const [pattern, page] = ROUTES.find(([re]) => re.test(path)) ?? [];
  highlightNav(path);
  if (!page) {
    fill(main, h("h1", { text: "Not found" }), errorBox(`no page at #/${path}`));
    return;
  }
  const arg = path.match(pattern)[1];
  const view = h("div", { class: "page", "aria-busy": "true" });
  fill(main, view);
  try {
    await page(view, {
      ref: arg ? decodeURIComponent(arg) : undefined,
      params,
      isCurrent: () => current === generation,
    });
  } catch (error) {
    if (current !== generation) return;
    const signIn = error instanceof ApiError && error.status === 401;
    fill(view, h("h1", { text: signIn ? "Sign in required" : "Something went wrong" }), errorBox(describe(error)));
  } finally {
    view.removeAttribute("aria-busy");
  }
}

function describe(error) {
  if (error instanceof ApiError && error.status === 401)
    return "This server asks for a token: sign in to see this page.";
  if (error instanceof ApiError) return error.message;
  console.warn(error);
  return String(error.message ?? error);
}

function highlightNav(path) {
  const top = path.split("/")[0];
  for (const link of document.querySelectorAll("nav.main a")) {
    const match = link.getAttribute("href").slice(2) === top;
    if (match) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
}

function setUpHeader() {
  document.getElementById("skip").addEventListener("click", (event) => {
    event.preventDefault();
    main.focus();
  });
  document.getElementById("quick-search").addEventListener("submit", (event) => {
    event.preventDefault();
    const filter = new FormData(event.target).get("filter");
    navigate("search", { filter, kind: "artifacts" });
  });
  const signOut = document.getElementById("sign-out");
  signOut.hidden = !token();
  signOut.addEventListener("click", () => {
    setToken(null);
    signOut.hidden = true;
    render();
  });
  window.addEventListener("trailmark:login", (event) => {
    showLogin(event.detail, () => {
      signOut.hidden = !token();
      render();
    });
  });
}

setUpHeader();
window.addEventListener("hashchange", render);
render();
