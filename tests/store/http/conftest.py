"""The HTTP client's own tests need the server extra (they run real servers on loopback ports)."""

from __future__ import annotations

import importlib.util

if not all(importlib.util.find_spec(name) for name in ("fastapi", "uvicorn", "httpx")):
    collect_ignore_glob = ["test_*.py"]
