"""The Excel layer: xlwings UDFs (``udfs``), ribbon callbacks (``ribbon``) over a book seam
(``book``), and the add-in build/install commands (``build``, ``cli``). Thin adapters only:
every number comes from the core modules, as in ``xlcrm refresh``."""
