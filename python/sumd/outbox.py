"""Reading the reports ``sumd serve`` and ``sumd predict`` write (layouts: README, "Outbox")."""
from __future__ import annotations

import csv
import os
from dataclasses import dataclass

import numpy as np

_INTEGER_COLUMNS = ("images", "labeled", "correct")
_FLOAT_COLUMNS = ("accuracy", "mean_confidence", "seconds", "images_per_second")


@dataclass
class Result:
    """One batch's reports: per-image predictions and the report row.

    ``predicted_sum`` (int64) and ``confidence`` (float64, the probability of the predicted sum)
    are in input order; ``true_sum``, ``classes`` (rows of ``S.classes.csv``) and ``confusion``
    (``[true, predicted]`` counts) are None for an unlabelled batch.
    """

    stem: str
    predicted_sum: np.ndarray
    confidence: np.ndarray
    report: dict
    true_sum: np.ndarray | None = None
    classes: list | None = None
    confusion: np.ndarray | None = None

    @property
    def accuracy(self) -> float | None:
        """Share of images whose sum was right, or None when the batch had no labels."""
        return self.report.get("accuracy")


@dataclass
class Outbox:
    """An outbox directory: ``summary`` holds the rows of ``summary.csv`` (one per batch, oldest first)."""

    path: str
    summary: list

    @property
    def stems(self) -> list:
        """The batches' report stems, in the order they were reported."""
        return [row["batch"] for row in self.summary]

    def result(self, stem: str) -> Result:
        """The reports of batch ``stem`` (``NAME`` or ``NAME~2``, …)."""
        return read_result(self.path, stem)


def read_outbox(outbox: str | os.PathLike) -> Outbox:
    """Reads ``summary.csv`` (empty when no batch was reported yet); ``.result(stem)`` reads a batch's CSVs."""
    path = os.fspath(outbox)
    summary_path = os.path.join(path, "summary.csv")
    rows = _typed_rows(summary_path) if os.path.exists(summary_path) else []
    return Outbox(path, rows)


def read_result(outbox: str | os.PathLike, stem: str) -> Result:
    """Reads ``stem``'s predictions, report and (when labelled) classes and confusion CSVs."""
    base = os.path.join(os.fspath(outbox), stem)
    report = _typed_rows(base + ".report.csv")
    if len(report) != 1:
        raise ValueError(f"{base}.report.csv: expected one report row, found {len(report)}")
    with open(base + ".predictions.csv", newline="") as file:
        rows = list(csv.DictReader(file))
    predicted = np.array([int(row["predicted_sum"]) for row in rows], dtype=np.int64)
    confidence = np.array([float(row["confidence"]) for row in rows], dtype=np.float64)
    result = Result(stem, predicted, confidence, report[0])
    if rows and "true_sum" in rows[0]:
        result.true_sum = np.array([int(row["true_sum"]) for row in rows], dtype=np.int64)
        result.classes = _typed_rows(base + ".classes.csv")
        confusion = np.loadtxt(base + ".confusion.csv", delimiter=",", skiprows=1, dtype=np.int64, ndmin=2)
        result.confusion = confusion[:, 1:]
    return result


def _typed_rows(path: str) -> list:
    """CSV rows as dicts; counts as int, fractions as float, empty cells as None."""
    with open(path, newline="") as file:
        rows = list(csv.DictReader(file))
    for row in rows:
        for key, value in row.items():
            if value == "" or value is None:
                row[key] = None
            elif key in _INTEGER_COLUMNS or key in ("sum", "support"):
                row[key] = int(value)
            elif key in _FLOAT_COLUMNS:
                row[key] = float(value)
    return rows
