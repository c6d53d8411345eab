"""cxradar — find dissatisfied-but-silent customers, explain why, care, prove it worked.

The public surface is deliberately small; subpackages expose their own ``__all__``.
"""

from cxradar.errors import (
    ConfigError,
    CxradarError,
    DataError,
    DataQualityError,
    EngineError,
    MissingColumnError,
    ModelError,
    OutputError,
    StateError,
    UnreadableFileError,
)

__version__ = "0.1.0"

__all__ = [
    "ConfigError",
    "CxradarError",
    "DataError",
    "DataQualityError",
    "EngineError",
    "MissingColumnError",
    "ModelError",
    "OutputError",
    "StateError",
    "UnreadableFileError",
    "__version__",
]
