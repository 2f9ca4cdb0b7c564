"""Markdown descriptions rendered to safe HTML: raw HTML in the source is shown as text, never passed on."""

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

# CommonMark with raw HTML off: "<script>" in a description is escaped, not emitted. markdown-it also
# refuses javascript: and data: links. nh3 then cleans the result again as a second line of defence.
_renderer = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")
ALLOWED_TAGS = {
    "p", "br", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li", "a", "hr",
    "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip


def render_markdown(source: str | None) -> Markup:
    """HTML for a Markdown text, safe to place in a page."""
    if not source:
        return Markup("")
    html = _renderer.render(source)
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer nofollow",
    )
    return Markup(cleaned)  # noqa: S704 - markdown-it escaped raw HTML and nh3 cleaned the result
