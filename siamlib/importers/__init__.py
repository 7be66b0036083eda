"""Importers: real ITSM exports and supplier returns -> the data model.

The Python API used by notebooks and the ``siam import`` commands:

- :func:`import_servicenow` ``(path, mapping=None, tz=None) -> ImportResult``
- :func:`import_eventlog` ``(path, mapping_path, tz=None) -> ImportResult``
- :func:`import_returns` ``(path, kind, supplier_id=None) -> ImportResult``
- :func:`write_import` ``(result, out) -> dict`` (dataset folder, rejects CSV, summary JSON)

and their pure cores over DataFrames: :func:`servicenow_to_model`, :func:`eventlog_to_model`,
:func:`returns_to_model`. Mapping files live in ``params/mappings/``; see ``docs/importing.md``.
Names are loaded on first use, so ``import siamlib.importers`` stays cheap for the CLI.

Examples
--------
>>> from siamlib.importers import import_servicenow, SAMPLE
>>> import_servicenow(SAMPLE).summary.kind
'servicenow'
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "ImportResult": "result",
    "ImportSummary": "result",
    "ImporterError": "result",
    "EventLogMapping": "mapping",
    "load_mapping": "mapping",
    "SERVICENOW_MAPPING": "mapping",
    "MAPPINGS_DIR": "mapping",
    "import_servicenow": "servicenow",
    "servicenow_to_model": "servicenow",
    "SAMPLE": "servicenow",
    "FULL_LOG": "servicenow",
    "import_eventlog": "eventlog",
    "eventlog_to_model": "eventlog",
    "import_returns": "returns",
    "returns_to_model": "returns",
    "template_path": "returns",
    "read_source": "files",
    "write_import": "files",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        module = importlib.import_module(f"siamlib.importers.{_EXPORTS[name]}")
        return getattr(module, name)
    raise AttributeError(f"module 'siamlib.importers' has no attribute {name!r}")
