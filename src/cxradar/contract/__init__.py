"""Table contracts, reading input files, validation and quarantine (capability C1).

::

    from cxradar.contract import validate_dir, read_table
    report = validate_dir(Path("data"), Path("data/_validated"))
    usage = read_table(Path("data/_validated/accepted"), "usage_monthly")
"""

from cxradar.contract.docs import render_contract_markdown
from cxradar.contract.report import TableReport, ValidationReport
from cxradar.contract.schema import (
    COLUMN_TYPES,
    Column,
    Reference,
    TableContract,
    load_contract,
    load_contracts,
)
from cxradar.contract.validate import read_table, validate_dir
from cxradar.contract.widetable import load_mapping, wide_to_tables

__all__ = [
    "COLUMN_TYPES",
    "Column",
    "Reference",
    "TableContract",
    "TableReport",
    "ValidationReport",
    "load_contract",
    "load_contracts",
    "load_mapping",
    "read_table",
    "render_contract_markdown",
    "validate_dir",
    "wide_to_tables",
]
