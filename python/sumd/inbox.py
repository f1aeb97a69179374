"""Sending a batch to a running ``sumd serve`` through its inbox (protocol: README, "Inbox protocol")."""
from __future__ import annotations

import os
import re
import time
import uuid

import numpy as np

from .outbox import Result, read_outbox, read_result


class BatchFailed(RuntimeError):
    """The daemon refused the batch and moved it to ``failed/``; the message is its reason."""


def submit(images, inbox, outbox, labels=None, name: str | None = None, timeout: float = 60.0,
           failed=None, poll_interval: float = 0.02) -> Result:
    """Sends ``images`` (and optionally their true sums) to the daemon and waits until it is reported.

    ``images``: uint8 (0–255) or float in [0, 1], shaped (N, H, W), (N, 1, H, W), (N, H, W, 1) or (H, W). Files
    are written the safe way: under a hidden ``.part`` name, flushed, then renamed into the inbox,
    labels before images so the batch is reported once, with accuracy. ``name`` defaults to a
    unique one; ``failed`` to the inbox's sibling ``failed/``. Returns the batch's ``Result`` once
    its reports and its ``summary.csv`` row are written (the row follows the reports by a moment);
    raises ``BatchFailed`` with the daemon's reason when it refuses the batch, ``TimeoutError``
    when that does not happen within ``timeout`` seconds.
    """
    inbox, outbox = os.fspath(inbox), os.fspath(outbox)
    failed = os.fspath(failed) if failed is not None else os.path.join(os.path.dirname(os.path.abspath(inbox)), "failed")
    name = name or f"py-{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}"
    if "/" in name or name.startswith(".") or name.endswith((".tmp", ".part")):
        raise ValueError(f"batch name {name!r} would not be picked up: no '/', no leading '.', no .tmp/.part ending")
    images = np.asarray(images)
    if images.dtype == object:
        raise TypeError("images must be a numeric array (uint8 0–255 or float in [0, 1]), not objects")
    stems_before = _report_stems(outbox, name)
    errors_before = _error_files(failed, name)
    if labels is not None:
        labels = np.asarray(labels)
        count = 1 if images.ndim == 2 else images.shape[0]
        if labels.shape != (count,):
            raise ValueError(f"labels must be one sum per image, shape ({count},), not {labels.shape}")
        _deliver(inbox, f"{name}.labels.npy", labels.astype(np.int64))
    _deliver(inbox, f"{name}.npy", images)

    deadline = time.monotonic() + timeout
    while True:
        for stem in sorted(_report_stems(outbox, name) - stems_before):
            result = read_result(outbox, stem)
            if (labels is None or result.report["labeled"]) and _summarised(outbox, stem, labeled=labels is not None):
                return result
        new_errors = _error_files(failed, name) - errors_before
        if new_errors:
            with open(os.path.join(failed, sorted(new_errors)[0])) as file:
                raise BatchFailed(f"batch {name}: {file.read().strip()}")
        if time.monotonic() > deadline:
            raise TimeoutError(f"no report for batch {name} in {outbox} after {timeout:g} s; is `sumd serve` watching {inbox}?")
        time.sleep(poll_interval)


def _deliver(inbox: str, filename: str, array: np.ndarray) -> None:
    """Writes ``array`` as ``.FILENAME.part``, fsyncs it, then renames it to ``FILENAME`` in one step."""
    hidden = os.path.join(inbox, f".{filename}.part")
    with open(hidden, "wb") as file:
        np.save(file, array, allow_pickle=False)
        file.flush()
        os.fsync(file.fileno())
    os.rename(hidden, os.path.join(inbox, filename))


def _summarised(outbox: str, stem: str, labeled: bool) -> bool:
    """Whether ``summary.csv`` has batch ``stem``'s row (a labelled one if ``labeled``)."""
    return any(row["batch"] == stem and (not labeled or row["labeled"]) for row in read_outbox(outbox).summary)


def _report_stems(outbox: str, name: str) -> set:
    """Stems with a finished report for batch ``name``: ``NAME`` and ``NAME~2``, ``NAME~3``, …"""
    pattern = re.compile(re.escape(name) + r"(~\d+)?\.report\.csv")
    try:
        return {entry[:-len(".report.csv")] for entry in os.listdir(outbox) if pattern.fullmatch(entry)}
    except FileNotFoundError:
        return set()


def _error_files(failed: str, name: str) -> set:
    """``failed/`` error notes that belong to batch ``name`` (its images or its labels)."""
    pattern = re.compile(re.escape(name) + r"(~\d+)?(\.labels)?\.error\.txt")
    try:
        return {entry for entry in os.listdir(failed) if pattern.fullmatch(entry)}
    except FileNotFoundError:
        return set()
