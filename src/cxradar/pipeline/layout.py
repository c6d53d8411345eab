"""The run folder: where every file of a month lives, and how a month is committed all at once.

::

    RUN_DIR/
      validated/                  accepted tables, quarantine, validation_report.json (reused
                                  while the inputs are unchanged: validated.fingerprint.json)
      features/                   cache: base aggregates per month and features per as-of month,
                                  keyed by the fingerprint of the validated tables
      pool.parquet                the explicit pool after the month
      pool_history.parquet        the pool's append-only history (carried from month to month)
      potential_dissatisfied.parquet
      scores.parquet              every scored subscriber's probability of being dissatisfied
      model_report.json           held-out evaluation of the classifier
      care/YYYY-MM/...            care decisions, the campaign and its evaluation (campaigns.step)
      care_actions.parquet        every campaign's care actions (read by the pool's exit rules)
      churn/...                   churn list, group alerts, multi-SIM, model, report
      summary.json                the month's summary (written last)

**All or nothing.** A month's run writes every file it changes under ``RUN_DIR/.staging/`` (same
relative paths) and reads earlier state through :meth:`RunLayout.current`, which prefers the
staged copy. :meth:`RunLayout.commit` writes the list of staged files to ``.staging/COMMIT`` (the
moment the month counts as done), moves each file into place and removes the staging folder. A
run that dies before ``COMMIT`` leaves RUN_DIR exactly as it was; the next run removes the
leftovers (:meth:`RunLayout.recover`), and one that died during the moves is finished by it.
Temporary files of atomic writes (``.name.xxxx.tmp``) left by a killed process are removed too.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

__all__ = ["RunLayout"]

STAGING = ".staging"
WORK = ".work"
_COMMIT = "COMMIT"


@dataclass(frozen=True)
class RunLayout:
    """Paths of one run folder (see the module docstring)."""

    root: Path

    # ------------------------------------------------------------------ folders

    @property
    def staging(self) -> Path:
        return self.root / STAGING

    @property
    def work(self) -> Path:
        """Scratch space of the engine (intermediate tables, shard inputs); removed after a run."""
        return self.root / WORK

    @property
    def validated(self) -> Path:
        return self.root / "validated"

    @property
    def tables_dir(self) -> Path:
        """The validated (accepted) tables the run reads."""
        return self.validated / "accepted"

    @property
    def features_cache(self) -> Path:
        return self.root / "features"

    # ------------------------------------------------------------------ files

    def staged(self, relative: str | Path) -> Path:
        """Where the month writes ``relative`` (inside the staging folder)."""
        path = self.staging / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def current(self, relative: str | Path) -> Path:
        """The newest version of ``relative``: staged this month, else committed earlier."""
        staged = self.staging / relative
        return staged if staged.exists() else self.root / relative

    def exists(self, relative: str | Path) -> bool:
        return self.current(relative).exists()

    # ------------------------------------------------------------------ commit

    def _staged_files(self) -> list[str]:
        if not self.staging.is_dir():
            return []
        return sorted(
            str(p.relative_to(self.staging))
            for p in self.staging.rglob("*")
            if (p.is_file() or _is_dataset(p)) and not _inside_dataset(p, self.staging) and p.name != _COMMIT
        )

    def commit(self) -> list[str]:
        """Move every staged file into RUN_DIR (see the module docstring); returns their paths."""
        files = self._staged_files()
        journal = self.staging / _COMMIT
        tmp = journal.with_suffix(".tmp")
        tmp.write_text(json.dumps(files), encoding="utf-8")
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, journal)
        self._finish(files)
        return files

    def _finish(self, files: list[str]) -> None:
        for relative in files:
            source, target = self.staging / relative, self.root / relative
            if not source.exists():  # moved before an interruption
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            if source.is_dir():
                old = target.with_name(f".{target.name}.old")
                shutil.rmtree(old, ignore_errors=True)
                if target.exists():
                    os.replace(target, old)
                os.replace(source, target)
                shutil.rmtree(old, ignore_errors=True)
            else:
                if target.is_dir():
                    shutil.rmtree(target)
                os.replace(source, target)
        shutil.rmtree(self.staging, ignore_errors=True)

    def recover(self) -> str | None:
        """Tidy up after an interrupted run: finish a commit that had begun, else drop the staged
        files; remove the engine's scratch space and stray temporary files. Returns what was done."""
        done = None
        journal = self.staging / _COMMIT
        if journal.is_file():
            self._finish(json.loads(journal.read_text(encoding="utf-8")))
            done = "finished an interrupted commit"
        elif self.staging.exists():
            shutil.rmtree(self.staging, ignore_errors=True)
            done = "removed the files of an interrupted run"
        shutil.rmtree(self.work, ignore_errors=True)
        if self.root.is_dir():
            for stray in self.root.rglob(".*.tmp"):
                if stray.is_file():
                    stray.unlink(missing_ok=True)
        return done

    def abandon(self) -> None:
        """Drop everything staged (a failed run leaves RUN_DIR untouched)."""
        shutil.rmtree(self.staging, ignore_errors=True)


def _is_dataset(path: Path) -> bool:
    """A folder written as one table (Spark parts, a sharded dataset): it moves as a whole."""
    return path.is_dir() and path.suffix == ".parquet"


def _inside_dataset(path: Path, top: Path) -> bool:
    return any(_is_dataset(parent) for parent in path.parents if parent != top and top in parent.parents)
