"""Lineage graphs in ML Metadata, and whole walks made of ``get_lineage_subgraph`` calls.

One call walks at most 100 hops from at most 100 starting nodes, so a walk longer than
that restarts from the nodes at the edge of what it has seen, and counts its calls.
"""

from __future__ import annotations

from collections import deque

from ml_metadata import metadata_store
from ml_metadata.proto import metadata_store_pb2 as pb

Node = tuple[str, int]  # ("artifact" | "execution", id)
MAX_HOPS = 100
MAX_START = 100
_INPUT, _OUTPUT = pb.Event.INPUT, pb.Event.OUTPUT


def build_chain(store: metadata_store.MetadataStore, size: int) -> tuple[Node, Node]:
    """artifact -> execution -> artifact ... of ``size`` nodes; its first and last node."""
    artifact_type = store.put_artifact_type(pb.ArtifactType(name="Dataset"))
    execution_type = store.put_execution_type(pb.ExecutionType(name="Step"))
    [previous] = store.put_artifacts([pb.Artifact(type_id=artifact_type, name="chain-0")])
    first, last = ("artifact", previous), ("artifact", previous)
    for i in range(1, size, 2):
        pairs = [(pb.Artifact(id=previous), pb.Event(type=_INPUT))]
        if i + 1 < size:
            pairs.append((pb.Artifact(type_id=artifact_type, name=f"chain-{i + 1}"), pb.Event(type=_OUTPUT)))
        execution_id, artifact_ids, _ = store.put_execution(pb.Execution(type_id=execution_type), pairs, [])
        last = ("execution", execution_id)
        if len(artifact_ids) == 2:
            previous = artifact_ids[1]
            last = ("artifact", previous)
    return first, last


def build_fanout(store: metadata_store.MetadataStore, width: int) -> tuple[Node, Node]:
    """One artifact read by ``width`` executions, each writing one artifact; the root and a leaf."""
    artifact_type = store.put_artifact_type(pb.ArtifactType(name="FanData"))
    execution_type = store.put_execution_type(pb.ExecutionType(name="FanStep"))
    [root] = store.put_artifacts([pb.Artifact(type_id=artifact_type, name="fan-root")])
    leaf = root
    for i in range(width):
        pairs = [(pb.Artifact(id=root), pb.Event(type=_INPUT)),
                 (pb.Artifact(type_id=artifact_type, name=f"fan-{i}"), pb.Event(type=_OUTPUT))]
        _, artifact_ids, _ = store.put_execution(pb.Execution(type_id=execution_type), pairs, [])
        leaf = artifact_ids[1]
    return ("artifact", root), ("artifact", leaf)


class Lineage:
    """Walks of any depth over one store."""

    def __init__(self, store: metadata_store.MetadataStore) -> None:
        self.store = store

    def walk(self, start: Node, direction: str, depth: int | None) -> tuple[int, int]:
        """Nodes reached from ``start`` ("down" or "up"; ``depth`` None: no limit) and the calls it took."""
        seen, frontier, calls, left = {start}, [start], 0, depth
        while frontier and (left is None or left > 0):
            hops = MAX_HOPS if left is None else min(MAX_HOPS, left)
            following = []
            for kind in ("artifact", "execution"):
                ids = [i for k, i in frontier if k == kind]
                for offset in range(0, len(ids), MAX_START):
                    starts = [(kind, i) for i in ids[offset : offset + MAX_START]]
                    graph = self._subgraph(starts, direction, hops)
                    calls += 1
                    for node, distance in _distances(graph, starts, direction).items():
                        if node not in seen:
                            seen.add(node)
                            if distance == hops:
                                following.append(node)
            frontier = following
            left = None if left is None else left - hops
        return len(seen), calls

    def _subgraph(self, starts: list[Node], direction: str, hops: int) -> pb.LineageGraph:
        options = pb.LineageSubgraphQueryOptions(
            max_num_hops=hops,
            direction=pb.LineageSubgraphQueryOptions.DOWNSTREAM if direction == "down"
            else pb.LineageSubgraphQueryOptions.UPSTREAM,
        )
        nodes = options.starting_artifacts if starts[0][0] == "artifact" else options.starting_executions
        nodes.filter_query = f"id IN ({', '.join(str(i) for _, i in starts)})"
        return self.store.get_lineage_subgraph(options, ["artifacts", "executions", "events"])


def _distances(graph: pb.LineageGraph, starts: list[Node], direction: str) -> dict[Node, int]:
    """Hops from the nearest start to every node of ``graph``, following ``direction``."""
    forward: dict[Node, list[Node]] = {}
    for event in graph.events:
        artifact, execution = ("artifact", event.artifact_id), ("execution", event.execution_id)
        source, target = (artifact, execution) if event.type == _INPUT else (execution, artifact)
        if direction == "up":
            source, target = target, source
        forward.setdefault(source, []).append(target)
    distance = {node: 0 for node in starts}
    queue = deque(starts)
    while queue:
        node = queue.popleft()
        for other in forward.get(node, ()):
            if other not in distance:
                distance[other] = distance[node] + 1
                queue.append(other)
    return distance
