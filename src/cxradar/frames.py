"""Small table helpers the logic modules share, where pandas' own is slow at operator scale.

:func:`is_in` is ``Series.isin`` for key columns (msisdn, ids): pandas 3 keeps text as Arrow
strings but its ``isin`` walks them element by element (0.23 s for 250,000 numbers against
25,000), where Arrow's hash lookup takes 0.018 s - the pool replay, the silent check and the
churn table call it per month and shard. Same answers, nulls included (a missing value is in
``candidates`` only when they hold a missing value too).

:func:`first_positions` is the lookup behind the other two: for each key, the position of its
first occurrence in another key list (Arrow's ``index_in``), compared as text.

:func:`rows_for` aligns a few columns of a keyed table (the subscribers) to a list of keys - what
the churn labels and exclusions did by re-indexing the whole 19-column table once per month.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["first_positions", "is_in", "rows_for"]


def _text(values: Any) -> Any:
    """An Arrow large_string array of ``values`` (zero-copy for pandas' Arrow-backed text)."""
    import pandas as pd
    import pyarrow as pa

    if isinstance(values, pa.Array | pa.ChunkedArray):
        return values.cast(pa.large_string())
    if not isinstance(values, pd.Series | pd.Index):
        values = pd.Series(list(values), dtype=object)
    if not isinstance(values.dtype, pd.StringDtype):
        values = values.astype("string")  # numbers and text alike as text; missing stays missing
    return pa.array(values.array).cast(pa.large_string())


def is_in(
    values: pd.Series | pd.Index | Iterable[Any], candidates: pd.Series | pd.Index | Iterable[Any]
) -> np.ndarray:
    """A boolean array: which of ``values`` are among ``candidates``, compared as text."""
    import pyarrow.compute as pc

    found = pc.is_in(_text(values), value_set=_text(candidates), skip_nulls=False)
    return np.asarray(found.to_numpy(zero_copy_only=False), dtype=bool)


def first_positions(
    values: pd.Series | pd.Index | Iterable[Any], keys: pd.Series | pd.Index | Iterable[Any]
) -> Any:
    """For each of ``values``, the position of its first occurrence in ``keys``, compared as text:
    an Arrow int32 array, null where a value is not among the keys (``take`` with it gives nulls)."""
    import pyarrow.compute as pc

    return pc.index_in(_text(values), value_set=_text(keys))


def rows_for(
    ids: pd.Series, table: pd.DataFrame, columns: Iterable[str], *, key: str = "msisdn"
) -> pd.DataFrame:
    """``columns`` (those ``table`` has) of each id's row in ``table`` - the first row of a key
    that appears twice - in the order of ``ids`` and indexed by them; an unknown id gets nulls.

    The lookup is Arrow's ``index_in`` (the first position of each id), six times faster than a
    pandas index of the keys on Arrow-backed strings (125,000 keys: 26 ms against 165 ms)."""
    import pandas as pd
    import pyarrow.compute as pc

    wanted = [c for c in columns if c in table.columns]
    wanted_ids = ids.astype(str)
    positions = pc.fill_null(first_positions(wanted_ids, table[key].astype(str)), -1).to_numpy()
    out = table[wanted].reset_index(drop=True).reindex(positions)
    out.index = pd.Index(wanted_ids.array, name=key)
    return out
