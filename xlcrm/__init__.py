"""xlcrm: customer-relationship management inside the workbooks sales offices keep.

The core (classify, churn, visits, complaints) is pure pandas and never imports
xlwings or openpyxl; `xlcrm.workbook` reads and writes workbooks; `xlcrm.excel`
and `xlcrm.cli` are thin adapters.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
