"""Text from users and data as plain text in markup: the one place it is escaped.

Two renderers read what the app sends:

- **Markdown** (st.markdown, st.caption, alerts, headings, and the labels of buttons,
  expanders, tabs and metrics): Streamlit renders GitHub-flavoured Markdown plus LaTeX
  (`$…$`), colour and icon directives (`:red[…]`) and bare-URL autolinks, and offers no
  escape function of its own. CommonMark lets every ASCII punctuation character be
  backslash-escaped, so `md` escapes all of them: no construct can start from data (a link,
  image, emphasis, heading, list, table, code span, formula or directive). Line breaks (CR,
  LF and the other Unicode line separators) and tabs become spaces: a value stays on its
  line, where it cannot start a block. Bare URLs and e-mail addresses are a different
  matter: GitHub-flavoured Markdown finds them in the text *after* parsing (an escaped
  `http\\://` is still `http://` by then; seen in Chromium), so `md` puts an invisible
  word joiner (U+2060) inside `://`, after `www` and before `@`, where the autolink rules
  no longer match.
- **Plotly** renders a subset of HTML in every text it draws (titles, ticks, legends,
  annotations, hover labels): `<a href>` is a link, `<span style>` is styled. It decodes
  `&lt;`, `&gt;` and `&amp;` back to the characters, so `plot_text` escapes those three and
  the label reads as the data says. `dashboard.ui.charts.plain_figure` applies it to every
  figure, so chart builders pass data as it is.

Tables (st.dataframe) and widget options (selectbox, multiselect) show their values as
plain text: they need neither.
"""

from __future__ import annotations

import html
import re
import string

_JOINER = "\u2060"  # WORD JOINER: invisible, and not a character of a URL or an address
_AUTOLINK_STARTS = re.compile(r"(?<=:)(?=//)|(?<=www)(?=\.)|(?=@)", re.IGNORECASE)
_MARKDOWN_ESCAPES = str.maketrans(
    {
        **{c: "\\" + c for c in string.punctuation},
        **{c: " " for c in "\r\n\t\v\f\x1c\x1d\x1e\x85\u2028\u2029"},
    }
)


def md(value: object) -> str:
    """`value` as literal text inside Markdown (see the module docstring)."""
    return _AUTOLINK_STARTS.sub(_JOINER, str(value)).translate(_MARKDOWN_ESCAPES)


def md_list(values, separator: str = ", ") -> str:
    """Several values as literal Markdown text, joined."""
    return separator.join(md(v) for v in values)


def plot_text(value: object) -> object:
    """A text as literal text in a Plotly label; anything else (numbers, None) unchanged."""
    return html.escape(value, quote=False) if isinstance(value, str) else value
