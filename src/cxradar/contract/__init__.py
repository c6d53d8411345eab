"""Table contracts, reading input files, validation and quarantine (capability C1)."""

from cxradar.contract.schema import COLUMN_TYPES, Column, Reference, TableContract, load_contract, load_contracts

__all__ = ["COLUMN_TYPES", "Column", "Reference", "TableContract", "load_contract", "load_contracts"]
