"""Pictures of how a treatment is given, drawn from a record's `picture:` facts as inline SVG marks.

The build lays out every mark here (positions, sizes, words); templates/partials/picture.html only writes them
out. Marks use `currentColor` and shapes (filled, outlined, dashed), never colour alone, so a picture reads in
dark mode and in black and white on paper. The words in <title> and <desc> say what the picture shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .model import CycleBlock, Picture, Step

FONT = 15  # user units; the cycle and daily pictures are 400 wide, so about 15 px on a phone, 12 pt on paper
CHAR = 0.55  # rough width of one character, in ems, for fitting and wrapping labels


Attrs = dict[str, str | int | float]


@dataclass(frozen=True)
class Mark:
    tag: str  # an SVG element: rect, circle, line, path or text
    attrs: Attrs
    text: str = ""


@dataclass(frozen=True)
class Drawing:
    kind: str  # "cycle", "daily" or "steps": the picture's layout, and a CSS class
    title: str
    desc: str
    width: int
    height: int
    marks: tuple[Mark, ...] = field(default_factory=tuple)


def draw(picture: Picture) -> Drawing:
    if picture.cycle:
        return _cycle(picture)
    if picture.every_day:
        return _daily(picture)
    return _steps(picture)


# ---------- a cycle: days in a row, grouped into parts ----------


def _cycle(picture: Picture) -> Drawing:
    width, left, right = 400, 4, 60 if picture.repeats else 8
    total = sum(b.days for b in picture.cycle)
    pitch = (width - left - right) / total
    marks: list[Mark] = []
    day, top, last_label = 1, 44, -100.0
    for block in picture.cycle:
        x0 = left + (day - 1) * pitch
        span = block.days * pitch
        size = min(FONT, max(10.0, span / (CHAR * len(block.label))))
        marks.append(_text(x0, 18, block.label, size=round(size, 1), bold=True))
        marks.append(Mark("path", {"d": f"M{x0 + 1:.1f} 30 v-5 H{x0 + span - 1:.1f} v5", **_STROKE}))
        for offset in range(block.days):
            marks.append(_day(left + (day + offset - 1) * pitch, top, pitch, day + offset, block, offset == 0))
        if x0 - last_label >= 44:  # day numbers never crowd each other
            marks.append(_text(x0, top + 58, f"Day {day}", size=12))
            last_label = x0
        day += block.days
    if width - right - last_label >= 100:
        marks.append(_text(width - right, top + 58, f"Day {total}", size=12, anchor="end"))
    height = top + 66
    if any(b.maybe for b in picture.cycle):
        marks.append(_text(left, height + 12, "Filled: a dose. Dashed: for some people only.", size=12))
        height += 22
    if picture.repeats:
        marks += _repeat_arrow(width - right + 30, top + 20)
        marks.append(_text(width - right + 30, top + 58, "Again", size=12, anchor="middle"))
    return Drawing("cycle", picture.caption, _cycle_words(picture.cycle, picture.repeats), width, height, tuple(marks))


def _day(x: float, y: float, pitch: float, number: int, block: CycleBlock, first: bool) -> Mark:
    """One day's cell: filled while a drip runs or on a dose day, outlined on a day with nothing given."""
    dosed = block.given == "day-and-night" or (block.given == "once" and first)
    attrs: Attrs = {
        "x": round(x + 0.5, 2),
        "y": y,
        "width": round(max(pitch - 1.5, 1), 2),
        "height": 34,
        "data-day": number,
        "stroke": "currentColor",
        "stroke-width": 1,
    }
    if dosed and block.maybe:  # only some people: dashed, not filled
        attrs.update({"fill": "none", "stroke-width": 2, "stroke-dasharray": "3 2", "data-dose": "maybe"})
    elif dosed:
        attrs.update({"fill": "currentColor", "data-dose": "yes"})
    else:
        attrs.update({"fill": "none", "stroke-opacity": 0.6})
    return Mark("rect", attrs)


def _cycle_words(blocks: list[CycleBlock], repeats: bool) -> str:
    parts, day = [], 1
    for block in blocks:
        last = day + block.days - 1
        when = f"Day {day}" if block.given == "once" else f"Days {day} to {last}"
        what = {"day-and-night": "medicine given day and night", "once": "one dose", "none": "no medicine"}
        some = ", for some people only" if block.maybe else ""
        parts.append(f"{when}: {block.label.rstrip('.').lower()} ({what[block.given]}{some}).")
        day = last + 1
    always = sum(b.days for b in blocks if not b.maybe)
    total = sum(b.days for b in blocks)
    length = f"{total} days" if always == total else f"{always} or {total} days"
    words = [f"One cycle lasts {length}.", *parts]
    if repeats:
        words.append("More cycles may follow.")
    return " ".join(words)


def _repeat_arrow(cx: float, cy: float) -> list[Mark]:
    radius = 13
    return [
        Mark("path", {"d": f"M{cx + radius} {cy} A{radius} {radius} 0 1 1 {cx} {cy - radius}", **_STROKE}),
        Mark(
            "path",
            {
                "d": f"M{cx - 5} {cy - radius - 5} L{cx + 2} {cy - radius} L{cx - 5} {cy - radius + 5} Z",
                "fill": "currentColor",
            },
        ),  # fmt: skip
    ]


# ---------- pills every day: a week of days, with one mark per dose ----------


def _daily(picture: Picture) -> Drawing:
    width, left, column, top = 400, 4, 48, 26
    fewest, most = min(picture.every_day), max(picture.every_day)
    marks: list[Mark] = []
    for number in range(1, 8):
        x = left + (number - 1) * column
        marks.append(_text(x + column / 2, 16, f"Day {number}", size=12, anchor="middle"))
        marks.append(
            Mark("rect", {"x": x + 2, "y": top, "width": column - 4, "height": 30 * most + 10, "rx": 6,
                          "fill": "none", "stroke": "currentColor", "stroke-opacity": 0.6, "data-day": number})
        )  # fmt: skip
        for dose in range(most):
            cy = top + 20 + dose * 30
            pill: Attrs = {
                "x": x + 10,
                "y": cy - 7,
                "width": column - 20,
                "height": 14,
                "rx": 7,
                "stroke": "currentColor",
            }
            if dose < fewest:
                marks.append(Mark("rect", {**pill, "fill": "currentColor", "data-dose": "yes"}))
            else:
                marks.append(
                    Mark(
                        "rect",
                        {**pill, "fill": "none", "stroke-width": 2, "stroke-dasharray": "3 2", "data-dose": "maybe"},
                    )
                )
    end = left + 7 * column
    marks.append(_text(end + 6, top + 15 * most + 9, "…", size=22))
    times = _times(fewest) if fewest == most else f"{_times(fewest)} or {_times(most)}"
    height = top + 30 * most + 10
    legend = "Filled: a dose." + (" Dashed: a second dose, for some people." if fewest != most else "")
    marks.append(_text(left, height + 18, legend, size=12))
    desc = f"Pills every day, {times} a day, day after day for as long as the care team says. {legend}"
    return Drawing("daily", picture.caption, desc, width, height + 26, tuple(marks))


def _times(n: int) -> str:
    return {1: "once", 2: "twice"}.get(n, f"{n} times")


# ---------- steps in order: a column of numbered boxes ----------


def _steps(picture: Picture) -> Drawing:
    width, row, box = 360, 58, 46
    marks: list[Mark] = []
    for number, step in enumerate(picture.steps, 1):
        y = (number - 1) * row + 2
        marks.append(
            Mark("rect", {"x": 2, "y": y, "width": width - 4, "height": box, "rx": 8, "fill": "none",
                          "stroke": "currentColor", "stroke-width": 1.5, "data-step": number})
        )  # fmt: skip
        marks.append(Mark("circle", {"cx": 24, "cy": y + box / 2, "r": 14, "fill": "currentColor"}))
        marks.append(_text(24, y + box / 2 + 5, str(number), size=14, bold=True, anchor="middle", inverse=True))
        # A long label shrinks rather than spill out of its box (bold letters are wider).
        fitted = min(FONT, (width - 56) / (1.15 * CHAR * len(step.label)))
        label_y = y + 20 if step.takes else y + box / 2 + 5
        marks.append(_text(48, label_y, step.label, size=round(fitted, 1), bold=True))
        if step.takes:
            marks.append(_text(48, y + 38, f"Takes {step.takes}", size=13))
        if number < len(picture.steps):
            marks.append(Mark("path", {"d": f"M24 {y + box + 1} v{row - box - 2}", **_STROKE}))
    return Drawing("steps", picture.caption, _steps_words(picture.steps), width, len(picture.steps) * row, tuple(marks))


def _steps_words(steps: list[Step]) -> str:
    said = [
        f"Step {n}: {s.label.rstrip('.')}" + (f", which takes {s.takes}." if s.takes else ".")
        for n, s in enumerate(steps, 1)
    ]
    return f"{len(steps)} steps, in order. " + " ".join(said)


# ---------- shared ----------

_STROKE: Attrs = {"fill": "none", "stroke": "currentColor", "stroke-width": 1.5}


def _text(
    x: float, y: float, words: str, *, size: float, bold: bool = False, anchor: str = "start", inverse: bool = False
) -> Mark:
    attrs: Attrs = {"x": round(x, 2), "y": y, "font-size": size, "text-anchor": anchor}
    if bold:
        attrs["font-weight"] = "bold"
    # Inside a filled circle the number takes the page's background colour (the stylesheet sets it in dark mode).
    attrs["fill"] = "#fff" if inverse else "currentColor"
    if inverse:
        attrs["class"] = "picture-inverse"
    return Mark("text", attrs, words)
