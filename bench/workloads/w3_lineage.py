"""W3 lineage: walks down and up a long chain and a wide fan-out, to depth 10 and without limit."""

from __future__ import annotations

from bench._result import Result
from bench._timing import timed
from bench.workloads import Context
from bench.workloads._common import connected, fake_digest, latency
from trailmark.store import Store

DIRECTIONS = (("down", "downstream"), ("up", "upstream"))


def measure(ctx: Context) -> list[Result]:
    results = []
    shapes = (("chain", build_chain, ctx.sizes.chain), ("fanout", build_fanout, ctx.sizes.fanout))
    for backend in ctx.backends.names:
        with ctx.backends.store(backend, "w3") as uri, connected(uri) as store:
            for shape, build, width in shapes:
                ends, built = timed(build, store, width)
                size = f"{width:,}" + (" nodes" if shape == "chain" else " wide")
                for (short, direction), start in zip(DIRECTIONS, ends, strict=False):
                    for depth in (10, None):
                        case = f"{shape} {short} {'d10' if depth else 'all'}"
                        results.append(_walks(store, backend, case, size, start, direction, depth, ctx.sizes.queries))
                        results[-1].extra["build_seconds"] = built
    return results


def _walks(store: Store, backend: str, case: str, size: str, start: int, direction: str, depth: int | None,
           times: int) -> Result:
    reached: list[int] = []

    def walk() -> None:
        reached.append(len(store.lineage(start, direction=direction, depth=depth).nodes))

    result = latency("W3", case, backend, walk, times, size, note="store.lineage(ref, direction, depth): one call")
    result.extra["nodes"] = reached[-1]
    return result


def build_chain(store: Store, size: int) -> tuple[int, int]:
    """artifact -> execution -> artifact ... of ``size`` nodes; the ids of its first and last node."""
    previous = store.log_artifact("Dataset", "chain-0", digest=fake_digest("chain-0")).id
    first = last = previous
    for i in range(1, size, 2):
        execution = store.start_execution("Step", f"chain-{i}")
        outputs = []
        if i + 1 < size:
            outputs = [store.log_artifact("Dataset", f"chain-{i + 1}", digest=fake_digest(f"chain-{i + 1}"))]
        store.link(execution, inputs=[previous], outputs=outputs)
        last = outputs[0].id if outputs else execution.id
        previous = last
    return first, last


def build_fanout(store: Store, width: int) -> tuple[int, int]:
    """One artifact read by ``width`` executions, each writing one artifact; the root's and a leaf's ids."""
    root = store.log_artifact("Dataset", "fan-root", digest=fake_digest("fan-root")).id
    leaf = root
    for i in range(width):
        execution = store.start_execution("Step", f"fan-{i}")
        output = store.log_artifact("Dataset", f"fan-{i}", digest=fake_digest(f"fan-{i}"))
        store.link(execution, inputs=[root], outputs=[output])
        leaf = output.id
    return root, leaf
