"""SIAM Performance Workbook helper library.

>>> import siamlib
>>> siamlib.__version__
'0.1.0'
"""

from siamlib.lazy_imports import defer_rfc3987_syntax

__version__ = "0.1.0"

# Before anything imports jsonschema (altair, Great Expectations, nbformat, papermill): it
# would otherwise build an unused parser at import in every process (siamlib.lazy_imports).
defer_rfc3987_syntax()
