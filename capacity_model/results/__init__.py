"""Results of a run as plain tables, mappings and sentences, ready to write (no I/O).

``tables``: the monthly timeline, the IAMC table, the quantile table and the capacity
plan as columns; ``summary``: the ``summary.json`` mapping; ``narrative``: the verdict
and headlines in words.
"""

from .narrative import headlines, verdict
from .summary import SUMMARY_KEYS, summary, uncertainty_summary
from .tables import IAMC_REGION, csv_text, iamc_columns, plan_columns, quantile_columns, timeline_columns

__all__ = [
    "IAMC_REGION",
    "SUMMARY_KEYS",
    "csv_text",
    "headlines",
    "iamc_columns",
    "plan_columns",
    "quantile_columns",
    "summary",
    "timeline_columns",
    "uncertainty_summary",
    "verdict",
]
