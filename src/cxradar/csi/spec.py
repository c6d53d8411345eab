"""PLS path model specifications: constructs, their indicators and mode, and the paths.

A specification is read from a small YAML file (the ``conf/csi/`` format)::

    name: ecsi
    scale: [1, 10]            # optional: the answer scale, used for the 0-100 index and IPMA
    constructs:
      Image: {mode: A, zh: 企业形象, indicators: [IMAG1, IMAG2]}
      ...
    paths:
      - [Image, Expectation]  # from, to

or from the pair of CSV files semPLS and seminr use (``structural-model.csv`` and
``measurement-model.csv``, both with ``source,target`` columns; all constructs mode A).
``load_model_spec("ecsi")`` finds a shipped template by name (``ecsi``, ``acsi``, ``telecom``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from cxradar.config import conf_path
from cxradar.errors import ConfigError, UnreadableFileError, did_you_mean
from cxradar.io import read_frame

__all__ = ["TEMPLATES", "Construct", "ModelSpec", "load_model_spec"]

TEMPLATES = ("ecsi", "acsi", "telecom")


@dataclass(frozen=True)
class Construct:
    """One construct (latent variable): its indicators and measurement mode (A or B)."""

    name: str
    indicators: tuple[str, ...]
    mode: str = "A"
    zh: str = ""


@dataclass(frozen=True)
class ModelSpec:
    """A PLS path model: constructs in a fixed order and directed paths between them."""

    constructs: tuple[Construct, ...]
    paths: tuple[tuple[str, str], ...]
    name: str = "model"
    scale: tuple[float, float] | None = None
    zh: str = ""
    source: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        names = [c.name for c in self.constructs]
        where = self.source or self.name
        if len(set(names)) != len(names):
            raise ConfigError(
                f"model {where}: a construct name is used twice in {names}",
                fix="give every construct a unique name",
            )
        items = [i for c in self.constructs for i in c.indicators]
        dup = sorted({i for i in items if items.count(i) > 1})
        if dup:
            raise ConfigError(
                f"model {where}: indicator(s) {dup} belong to more than one construct",
                fix="assign each indicator to exactly one construct",
            )
        for c in self.constructs:
            if not c.indicators:
                raise ConfigError(
                    f"model {where}: construct '{c.name}' has no indicators",
                    fix="list at least one indicator column under 'indicators'",
                )
            if c.mode not in ("A", "B"):
                raise ConfigError(
                    f"model {where}: construct '{c.name}' has mode '{c.mode}'; allowed: A, B",
                    fix="use mode A (reflective) or B (formative)",
                )
        for a, b in self.paths:
            for end in (a, b):
                if end not in names:
                    raise ConfigError(
                        f"model {where}: path [{a}, {b}] names unknown construct '{end}'."
                        + did_you_mean(end, names),
                        fix="add the construct under 'constructs' or fix the path",
                    )
            if a == b:
                raise ConfigError(f"model {where}: path [{a}, {b}] points to itself", fix="remove the path")
        if len(set(self.paths)) != len(self.paths):
            raise ConfigError(f"model {where}: a path is listed twice", fix="remove the duplicate path")
        linked = {n for p in self.paths for n in p}
        lonely = [n for n in names if n not in linked]
        if lonely:
            raise ConfigError(
                f"model {where}: construct(s) {lonely} are on no path",
                fix="connect every construct to the structural model or remove it",
            )
        if self.scale is not None and not self.scale[0] < self.scale[1]:
            raise ConfigError(
                f"model {where}: scale {list(self.scale)} needs min < max", fix="e.g. scale: [1, 10]"
            )

    @property
    def names(self) -> list[str]:
        """Construct names in model order."""
        return [c.name for c in self.constructs]

    @property
    def indicators(self) -> list[str]:
        """All indicator columns, block by block, in model order."""
        return [i for c in self.constructs for i in c.indicators]

    def construct(self, name: str) -> Construct:
        """The construct called ``name`` (ConfigError with a suggestion otherwise)."""
        for c in self.constructs:
            if c.name == name:
                return c
        raise ConfigError(
            f"model {self.name}: no construct '{name}'." + did_you_mean(name, self.names),
            fix=f"use one of {self.names}",
        )

    def endogenous(self) -> list[str]:
        """Constructs with at least one incoming path, in model order."""
        targets = {b for _, b in self.paths}
        return [n for n in self.names if n in targets]

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], source: str = "") -> ModelSpec:
        """Build from the parsed YAML shape ``{constructs: {Name: {mode, zh, indicators}}, paths: [...]}``."""
        where = source or str(data.get("name", "model"))
        known = {"name", "zh", "description", "scale", "constructs", "paths", "en"}
        unknown = [k for k in data if k not in known]
        if unknown:
            raise ConfigError(
                f"model {where}: unknown key(s) {unknown}." + did_you_mean(str(unknown[0]), known),
                fix=f"use only {sorted(known)}",
            )
        raw = data.get("constructs")
        if not isinstance(raw, Mapping) or not raw:
            raise ConfigError(
                f"model {where}: 'constructs' must map names to {{mode, indicators}}",
                fix="see docs/csi.md, 'Model files'",
            )
        constructs = []
        for name, body in raw.items():
            if not isinstance(body, Mapping) or "indicators" not in body:
                raise ConfigError(
                    f"model {where}: construct '{name}' needs 'indicators'",
                    fix="write {mode: A, indicators: [item1, item2]}",
                )
            constructs.append(
                Construct(
                    str(name),
                    tuple(str(i) for i in body["indicators"]),
                    str(body.get("mode", "A")).upper(),
                    str(body.get("zh", "")),
                )
            )
        paths = data.get("paths") or []
        if not all(isinstance(p, list | tuple) and len(p) == 2 for p in paths):
            raise ConfigError(
                f"model {where}: every path must be a pair [from, to]", fix="e.g. - [Image, Satisfaction]"
            )
        scale = data.get("scale")
        return cls(
            tuple(constructs),
            tuple((str(a), str(b)) for a, b in paths),
            str(data.get("name", "model")),
            None if scale is None else (float(scale[0]), float(scale[1])),
            str(data.get("zh", "")),
            where,
        )

    @classmethod
    def from_csv(cls, structural: str | Path, measurement: str | Path, name: str = "model") -> ModelSpec:
        """Build from semPLS/seminr-style ``source,target`` CSVs (every construct mode A)."""
        sm, mm = _read_pair_csv(structural), _read_pair_csv(measurement)
        order: list[str] = []
        for n in _interleave(sm):
            if n not in order:
                order.append(n)
        blocks: dict[str, list[str]] = {n: [] for n in order}
        for lv, item in zip(mm["source"], mm["target"], strict=True):
            if lv not in blocks:
                raise ConfigError(
                    f"{measurement}: construct '{lv}' is on no path in {structural}."
                    + did_you_mean(lv, order),
                    fix="fix the construct name",
                )
            blocks[lv].append(item)
        constructs = tuple(Construct(n, tuple(blocks[n])) for n in order)
        return cls(
            constructs, tuple(zip(sm["source"], sm["target"], strict=True)), name, None, "", str(structural)
        )


def _interleave(sm: pd.DataFrame) -> list[str]:
    names: list[str] = []
    for a, b in zip(sm["source"], sm["target"], strict=True):
        names += [a, b]
    return names


def _read_pair_csv(path: str | Path) -> pd.DataFrame:
    frame = read_frame(Path(path), table="CSI model file", infer=False, strings=(), fix="check the path")
    if list(frame.columns[:2]) != ["source", "target"]:
        raise ConfigError(
            f"{path}: columns are {list(frame.columns)}, expected source,target",
            fix="write a header line 'source,target'",
        )
    return frame


def load_model_spec(source: str | Path | ModelSpec | Mapping[str, Any]) -> ModelSpec:
    """A :class:`ModelSpec` from a template name, a YAML file, a CSV pair (folder or one of the
    two files), a parsed mapping, or a spec (returned as is)."""
    if isinstance(source, ModelSpec):
        return source
    if isinstance(source, Mapping):
        return ModelSpec.from_dict(source)
    text = str(source)
    if text in TEMPLATES:
        path = conf_path("csi", f"{text}.yaml")
    else:
        path = Path(text)
        if not path.exists():
            hint = did_you_mean(text, TEMPLATES)
            raise UnreadableFileError(
                f"model '{text}' is neither a shipped template nor an existing file.{hint}",
                fix=f"pass a model YAML file or one of the templates {list(TEMPLATES)}",
            )
    if path.is_dir() or path.suffix.lower() == ".csv":
        folder = path if path.is_dir() else path.parent
        sm, mm = folder / "structural-model.csv", folder / "measurement-model.csv"
        if not (sm.exists() and mm.exists()):
            raise UnreadableFileError(
                f"{path}: expected structural-model.csv and measurement-model.csv in {folder}",
                fix="put both CSV files in one folder, or write a YAML model file",
            )
        return ModelSpec.from_csv(sm, mm, name=folder.name)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise UnreadableFileError(
            f"cannot read model file {path}: {error}", fix="check the path and YAML syntax"
        ) from error
    if not isinstance(data, Mapping):
        raise ConfigError(
            f"{path}: expected a mapping with 'constructs' and 'paths'", fix="see docs/csi.md, 'Model files'"
        )
    return ModelSpec.from_dict(data, source=str(path))
