"""Third-party modules whose import is deferred until first use: process start-up time.

``jsonschema`` (imported by altair, Great Expectations, nbformat and papermill) imports the
optional ``rfc3987_syntax`` package when it is installed, only to check the JSON Schema ``iri``
formats. That package builds an Earley parser for the RFC 3987 grammar at import: 1.5 to 2.5 s
of CPU on this project's 2-core machines, paid by every process that renders or validates (the
driver, each notebook kernel, each report worker, each test worker), although none of them
validates an IRI. :func:`defer_rfc3987_syntax` puts a stand-in in ``sys.modules`` that imports
the real package on first use, so the checks behave exactly as before when something does use
them (measured: ``python -X importtime -c "import altair"``; see docs/performance.md).

>>> import sys
>>> defer_rfc3987_syntax()
>>> from rfc3987_syntax import is_valid_syntax
>>> is_valid_syntax("iri", "https://example.org/ä"), is_valid_syntax("iri", "not an iri")
(True, False)
>>> type(sys.modules["rfc3987_syntax"]).__name__  # the real module once used
'module'
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types

_NAME = "rfc3987_syntax"


class _Deferred(types.ModuleType):
    """Stands in for ``rfc3987_syntax`` until an attribute other than the stand-ins is read."""

    def __getattr__(self, attr: str):
        # The import system probes dunders (``from x import y`` asks for ``__path__``):
        # answering them must not load the package.
        if attr.startswith("__") and attr.endswith("__"):
            raise AttributeError(attr)
        return getattr(_real(), attr)


def _real() -> types.ModuleType:
    """Import the real package in place of the stand-in (once) and return it."""
    current = sys.modules.get(_NAME)
    if current is not None and not isinstance(current, _Deferred):
        return current
    sys.modules.pop(_NAME, None)
    try:
        return importlib.import_module(_NAME)
    except BaseException:
        if current is not None:
            sys.modules[_NAME] = current
        raise


def _is_valid_syntax(term: str, value: str) -> bool:
    # jsonschema binds this name at its import: it must work before the real module exists.
    return _real().is_valid_syntax(term, value)


def defer_rfc3987_syntax() -> None:
    """Put the stand-in for ``rfc3987_syntax`` in ``sys.modules``, if the package is installed
    and not yet imported (otherwise do nothing)."""
    if _NAME in sys.modules or importlib.util.find_spec(_NAME) is None:
        return
    stand_in = _Deferred(_NAME, "deferred import of rfc3987_syntax (siamlib.lazy_imports)")
    stand_in.is_valid_syntax = _is_valid_syntax
    sys.modules[_NAME] = stand_in
