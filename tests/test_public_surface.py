"""The public surface is deliberate: `cxradar.__all__` names exist, and every error is a CxradarError."""

from __future__ import annotations

import cxradar
from cxradar import errors


def test_all_names_exist() -> None:
    for name in cxradar.__all__:
        assert hasattr(cxradar, name), name


def test_exported_members_are_exactly_all() -> None:
    public = {
        n for n in dir(cxradar) if not n.startswith("_") and not isinstance(getattr(cxradar, n), type(errors))
    }
    assert public - set(cxradar.__all__) == set(), (
        "add new public names to cxradar.__all__ or make them private"
    )


def test_every_error_derives_from_the_base() -> None:
    for name in errors.__all__:
        obj = getattr(errors, name)
        if isinstance(obj, type):
            assert issubclass(obj, errors.CxradarError), name


def test_error_message_ends_with_fix() -> None:
    error = errors.DataError(
        "column 'age' value 'abc' in subscribers.csv row 3 is not an integer", fix="correct the value"
    )
    assert str(error).endswith("fix: correct the value")
