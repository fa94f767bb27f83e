// The one place that talks to the server: JSON GETs with the bearer token, if any.

const TOKEN_KEY = "trailmark.token";

export class ApiError extends Error {
  constructor(status, code, message, detail = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.detail = detail;
  }
}

export function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(value) {
  if (value) sessionStorage.setItem(TOKEN_KEY, value);
  else sessionStorage.removeItem(TOKEN_KEY);
}

// The project shown: ?project=NAME in the page's address (before the #), else the server's default.
export function project() {
  return new URLSearchParams(location.search).get("project");
}

// GET api/v1/<path>; array values repeat the parameter (ref=a&ref=b).
export async function get(path, params = {}) {
  const url = new URL(`api/v1/${path}`, document.baseURI);
  for (const [key, value] of Object.entries(params)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item !== undefined && item !== null && item !== "") url.searchParams.append(key, item);
    }
  }
  const headers = { Accept: "application/json" };
  if (token()) headers.Authorization = `Bearer ${token()}`;
  if (project()) headers["X-Trailmark-Project"] = project();
  let response;
  try {
    response = await fetch(url, { headers });
  } catch (error) {
    throw new ApiError(0, "network", `cannot reach the server: ${error.message}`);
  }
  const body = await response.json().catch(() => null);
  if (response.ok) return body;
  const error = body?.error ?? {};
  const detail = body?.detail;
  const message =
    error.message ?? (Array.isArray(detail) ? detail.map((d) => d.msg).join("; ") : detail) ?? response.statusText;
  const failure = new ApiError(response.status, error.code ?? "error", message || `HTTP ${response.status}`, error);
  if (response.status === 401) window.dispatchEvent(new CustomEvent("trailmark:login", { detail: failure }));
  throw failure;
}
