"""Histograms for the review page: fixed bins, counted while the corpus streams by, drawn as
inline SVG (no charting library, no service), every bar a link to the documents behind it.

The same bin edges travel to the page's script inside the embedded data, so that a bar's link
(``#chart=NAME&bin=I``) selects exactly the documents that Python counted in that bar.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from html import escape

INF = float("inf")


@dataclass
class Histogram:
    """Counts per bin of ``edges``: bin ``i`` holds ``edges[i] <= value < edges[i + 1]``; the
    last bin is open-ended and values below ``edges[0]`` go in the first bin."""

    name: str
    title: str
    unit: str  # what one count is: "documents" or "sentences"
    edges: list[float]
    labels: list[str]
    counts: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        if len(self.labels) != len(self.edges):
            raise ValueError(f"{self.name}: one label per bin")
        self.counts = [0] * len(self.edges)

    def bin_of(self, value: float) -> int:
        return max(bisect_right(self.edges, value) - 1, 0)

    def add(self, value: float) -> int:
        index = self.bin_of(value)
        self.counts[index] += 1
        return index

    def spec(self) -> dict:
        """What the page's script needs to name a bar."""
        return {"name": self.name, "title": self.title, "labels": self.labels}


def _length_labels(edges: list[float]) -> list[str]:
    def short(n: float) -> str:
        return f"{n / 1000:g}k" if n >= 1000 else f"{n:g}"

    labels = []
    for low, high in zip(edges, edges[1:] + [INF], strict=True):
        if high == INF:
            labels.append(f"≥{short(low)}")
        elif high - low == 1:
            labels.append(short(low))
        else:
            labels.append(f"{short(low)}–{short(high)}")
    return labels


LENGTH_EDGES = [0, 1, 250, 500, 1000, 2000, 4000, 8000, 16000, 32000]
SCORE_EDGES = [-INF, -5.0, -3.0, -2.0, -1.5, -1.0, -0.6, -0.3, -0.15]
SCORE_LABELS = ["<−5", "−5…−3", "−3…−2", "−2…−1.5", "−1.5…−1", "−1…−0.6", "−0.6…−0.3"]
SCORE_LABELS += ["−0.3…−0.15", "≥−0.15"]
RATIO_EDGES = [0.0, 0.25, 0.4, 0.6, 0.8, 1.0, 1.25, 1.5, 2.0, 2.5]
RATIO_LABELS = ["<0.25", "0.25–0.4", "0.4–0.6", "0.6–0.8", "0.8–1", "1–1.25", "1.25–1.5"]
RATIO_LABELS += ["1.5–2", "2–2.5", "≥2.5"]
SHARE_EDGES = [0.0, 1e-9, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8]
SHARE_LABELS = ["0", "<5%", "5–10%", "10–20%", "20–40%", "40–60%", "60–80%", "≥80%"]


def new_histograms() -> list[Histogram]:
    """The page's charts, in display order (bins are index positions in the page's data)."""
    return [
        Histogram(
            "source_length",
            "Source length (characters per document)",
            "documents",
            LENGTH_EDGES,
            _length_labels(LENGTH_EDGES),
        ),
        Histogram(
            "english_length",
            "English length (characters per document)",
            "documents",
            LENGTH_EDGES,
            _length_labels(LENGTH_EDGES),
        ),
        Histogram(
            "score",
            "Translation score (per machine-translated sentence; higher is better)",
            "sentences",
            SCORE_EDGES,
            SCORE_LABELS,
        ),
        Histogram(
            "ratio",
            "English-to-source length ratio (per machine-translated sentence)",
            "sentences",
            RATIO_EDGES,
            RATIO_LABELS,
        ),
        Histogram(
            "removed_share",
            "Share of text removed by cleaning (per document)",
            "documents",
            SHARE_EDGES,
            SHARE_LABELS,
        ),
    ]


WIDTH, HEIGHT = 460, 200
TOP, BOTTOM, LEFT, RIGHT = 22, 50, 8, 8


def svg(histogram: Histogram) -> str:
    """One bar chart, as inline SVG text; every bar links to ``#chart=NAME&bin=I``."""
    bins = len(histogram.counts)
    peak = max(histogram.counts) or 1
    slot = (WIDTH - LEFT - RIGHT) / bins
    plot = HEIGHT - TOP - BOTTOM
    total = sum(histogram.counts)
    title = escape(histogram.title)
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="chart-{histogram.name}-t" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="chart-{histogram.name}-t">{title}: {total} {histogram.unit}</title>',
        f'<line class="axis" x1="{LEFT}" y1="{TOP + plot}" x2="{WIDTH - RIGHT}" '
        f'y2="{TOP + plot}"/>',
    ]
    for index, (count, label) in enumerate(zip(histogram.counts, histogram.labels, strict=True)):
        height = round(plot * count / peak, 1)
        if count and height < 1.5:
            height = 1.5  # a bar that exists is visible
        x = round(LEFT + index * slot + slot * 0.1, 1)
        width = round(slot * 0.8, 1)
        y = round(TOP + plot - height, 1)
        middle = round(x + width / 2, 1)
        tip = escape(f"{label}: {count} {histogram.unit}")
        parts.append(
            f'<a href="#chart={histogram.name}&amp;bin={index}" class="bar" '
            f'aria-label="{tip}"><title>{tip}</title>'
            # a full-height transparent target, so that a short bar is easy to click
            f'<rect class="hit" x="{x}" y="{TOP}" width="{width}" height="{plot}"/>'
            f'<rect x="{x}" y="{y}" width="{width}" height="{height}"/>'
            f'<text class="count" x="{middle}" y="{round(y - 4, 1)}">{count}</text></a>'
        )
        parts.append(
            f'<text class="label" x="{middle}" y="{TOP + plot + 14}" '
            f'transform="rotate(-30 {middle} {TOP + plot + 14})">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
