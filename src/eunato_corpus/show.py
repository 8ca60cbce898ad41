"""Show a document's text with its spans marked, for reading annotations in context.

Each span becomes ``[id:label `` ... ``]`` around its text; spans nest as the
offsets do (a date inside a quote sits inside its brackets). On a terminal the
brackets are coloured by layer (``click.style``; ``click.echo`` drops the
colours when the output is not a terminal).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import click

from .model import LABEL_ORDER

LAYER_COLOURS = {"speaker": "cyan", "cue": "magenta", "quote": "green", "claim": "yellow", "date": "blue"}


def _usable(span: Mapping[str, Any], length: int) -> bool:
    start, end = span.get("start"), span.get("end")
    return (isinstance(start, int) and isinstance(end, int) and not isinstance(start, bool)
            and not isinstance(end, bool) and 0 <= start < end <= length)


def render_marked(text: str, spans: Iterable[Mapping[str, Any]], layers: Iterable[str] | None = None, *,
                  color: bool = True) -> str:
    """``text`` with every span of ``layers`` (all when None) bracketed.

    Spans whose offsets do not fit the text are left out (validate reports them).
    At one position, brackets close before new ones open; of spans opening
    together the longer opens first, so nested spans nest their brackets.
    """
    wanted = set(layers) if layers else None
    chosen = [s for s in spans if _usable(s, len(text)) and (wanted is None or s.get("label") in wanted)]
    opens: dict[int, list[Mapping[str, Any]]] = {}
    closes: dict[int, list[Mapping[str, Any]]] = {}
    for span in chosen:
        opens.setdefault(span["start"], []).append(span)
        closes.setdefault(span["end"], []).append(span)

    def paint(marker: str, label: Any) -> str:
        return click.style(marker, fg=LAYER_COLOURS.get(str(label)), bold=True) if color else marker

    out: list[str] = []
    position = 0
    for point in sorted(set(opens) | set(closes)):
        out.append(text[position:point])
        # innermost first: the span that started last closes first
        for span in sorted(closes.get(point, []), key=lambda s: (-s["start"], -LABEL_ORDER.get(str(s.get("label")), 9))):
            out.append(paint("]", span.get("label")))
        for span in sorted(opens.get(point, []), key=lambda s: (-s["end"], LABEL_ORDER.get(str(s.get("label")), 9))):
            out.append(paint(f"[{span.get('span_id')}:{span.get('label')} ", span.get("label")))
        position = point
    out.append(text[position:])
    return "".join(out)
