"""Bilingual text: every word the report shows is a :class:`Text` with English and Chinese.

The page model (:mod:`cxradar.dashboard.model`) holds only ``Text`` for anything a person reads, so
one walk over a page finds any label that is missing a language (the completeness test does this),
and the HTML renders both versions side by side for the language switch to show one of them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["CJK", "Text", "same", "t"]

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True)
class Text:
    """One piece of text in English (``en``) and Simplified Chinese (``zh``)."""

    en: str
    zh: str

    def get(self, lang: str) -> str:
        """The text in ``lang`` (``"en"`` or ``"zh"``)."""
        return self.zh if lang == "zh" else self.en

    def __add__(self, other: Text | str) -> Text:
        if isinstance(other, str):
            return Text(self.en + other, self.zh + other)
        return Text(self.en + other.en, self.zh + other.zh)

    def join(self, parts: list[Text]) -> Text:
        """``parts`` joined with this text as the separator (like ``str.join``)."""
        return Text(self.en.join(p.en for p in parts), self.zh.join(p.zh for p in parts))


def t(en: str, zh: str) -> Text:
    """Shorthand for ``Text(en, zh)``."""
    return Text(en, zh)


def same(text: str) -> Text:
    """Language-neutral text (a number, a code, a masked msisdn): the same in both languages."""
    return Text(text, text)
