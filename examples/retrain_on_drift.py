"""A webhook receiver that starts a retraining run when Trailmark reports drift.

    python examples/retrain_on_drift.py --port 8765 --secret s3cret [--uri URI]
    trailmark webhooks add http://127.0.0.1:8765/hook --event drift.detected --secret s3cret

Every POST is checked against its X-Trailmark-Signature (HMAC-SHA256 of the body with
the shared secret) and refused with 401 when it does not match. A ``drift.detected``
delivery starts ``examples/ci/train.py`` with a new seed, against the same store; the
delivery id (X-Trailmark-Delivery) is remembered, so a delivery sent twice (delivery is
at least once) retrains once.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import http.server
import json
import subprocess
import sys
from pathlib import Path

TRAIN = Path(__file__).with_name("ci") / "train.py"


def verified(secret: str, body: bytes, signature: str | None) -> bool:
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return signature is not None and hmac.compare_digest(expected, signature)


def make_handler(secret: str, uri: str | None, seen: set[str]) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802  (the name http.server calls)
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if not verified(secret, body, self.headers.get("X-Trailmark-Signature")):
                self.send_response(401)
                self.end_headers()
                return
            event = json.loads(body)
            if event["event"] == "drift.detected" and event["id"] not in seen:
                seen.add(event["id"])
                columns = ", ".join(event["data"].get("columns", {}))
                print(f"drift on {event['subject']} ({columns}): retraining", flush=True)
                command = [sys.executable, str(TRAIN), "--seed", str(len(seen) + 100)]
                subprocess.Popen(command + (["--uri", uri] if uri else []))
            self.send_response(204)
            self.end_headers()

    return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--secret", required=True, help="The secret the webhook was added with")
    parser.add_argument("--uri", default=None, help="The store the retraining logs to (default: $TRAILMARK_URI)")
    args = parser.parse_args()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), make_handler(args.secret, args.uri, set()))
    print(f"listening on http://127.0.0.1:{args.port}/hook", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
