"""Every installed distribution must carry a permissive licence: cxradar is Apache-2.0.

The check reads each distribution's own metadata (License-Expression, License, classifiers),
so a newly locked dependency with a copyleft licence fails here before it can ship.
MPL-2.0 (file-level copyleft) is accepted for unmodified dependencies, as the ASF does
(category B); GPL, LGPL, AGPL and SSPL are not.
"""

from __future__ import annotations

import importlib.metadata as md
import re

FORBIDDEN = re.compile(r"\b(A?GPL|LGPL|GNU (Lesser |Affero )?General Public|SSPL|Commons Clause)", re.I)
PERMISSIVE = re.compile(
    r"MIT|BSD|Apache|ISC|PSF|Python Software Foundation|MPL|Mozilla|Zlib|CC0|Unlicense", re.I
)


def _licence_text(dist: md.Distribution) -> str:
    meta = dist.metadata
    classifiers = [c for c in meta.get_all("Classifier") or [] if c.startswith("License")]
    expression = meta.get("License-Expression") or ""
    licence = (meta.get("License") or "")[:400]
    return " | ".join([expression, licence, *classifiers])


def test_no_copyleft_dependency() -> None:
    offenders = {}
    for dist in md.distributions():
        text = _licence_text(dist)
        # "GPL-compatible" and dual licences that offer a permissive option are fine.
        if FORBIDDEN.search(text) and not re.search(
            r"\bOR\b.*(MIT|BSD|Apache)|(MIT|BSD|Apache).*\bOR\b", text
        ):
            offenders[dist.metadata["Name"]] = text
    assert not offenders, f"copyleft-licensed dependencies: {offenders}"


def test_every_dependency_declares_a_permissive_licence() -> None:
    unknown = {
        dist.metadata["Name"]: _licence_text(dist)
        for dist in md.distributions()
        if not PERMISSIVE.search(_licence_text(dist))
    }
    assert not unknown, f"dependencies whose licence could not be recognised as permissive: {unknown}"
