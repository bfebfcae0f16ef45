"""The funnel's charts, drawn by pygal as SVG images (the page shows the same numbers in a table
beside each). pygal's tooltips need its script from the web, which the desk never loads, and the
script element it writes for them is taken out: each chart is a still image."""

from __future__ import annotations

import math
import secrets
import xml.etree.ElementTree as ElementTree
from collections import OrderedDict
from collections.abc import Callable

import pygal
from pygal.style import Style

from conversations.staff.funnel import FunnelReport

# The desk's colours (desk.css), on a white ground.
_STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#1d2733",
    foreground_strong="#1d2733",
    foreground_subtle="#5b6673",
    colors=("#1f5fa8", "#c4661f", "#3d8a4c", "#8a3d7a"),
    font_family="system-ui, sans-serif",
    label_font_size=13,
    major_label_font_size=13,
    value_font_size=13,
    title_font_size=16,
    legend_font_size=13,
)
_SIZE = {"width": 800, "height": 420, "style": _STYLE, "js": [], "print_values": True, "truncate_label": 60}


def _counted(chart: pygal.Graph, *series: tuple[str, list[int]]) -> pygal.Graph:
    """``chart`` with ``series`` (title, counts), on an axis of whole numbers (people and answers
    come whole), at most about ten steps."""
    highest = max((count for _, counts in series for count in counts), default=0)
    step = max(1, math.ceil(highest / 10))
    chart.y_labels = list(range(0, max(highest, 1) + step, step))
    for title, counts in series:
        chart.add(title, counts)
    return chart


def _stages(report: FunnelReport) -> pygal.Graph:
    chart = pygal.Bar(title="Where applicants are", show_legend=False, **_SIZE)
    chart.x_labels = [stage.label for stage in report.stages]
    return _counted(chart, ("People", [stage.count for stage in report.stages]))


def _parts(report: FunnelReport) -> pygal.Graph:
    chart = pygal.Bar(title="How far they got", legend_at_bottom=True, x_label_rotation=30, **_SIZE)
    chart.x_labels = [part.part for part in report.parts]
    return _counted(
        chart,
        ("Reached", [part.reached for part in report.parts]),
        ("Waiting there (not submitted)", [part.waiting for part in report.parts]),
    )


def _refusals(report: FunnelReport) -> pygal.Graph:
    chart = pygal.HorizontalBar(title="Questions with the most refused answers", show_legend=False, **_SIZE)
    rows = list(reversed(report.refusals))  # pygal draws the first bar at the bottom
    chart.x_labels = [f"{row.part} · {row.label}" for row in rows]
    return _counted(chart, ("Refused", [row.refused for row in rows]))


def _faq(report: FunnelReport) -> pygal.Graph:
    chart = pygal.HorizontalBar(title="FAQ answers most given", show_legend=False, **_SIZE)
    rows = list(reversed(report.faq_topics))
    chart.x_labels = [topic.label for topic in rows]
    return _counted(chart, ("Questions answered", [topic.count for topic in rows]))


CHARTS: dict[str, Callable[[FunnelReport], pygal.Graph]] = {
    "stages": _stages,
    "parts": _parts,
    "refusals": _refusals,
    "faq": _faq,
}


def svg(report: FunnelReport, name: str) -> bytes:
    """The chart ``name`` (one of ``CHARTS``) of ``report``, as an SVG document with no script."""
    tree: ElementTree.Element = CHARTS[name](report).render_tree()
    for parent in tree.iter():
        for child in list(parent):
            if isinstance(child.tag, str) and child.tag.rpartition("}")[2] == "script":  # not a comment
                parent.remove(child)
    return ElementTree.tostring(tree, encoding="utf-8", xml_declaration=True)


class CountedReports:
    """The funnels the page counted last, by a key its chart addresses carry: the page's four
    charts draw what its tables say, without counting the whole database four times more."""

    KEPT = 8

    def __init__(self) -> None:
        self._reports: OrderedDict[str, FunnelReport] = OrderedDict()

    def keep(self, report: FunnelReport) -> str:
        key = secrets.token_urlsafe(12)
        self._reports[key] = report
        while len(self._reports) > self.KEPT:
            self._reports.popitem(last=False)
        return key

    def get(self, key: str) -> FunnelReport | None:
        return self._reports.get(key)
