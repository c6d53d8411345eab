"""The one exception hierarchy of cxradar.

Every error a user can cause is a :class:`CxradarError`. Each one says what is wrong
(the file, table, row, column, value and rule where they are known) and ends with the fix:
the option, command or doc section that resolves it. Front ends print ``str(error)`` in one
red line and exit with code 1; ``--debug`` shows the traceback.

::

    CxradarError                  base; has .fix (the sentence that resolves it)
    ├── ConfigError               a config, rule or model file is wrong (unknown key, bad value)
    ├── DataError                 input data cannot be used
    │   ├── UnreadableFileError   a file is missing, truncated or not CSV/Parquet
    │   ├── MissingColumnError    a required column is absent
    │   └── DataQualityError      data failed validation badly enough to stop (see quarantine)
    ├── OutputError               an output cannot be written (permissions, disk full, overlaps an input)
    ├── StateError                steps run out of order (e.g. pool months must be consecutive)
    ├── ModelError                a model cannot be fitted or used (e.g. not fitted, one class)
    │   └── ModelInputError       the table given to a model has the wrong shape or values
    │       ├── FeatureMismatchError  the columns differ from those the model was fitted on
    │       └── TargetError           the target is not a binary label
    └── EngineError               the SQL engine (DuckDB / Spark) failed on a query
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterable

__all__ = [
    "ConfigError",
    "CxradarError",
    "DataError",
    "DataQualityError",
    "EngineError",
    "FeatureMismatchError",
    "MissingColumnError",
    "ModelError",
    "ModelInputError",
    "OutputError",
    "StateError",
    "TargetError",
    "UnreadableFileError",
    "did_you_mean",
    "reject_unknown_keys",
]


class CxradarError(Exception):
    """Base class: a message that names the problem, then the fix."""

    def __init__(self, message: str, *, fix: str | None = None) -> None:
        self.message = message
        self.fix = fix
        super().__init__(message if fix is None else f"{message} — fix: {fix}")


class ConfigError(CxradarError):
    """A configuration, rule or model file is invalid."""


class DataError(CxradarError):
    """Input data cannot be used."""


class UnreadableFileError(DataError):
    """A file is missing, truncated, or in a format we cannot read."""


class MissingColumnError(DataError):
    """A required column is absent from a table."""


class DataQualityError(DataError):
    """Validation found problems that stop the run."""


class OutputError(CxradarError):
    """An output file or folder cannot be written: no permission, disk full, a file in the way,
    or the output would overwrite an input."""


class StateError(CxradarError):
    """Steps were run out of order, or stored state is inconsistent."""


class ModelError(CxradarError):
    """A model cannot be fitted or used as asked."""


class ModelInputError(ModelError, ValueError):
    """A model was given data it cannot use. Also a ``ValueError``, as scikit-learn's estimator
    checks and tools expect of bad input."""


class FeatureMismatchError(ModelInputError):
    """The table to score does not have the columns the model was fitted on."""


class TargetError(ModelInputError):
    """The target is not a binary label (one class, many classes, continuous, missing)."""


class EngineError(CxradarError):
    """The SQL engine failed."""


def did_you_mean(name: str, choices: Iterable[str]) -> str:
    """Return ``" Did you mean 'x'?"`` for the closest choice, or ``""`` when none is close."""
    close = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.6)
    return f" Did you mean '{close[0]}'?" if close else ""


def reject_unknown_keys(found: Iterable[str], allowed: Collection[str], *, where: str, fix: str) -> None:
    """Raise :class:`ConfigError` ``"{where}: unknown field 'k'. Did you mean ...?"`` for the first key
    of ``found`` not in ``allowed`` - the one check every config and contract loader makes."""
    for key in found:
        if key not in allowed:
            raise ConfigError(f"{where}: unknown field '{key}'.{did_you_mean(str(key), allowed)}", fix=fix)
