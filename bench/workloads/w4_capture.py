"""W4 capture: describe a large DataFrame (content digest and per-column statistics)."""

from __future__ import annotations

import json

from bench import _data
from bench._result import Result
from bench._timing import latencies_ms
from bench.workloads import Context
from bench.workloads._common import result


def measure(ctx: Context) -> list[Result]:
    from trailmark.capture import describe_dataset

    df = _data.frame(ctx.sizes.rows)
    described = []
    samples = latencies_ms(lambda: described.append(describe_dataset(df)), min(ctx.sizes.repeats, 3), warmup=0)
    description = described[-1]
    metadata = len(json.dumps(description.properties)) + len(description.digest)
    changed = df.copy()
    changed.iloc[-1, 0] += 1.0
    covers_all = describe_dataset(changed).digest != description.digest
    data_bytes = _data.frame_bytes(df)
    return [
        result("W4", "capture", "-", "ms", samples, f"{ctx.sizes.rows:,} x 10",
               note="trailmark.capture.describe_dataset(df)",
               extra={"metadata_bytes": metadata, "data_bytes": data_bytes, "metadata_share": metadata / data_bytes,
                      "digest_covers_all_rows": covers_all}),
    ]
