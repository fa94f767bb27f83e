// The one place that talks to the server: JSON requests with the bearer token, if any.

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
  return call(url, { method: "GET" });
}

// A write: METHOD api/v1/<path> with a JSON body (the notes of a run, say).
export async function send(method, path, body) {
  const url = new URL(`api/v1/${path}`, document.baseURI);
  return call(url, { method, body: JSON.stringify(body), contentType: "application/json" });
}

async function call(url, { method, body, contentType }) {
  const headers = { Accept: "application/json" };
  if (contentType) headers["Content-Type"] = contentType;
  if (token()) headers.Authorization = `Bearer ${token()}`;
  if (project()) headers["X-Trailmark-Project"] = project();
  let response;
  try {
    response = await fetch(url, { method, headers, body });
  } catch (error) {
    throw new ApiError(0, "network", `cannot reach the server: ${error.message}`);
  }
  const answer = await response.json().catch(() => null);
  if (response.ok) return answer;
  const error = answer?.error ?? {};
  const detail = answer?.detail;
  const message =
    error.message ?? (Array.isArray(detail) ? detail.map((d) => d.msg).join("; ") : detail) ?? response.statusText;
  const failure = new ApiError(response.status, error.code ?? "error", message || `HTTP ${response.status}`, error);
  if (response.status === 401) window.dispatchEvent(new CustomEvent("trailmark:login", { detail: failure }));
  throw failure;
}
