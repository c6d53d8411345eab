"""Where the shipped configuration lives (table contracts, rules, model templates).

In a source checkout it is ``conf/`` at the repository root; in an installed wheel it is
``cxradar/_conf``. Operators override files by passing their own paths on the command line.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["conf_dir", "conf_path"]

_PACKAGE_DIR = Path(__file__).resolve().parent


def conf_dir() -> Path:
    """The folder holding the default configuration."""
    packaged = _PACKAGE_DIR / "_conf"
    if packaged.is_dir():
        return packaged
    return _PACKAGE_DIR.parent.parent / "conf"


def conf_path(*parts: str) -> Path:
    """A path inside the default configuration folder, e.g. ``conf_path("contract")``."""
    return conf_dir().joinpath(*parts)
