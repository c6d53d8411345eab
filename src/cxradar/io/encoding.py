"""The text encoding of a CSV file, checked over the *whole* file, and what a non-text file is.

Chinese systems export UTF-8 (with or without BOM), GBK or GB18030; Excel on Windows also writes
UTF-16. :func:`scan_text` reads the file once in blocks with a strict incremental decoder (memory
stays at one block whatever the file's size) and returns the encoding that decodes every byte:

* a BOM decides (UTF-8 BOM -> ``utf-8-sig``; UTF-16 BOM -> ``utf-16``);
* otherwise UTF-8 is tried strictly; if it fails after only ASCII (or a few stray non-ASCII
  bytes), GB18030 - a superset of GBK and GB2312, so reading either with it loses nothing - is
  tried over the whole file;
* a file that no candidate decodes is an :class:`~cxradar.errors.UnreadableFileError` naming the
  first line each candidate fails on, with the fix.

The same pass counts lines and quote characters, so that the CSV reader can tell an unclosed
quote from a well-formed file without another read. A file that is not text at all (Parquet, an
Excel workbook, zip or gzip bytes under a ``.csv`` name) is named as what it is.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

from cxradar.errors import UnreadableFileError

__all__ = ["ENCODINGS", "TextScan", "detect_encoding", "normalise_encoding", "scan_text", "sniff_binary"]

ENCODINGS = ("auto", "utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16")
_BLOCK = 1 << 23
_STRAY_NON_ASCII = 64  # valid UTF-8 bytes before a failure that still allow "this is GB18030"
_ASCII = bytes(range(128))
_MAGIC = (
    (b"PAR1", "a Parquet file", "rename it to {stem}.parquet"),
    (
        b"PK\x03\x04",
        "a zip archive or an Excel workbook (.xlsx)",
        "save the sheet as CSV (UTF-8) or unzip it",
    ),
    (b"\xd0\xcf\x11\xe0", "an old Excel workbook (.xls)", "save the sheet as CSV (UTF-8)"),
    (b"\x1f\x8b", "gzip-compressed", "decompress it (gunzip) first"),
    (b"BZh", "bzip2-compressed", "decompress it (bunzip2) first"),
    (b"\x28\xb5\x2f\xfd", "zstd-compressed", "decompress it (unzstd) first"),
)


@dataclass(frozen=True)
class TextScan:
    """What one pass over a text file found."""

    encoding: str  # a Python codec name: utf-8, utf-8-sig, gb18030, gbk, utf-16
    lines: int  # physical lines (a last line without a newline counts)
    odd_quotes: bool  # an odd number of '"' characters: perhaps an unclosed quote
    quotes: int = 0  # '"' characters in the file (none: no value can hold a newline)


def sniff_binary(path: Path, head: bytes) -> None:
    """Raise when ``head`` (the file's first bytes) shows that the file is not text."""
    for magic, what, fix in _MAGIC:
        if head.startswith(magic):
            raise UnreadableFileError(
                f"{path} is {what}, not a CSV text file", fix=fix.format(stem=Path(path).stem)
            )


def normalise_encoding(encoding: str | None) -> str | None:
    """``None`` for auto-detection, else the codec name (``utf8`` -> ``utf-8``); unknown names raise."""
    if encoding is None or encoding.lower() == "auto":
        return None
    name = encoding.lower().replace("_", "-")
    if name == "utf8":
        name = "utf-8"
    try:
        codecs.lookup(name)
    except LookupError as error:
        raise UnreadableFileError(
            f"unknown encoding '{encoding}'", fix=f"use one of: {', '.join(ENCODINGS)}"
        ) from error
    return name


@dataclass
class _Pass:
    ok: bool
    lines: int = 0
    quotes: int = 0
    non_ascii: int = 0
    bad_line: int = 0
    bad_offset: int = 0
    reason: str = ""


def _decode_pass(path: Path, encoding: str, skip: int = 0) -> _Pass:
    """Decode the whole file strictly; count lines and quotes (on bytes for ASCII-compatible
    encodings, where '\\n' and '"' never occur inside a multi-byte character)."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    wide = encoding.startswith("utf-16")
    state = _Pass(ok=True)
    offset = 0
    last = b""
    with open(path, "rb") as handle:
        if skip:
            handle.read(skip)
            offset = skip
        while block := handle.read(_BLOCK):
            try:
                text = decoder.decode(block, final=False)
            except UnicodeDecodeError as error:
                done = error.object[: error.start]
                prefix = done.decode(encoding, errors="replace") if wide else done
                newline = "\n" if wide else b"\n"
                state.ok = False
                if not wide:
                    state.non_ascii += len(done.translate(None, _ASCII))
                state.bad_line = state.lines + prefix.count(newline) + 1  # type: ignore[arg-type]
                state.bad_offset = offset + error.start
                state.reason = error.reason
                return state
            if wide:
                state.lines += text.count("\n")
                state.quotes += text.count('"')
                state.non_ascii += 0 if text.isascii() else 1
            else:
                state.lines += block.count(b"\n")
                state.quotes += block.count(b'"')
                if not block.isascii():
                    state.non_ascii += len(block.translate(None, _ASCII))
            offset += len(block)
            last = block[-1:]
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as error:
            state.ok, state.bad_line, state.bad_offset = False, state.lines + 1, offset
            state.reason = error.reason
            return state
    if last and last != b"\n" and not (wide and last == b"\x00"):
        state.lines += 1
    return state


def _head(path: Path) -> bytes:
    with open(path, "rb") as handle:
        return handle.read(4096)


def _utf16_guess(head: bytes) -> str | None:
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    even, odd = head[0::2], head[1::2]
    if len(head) >= 4 and odd.count(0) > 0.4 * len(odd) and even.count(0) == 0:
        return "utf-16-le"
    if len(head) >= 4 and even.count(0) > 0.4 * len(even) and odd.count(0) == 0:
        return "utf-16-be"
    return None


def _fail(path: Path, tried: list[tuple[str, _Pass]]) -> UnreadableFileError:
    parts = [f"not {enc} from line {p.bad_line} (byte {p.bad_offset:,}: {p.reason})" for enc, p in tried]
    first = min(p.bad_line for _, p in tried)
    names = {enc.replace("-sig", "") for enc, _ in tried}
    others = " or ".join(f"--encoding {e}" for e in ("utf-8", "gbk", "gb18030") if e not in names)
    return UnreadableFileError(
        f"{path} cannot be decoded as text: {'; '.join(parts)}",
        fix=f"look at line {first} (a mixed or damaged export?), re-export {path.name} as UTF-8"
        + (f", or pass {others}" if others else ""),
    )


def scan_text(path: Path, encoding: str | None = None) -> TextScan:
    """Decode ``path`` completely (see the module docstring); ``encoding`` None/"auto" detects."""
    path = Path(path)
    head = _head(path)
    sniff_binary(path, head)
    chosen = normalise_encoding(encoding)
    if chosen is not None:
        run = _decode_pass(path, chosen)
        if not run.ok:
            raise _fail(path, [(chosen, run)])
        return TextScan(chosen, run.lines, run.quotes % 2 == 1, run.quotes)
    if head.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif (wide := _utf16_guess(head)) is not None:
        candidates = [wide]
    elif b"\x00" in head:
        raise UnreadableFileError(
            f"{path} holds NUL bytes: it is not a CSV text file (or is UTF-16 without a byte-order mark)",
            fix="re-export it as CSV in UTF-8",
        )
    else:
        candidates = ["utf-8", "gb18030"]
    tried: list[tuple[str, _Pass]] = []
    for candidate in candidates:
        run = _decode_pass(path, candidate)
        if run.ok:
            return TextScan(candidate, run.lines, run.quotes % 2 == 1, run.quotes)
        tried.append((candidate, run))
        if candidate == "utf-8" and run.non_ascii > _STRAY_NON_ASCII:
            break  # much valid UTF-8 before the failure: a damaged UTF-8 file, not GB18030
    raise _fail(path, tried)


def detect_encoding(path: Path) -> str:
    """The encoding of a CSV file, checked over the whole file (see :func:`scan_text`)."""
    return scan_text(path).encoding
