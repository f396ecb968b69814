"""Markup that cannot carry a user's string unescaped.

Every piece of the page is an :class:`Html` value built by :func:`tag`, :func:`esc` or
:func:`join`. A plain ``str`` handed to :func:`tag` as a child or an attribute value is always
escaped, so a class, metric, hyperparameter or run name such as ``<script>alert(1)</script>``
shows as text and never runs. Only tag and attribute *names* are taken as they are, and those
come from this package's own code.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

__all__ = ["Html", "esc", "join", "num", "tag"]

_NAME = re.compile(r"^[a-zA-Z][a-zA-Z0-9:-]*$")


class Html(str):
    """A string of markup that is safe to insert into a page as it is."""

    __slots__ = ()


Child = Html | str | None


def esc(text: object) -> Html:
    """``text`` as markup that shows it literally (quotes escaped too, for attributes).

    Example:
        >>> esc('"><img src=x onerror=alert(1)>')
        '&quot;&gt;&lt;img src=x onerror=alert(1)&gt;'
    """
    return Html(html.escape(str(text), quote=True))


def _child(c: Child) -> str:
    if c is None:
        return ""
    return c if isinstance(c, Html) else html.escape(c, quote=False)


def join(children: Iterable[Child], sep: str = "") -> Html:
    """Children side by side; plain strings among them are escaped."""
    return Html(sep.join(_child(c) for c in children))


def tag(name: str, /, *children: Child, **attrs: object) -> Html:
    """``<name attrs>children</name>``: attribute values and plain-string children are escaped.

    Attribute names come from keywords: a trailing ``_`` is dropped (``class_``) and ``_``
    becomes ``-`` (``data_section``). ``True`` writes a bare attribute; ``None`` and ``False``
    leave it out. Elements without children close themselves (``<circle/>``), which is valid
    inside SVG; use :data:`VOID` names for HTML's empty elements.

    Example:
        >>> tag("td", "<b>", class_="x")
        '<td class="x">&lt;b&gt;</td>'
    """
    if not _NAME.match(name):
        raise ValueError(f"tag name {name!r} is not a plain element name")
    parts = [name]
    for key, value in attrs.items():
        if value is None or value is False:
            continue
        attr = key.rstrip("_").replace("_", "-")
        if not _NAME.match(attr):
            raise ValueError(f"attribute name {attr!r} is not a plain name")
        parts.append(attr if value is True else f'{attr}="{html.escape(str(value), quote=True)}"')
    opening = " ".join(parts)
    if name in VOID:
        return Html(f"<{opening}>")
    if not children:
        return Html(f"<{opening}/>") if name in _SVG_EMPTY else Html(f"<{opening}></{name}>")
    return Html(f"<{opening}>{join(children)}</{name}>")


VOID = frozenset({"meta", "img", "br", "hr", "link", "col"})
_SVG_EMPTY = frozenset({"circle", "line", "path", "polyline", "polygon", "rect"})


def num(x: float) -> str:
    """A coordinate with one decimal and no trailing zeros: small files, sharp enough on screen."""
    text = f"{x:.1f}"
    return text.removesuffix(".0")
