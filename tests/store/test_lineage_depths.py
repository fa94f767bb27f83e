"""A node's depth in a walk is its fewest steps from the root in the walk's direction, on every backend,
whether the walk has a limit (counted in SQL) or not (counted over the walk's own steps)."""

from __future__ import annotations


def _shortcut(store):
    """a -> p -> q -> r -> s -> x, and a -> t -> y; x also writes y (x is 5 steps down, 3 edges away)."""
    def digest(i):
        return "sha256:" + str(i) * 64

    a = store.log_artifact("Dataset", "a", digest=digest(1))
    previous, nodes = a, {"a": a}
    for run, made, i in (("p", "q", 2), ("r", "s", 3)):
        step, output = store.start_execution("Step", run), store.log_artifact("Dataset", made, digest=digest(i))
        store.link(step, inputs=[previous], outputs=[output])
        nodes |= {run: step, made: output}
        previous = output
    t, y = store.start_execution("Step", "t"), store.log_artifact("Dataset", "y", digest=digest(4))
    store.link(t, inputs=[a], outputs=[y])
    x = store.start_execution("Step", "x")
    store.link(x, inputs=[previous], outputs=[y])
    return nodes | {"t": t, "y": y, "x": x}


def test_depths_follow_the_walk_direction_with_or_without_a_limit(store):
    nodes = _shortcut(store)
    expected = {"a": 0, "p": 1, "q": 2, "r": 3, "s": 4, "x": 5, "t": 1, "y": 2}
    for depth in (None, 10):
        for direction in ("downstream", "both"):
            walk = store.lineage(nodes["a"], direction=direction, depth=depth)
            assert {name: walk.depths[n.id] for name, n in nodes.items()} == expected, (direction, depth)
    assert nodes["x"].id not in store.lineage(nodes["a"], depth=3).depths, "x is not within 3 steps"
    up = store.lineage(nodes["y"], direction="upstream")
    assert up.depths[nodes["x"].id] == up.depths[nodes["t"].id] == 1 and up.depths[nodes["a"].id] == 2
    assert up.depths[nodes["p"].id] == 5, "y <- x <- s <- r <- q <- p"
