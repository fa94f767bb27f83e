"""One small PNG per workload: medians on a log scale, Trailmark beside the anchors."""

from __future__ import annotations

import io
from pathlib import Path

from bench._result import Result

COLOURS = {"trailmark": "#2b6cb0", "mlflow": "#d69e2e", "mlmd": "#718096"}
DPI = 80


def draw(results: list[Result], workload: str, title: str, path: Path) -> Path | None:
    """Write ``path`` (a horizontal bar per case, tool and backend); None if there is nothing to draw."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    mine = [r for r in results if r.workload == workload]
    if not mine:
        return None
    mine.sort(key=lambda r: (r.case, r.tool != "trailmark", r.tool, r.backend), reverse=True)
    labels = [f"{r.case} · {r.tool}" + (f" ({r.backend})" if r.tool == "trailmark" and r.backend != "-" else "")
              for r in mine]
    figure, axes = plt.subplots(figsize=(7, 0.28 * len(mine) + 1.0), dpi=DPI)
    bars = axes.barh(labels, [r.median for r in mine], color=[COLOURS.get(r.tool, "#999") for r in mine])
    for bar, r in zip(bars, mine, strict=True):
        axes.text(bar.get_width(), bar.get_y() + bar.get_height() / 2, f" {_number(r.median)} {r.unit}",
                  va="center", fontsize=7)
    axes.set_xscale("log")
    axes.set_title(f"{workload} {title}: medians, log scale (for ms, shorter is better)", fontsize=8)
    axes.tick_params(labelsize=7)
    axes.set_xlim(right=max(r.median for r in mine) * 40)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    figure.savefig(buffer, dpi=DPI, format="png")
    plt.close(figure)
    _small_png(buffer, path)
    return path


def _small_png(buffer: io.BytesIO, path: Path) -> None:
    """Save with a 64-colour palette: a few flat colours and text need no more, at a third of the size."""
    from PIL import Image

    buffer.seek(0)
    with Image.open(buffer) as image:
        image.convert("RGB").quantize(colors=64).save(path, optimize=True)


def _number(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:.3g}"
