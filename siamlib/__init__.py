"""SIAM Performance Workbook helper library.

>>> import siamlib
>>> siamlib.__version__
'0.1.0'
"""

__version__ = "0.1.0"
