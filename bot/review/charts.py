"""Small server-rendered SVG charts: no JavaScript, no CDN, nothing for a CSP to allow.

Colours are attributes (not style attributes) so the strict Content-Security-Policy
needs no 'unsafe-inline'. Every chart has a <title> per bar for the exact value and
an aria-label, so numbers are readable without hovering.
"""

from __future__ import annotations

from html import escape

BAR = "#2f6f9f"
ALERT = "#b3261e"


def bar_chart(labels: list[str], values: list[int] | list[float], title: str, width: int = 640,
              height: int = 160, colour: str = BAR) -> str:
    """Vertical bars, one per label (e.g. per day), with the maximum on the axis."""
    top = max(values, default=0) or 1
    n = max(len(values), 1)
    plot_h = height - 30
    step = (width - 40) / n
    bars = []
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        h = plot_h * value / top
        x = 36 + i * step
        bars.append(
            f'<rect x="{x:.1f}" y="{10 + plot_h - h:.1f}" width="{max(step - 2, 1):.1f}" height="{h:.1f}" '
            f'fill="{colour}"><title>{escape(label)}: {value}</title></rect>')
    first = escape(labels[0]) if labels else ""
    last = escape(labels[-1]) if labels else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{escape(title)}" '
        f'viewBox="0 0 {width} {height}" width="100%" class="chart">'
        f'<line x1="34" y1="10" x2="34" y2="{10 + plot_h}" stroke="#999"/>'
        f'<line x1="34" y1="{10 + plot_h}" x2="{width - 2}" y2="{10 + plot_h}" stroke="#999"/>'
        f'<text x="30" y="18" text-anchor="end" font-size="11" fill="#444">{top}</text>'
        f'<text x="30" y="{10 + plot_h}" text-anchor="end" font-size="11" fill="#444">0</text>'
        + "".join(bars)
        + f'<text x="36" y="{height - 4}" font-size="11" fill="#444">{first}</text>'
        f'<text x="{width - 2}" y="{height - 4}" text-anchor="end" font-size="11" fill="#444">{last}</text>'
        "</svg>")


def horizontal_bars(items: list[tuple[str, int]] | list[tuple[str, float]], title: str, width: int = 640,
                    colour: str = BAR) -> str:
    """Labelled horizontal bars (e.g. top intents), value printed at the end of each bar."""
    row = 22
    height = row * max(len(items), 1) + 8
    top = max((v for _, v in items), default=0) or 1
    label_w = 190
    parts = []
    for i, (label, value) in enumerate(items):
        y = 4 + i * row
        w = (width - label_w - 60) * value / top
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end" font-size="12" fill="#222">'
            f'{escape(label)}</text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row - 6}" fill="{colour}"/>'
            f'<text x="{label_w + w + 4:.1f}" y="{y + 15}" font-size="12" fill="#222">{value}</text>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{escape(title)}" '
            f'viewBox="0 0 {width} {height}" width="100%" class="chart">' + "".join(parts) + "</svg>")
