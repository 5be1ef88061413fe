"""Show rnnlab's own code in a notebook, so notebooks show the code instead of copying it.

``show_source(rnnlab.nn.LSTMCell.forward)`` displays the function's source with
syntax highlighting in JupyterLab and as plain text elsewhere (and in the stored
outputs that the notebook tests compare).
"""
from __future__ import annotations

import inspect
from pathlib import Path

from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer

_PACKAGE_ROOT = Path(__file__).resolve().parents[2]


class Source:
    """A piece of source code with where it came from; rich display in Jupyter."""

    def __init__(self, code: str, where: str):
        self.code = code
        self.where = where

    def __repr__(self) -> str:
        return f"# {self.where}\n{self.code}"

    def _repr_html_(self) -> str:
        formatter = HtmlFormatter(noclasses=True, style="friendly", nobackground=True)
        body = highlight(self.code, PythonLexer(), formatter)
        return f'<div style="font-size:0.85em;color:#666">{self.where}</div>{body}'


def show_source(obj) -> Source:
    """Return the highlighted source of a function, class or module of rnnlab.

    Returned rather than printed, so ``show_source(f)`` as a cell's last line displays it.
    """
    obj = inspect.unwrap(obj)  # a decorated function (e.g. @contextmanager): its own code and file
    try:
        lines, start = inspect.getsourcelines(obj)
        path = Path(inspect.getsourcefile(obj)).resolve()
    except (TypeError, OSError) as err:
        raise TypeError(
            f"show_source: expected a function, class or module defined in Python source, "
            f"got {type(obj).__name__} ({err})"
        ) from None
    try:
        shown = path.relative_to(_PACKAGE_ROOT).as_posix()
    except ValueError:
        shown = path.name
    where = f"{shown}, lines {max(start, 1)}-{max(start, 1) + len(lines) - 1}"
    return Source("".join(lines).rstrip("\n"), where)
