"""What a reader of a PDF page cannot see although its text layer holds it: text under an opaque shape or image
drawn after it, text outside the page, text drawn invisibly, and white text on white. The page's objects are taken
in drawing order (form objects opened, up to MAX_OBJECTS), shapes indexed in a grid so that a page of many shapes
costs little, and only the characters of suspect text objects are looked at one by one."""

from __future__ import annotations

import ctypes
from collections import defaultdict
from typing import Any

import pypdfium2.raw as raw

from .facts import MAX_OBJECTS

Box = tuple[float, float, float, float]  # left, bottom, right, top
Matrix = tuple[float, ...]
CELL = 36.0  # the grid's squares, in points (half an inch)
_MAX_DEPTH = 8  # form objects nested in each other
_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
_TEXT, _PATH, _IMAGE = raw.FPDF_PAGEOBJ_TEXT, raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_IMAGE
_FORM, _INVISIBLE = raw.FPDF_PAGEOBJ_FORM, raw.FPDF_TEXTRENDERMODE_INVISIBLE


class Layers:
    """A page's fills and text objects in the order they are drawn, and the text objects that may hide text: those
    drawn white or invisibly, those under a fill drawn later that has text in its area, and, where the text runs off
    the page, those outside it. Text objects' boxes are only measured where a fill or the page's edge asks."""

    def __init__(self, page: Any, textpage: Any) -> None:
        self.page: Box = tuple(page.get_cropbox())
        self.complete = True
        self.grid: dict[tuple[int, int], list[tuple[int, Box, bool]]] = defaultdict(list)  # (order, box, white)
        self.suspects: dict[int, tuple[int, bool]] = {}  # a suspect text object's address -> (order, invisible)
        texts, fills = self._walk(page)
        late = [(order, box) for order, box, _ in fills if texts and order > texts[0][0]
                and textpage.get_text_bounded(*box).strip()]
        off = _letters(textpage.get_text_bounded(*self.page)) != _letters(textpage.get_text_range())
        last = max((order for order, _ in late), default=0)
        for order, invisible, obj, matrix in texts:
            if not (order < last or off):
                continue
            box = _bounds(obj, matrix)
            if (off and not _inside(box, self.page)) or any(o > order and _overlap(box, other) for o, other in late):
                self.suspects[_address(obj)] = (order, invisible)
        for order, box, white in fills:
            for cell in _cells(box, self.page):
                self.grid[cell].append((order, box, white))

    def _walk(self, page: Any) -> tuple[list[tuple[int, bool, Any, Matrix]], list[tuple[int, Box, bool]]]:
        """The text objects (order, invisible, object, matrix) and the opaque fills (order, box, white), form objects
        opened, up to MAX_OBJECTS; text drawn white or invisibly is suspect at once. A page of a long report holds
        thousands of text objects, so this loop is kept lean."""
        texts: list[tuple[int, bool, Any, Matrix]] = []
        fills: list[tuple[int, Box, bool]] = []
        kind_of, mode_of, colour_of = raw.FPDFPageObj_GetType, raw.FPDFTextObj_GetTextRenderMode, \
            raw.FPDFPageObj_GetFillColor
        red, green, blue, alpha = channels = [ctypes.c_uint() for _ in range(4)]
        refs = [ctypes.byref(channel) for channel in channels]
        count = raw.FPDFPage_CountObjects(page.raw)
        self.complete = count <= MAX_OBJECTS
        stack: list[tuple[Any, Any, int, int, Matrix, int]] = []  # the drawings opened: where each one was left
        holder, get, total, index, matrix, depth = page.raw, raw.FPDFPage_GetObject, min(count, MAX_OBJECTS), 0, \
            _IDENTITY, 0
        order = 0
        while True:
            if index >= total:
                if not stack:
                    return texts, fills
                holder, get, total, index, matrix, depth = stack.pop()
                continue
            obj = get(holder, index)
            index += 1
            order += 1
            if order > MAX_OBJECTS:
                self.complete = False
                return texts, fills
            kind = kind_of(obj)
            if kind == _TEXT:
                invisible = mode_of(obj) == _INVISIBLE
                if invisible or not colour_of(obj, *refs) or alpha.value == 0 or min(
                        red.value, green.value, blue.value) >= 240:
                    self.suspects[_address(obj)] = (order, invisible)
                texts.append((order, invisible, obj, matrix))
            elif kind == _FORM and depth < _MAX_DEPTH:
                stack.append((holder, get, total, index, matrix, depth))
                holder, get, total, index, matrix, depth = obj, raw.FPDFFormObj_GetObject, max(
                    raw.FPDFFormObj_CountObjects(obj), 0), 0, _compose(_matrix(obj), matrix), depth + 1
            elif kind == _IMAGE:
                fills.append((order, _bounds(obj, matrix), False))
            elif kind == _PATH:
                mode, stroke = ctypes.c_int(), ctypes.c_int()
                if raw.FPDFPath_GetDrawMode(obj, mode, stroke) and mode.value and colour_of(obj, *refs) and \
                        alpha.value == 255:
                    fills.append((order, _bounds(obj, matrix), min(red.value, green.value, blue.value) >= 240))

    def why(self, textpage: Any, index: int) -> str | None:
        """Why a reader cannot see the character at `index` ("under", "off", "invisible", "white"), or None."""
        obj = raw.FPDFText_GetTextObject(textpage.raw, index)
        suspect = self.suspects.get(_address(obj)) if obj else None
        if suspect is None:
            return None
        order, invisible = suspect
        box = textpage.get_charbox(index)
        if not _overlap(box, self.page):
            return "off"
        x, y, half = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2, (box[3] - box[1]) / 4
        under = [(o, white) for o, (x0, y0, x1, y1), white in self.grid.get(_cell(x, y), ())
                 if x0 <= x <= x1 and y0 <= y - half and y + half <= y1]  # not a line struck through it
        if any(o > order for o, _ in under):
            return "under"
        behind = sorted((o, white) for o, white in under if o < order)
        if invisible:
            return None if behind else "invisible"  # over a scanned image, invisible text is its recognised text
        red, green, blue, alpha = (ctypes.c_uint() for _ in range(4))
        if not raw.FPDFText_GetFillColor(textpage.raw, index, red, green, blue, alpha):
            return None
        if alpha.value == 0:
            return "invisible"
        if min(red.value, green.value, blue.value) >= 240 and (not behind or behind[-1][1]):
            return "white"
        return None


def _address(obj: Any) -> int:
    return ctypes.cast(obj, ctypes.c_void_p).value or 0


def _letters(text: str) -> int:
    return len("".join(text.split()))


def _cell(x: float, y: float) -> tuple[int, int]:
    return int(x // CELL), int(y // CELL)


def _cells(box: Box, page: Box) -> list[tuple[int, int]]:
    """The grid's squares that the part of `box` on the page touches."""
    if not _overlap(box, page):
        return []
    left, bottom = _cell(max(box[0], page[0]), max(box[1], page[1]))
    right, top = _cell(min(box[2], page[2]), min(box[3], page[3]))
    return [(i, j) for i in range(left, right + 1) for j in range(bottom, top + 1)]


def _overlap(a: Box | tuple[float, ...], b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _inside(box: Box | tuple[float, ...], page: Box) -> bool:
    return box[0] >= page[0] - 1 and box[1] >= page[1] - 1 and box[2] <= page[2] + 1 and box[3] <= page[3] + 1


def _matrix(obj: Any) -> Matrix:
    m = raw.FS_MATRIX()
    if not raw.FPDFPageObj_GetMatrix(obj, m):
        return _IDENTITY
    return (m.a, m.b, m.c, m.d, m.e, m.f)


def _compose(inner: Matrix, outer: Matrix) -> Matrix:
    """The matrix that applies `inner`, then `outer`."""
    a, b, c, d, e, f = inner
    p, q, r, s, t, u = outer
    return (a * p + b * r, a * q + b * s, c * p + d * r, c * q + d * s, e * p + f * r + t, e * q + f * s + u)


def _bounds(obj: Any, matrix: Matrix) -> Box:
    """An object's box on the page."""
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    raw.FPDFPageObj_GetBounds(obj, left, bottom, right, top)
    a, b, c, d, e, f = matrix
    if matrix is _IDENTITY:
        return left.value, bottom.value, right.value, top.value
    corners = [(x, y) for x in (left.value, right.value) for y in (bottom.value, top.value)]
    xs = [a * x + c * y + e for x, y in corners]
    ys = [b * x + d * y + f for x, y in corners]
    return min(xs), min(ys), max(xs), max(ys)
