"""submit and read_outbox against a real `sumd serve` daemon (numpy only)."""
import os
import signal
import subprocess
import time

import numpy as np
import pytest

from conftest import sumd_binary, sumd_predict
from sumd import BatchFailed, read_outbox, submit


@pytest.fixture
def daemon(digitsum_model, tmp_path):
    """`sumd serve` on a fresh inbox/outbox, once it logs "ready"; stopped with SIGTERM, which must
    end it with status 0."""
    for folder in ("inbox", "outbox"):
        (tmp_path / folder).mkdir()
    log_path = tmp_path / "serve.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen([sumd_binary(), "serve", "--inbox", tmp_path / "inbox", "--outbox", tmp_path / "outbox",
                                    "--checkpoint", digitsum_model, "--workers", "2"], stdout=log, stderr=log)
    deadline = time.monotonic() + 30
    while " ready " not in log_path.read_text():
        assert process.poll() is None, f"sumd serve exited {process.returncode}: {log_path.read_text()}"
        assert time.monotonic() < deadline, f"sumd serve not ready after 30 s: {log_path.read_text()}"
        time.sleep(0.02)
    yield {"inbox": str(tmp_path / "inbox"), "outbox": str(tmp_path / "outbox")}
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 0, f"sumd serve exited {process.returncode} on SIGTERM: {log_path.read_text()}"


def test_labelled_batch_is_reported_once_with_accuracy(daemon, digitsum_model, data, tmp_path):
    images = np.load(data["test"]["images"])[:300]
    labels = np.load(data["test"]["labels"])[:300]
    result = submit(images, labels=labels, name="rows", timeout=60, **daemon)
    expected = sumd_predict(digitsum_model, data["test"]["images"], tmp_path / "p.csv")
    assert result.stem == "rows"
    assert (result.predicted_sum == expected[0][:300]).all()
    assert np.abs(result.confidence - expected[1][:300]).max() == 0
    assert result.accuracy == pytest.approx((expected[0][:300] == labels).mean(), abs=1e-6)
    assert result.report["images"] == 300 and result.report["labeled"] == 300
    assert (result.true_sum == labels).all()
    assert result.confusion.shape == (46, 46) and result.confusion.sum() == 300
    assert sum(row["support"] for row in result.classes) == 300
    assert not [name for name in os.listdir(daemon["inbox"]) if not name.startswith(".")], "inbox drained"


def test_unlabelled_batches_and_the_outbox(daemon):
    images = np.zeros((5, 28, 140), np.float32)
    first = submit(images, **daemon)
    second = submit(images[:2, None], name=first.stem, **daemon)
    assert first.accuracy is None and first.true_sum is None and first.confusion is None
    assert second.stem == f"{first.stem}~2", "a second batch of the same name gets its own stem"
    assert len(second.predicted_sum) == 2
    outbox = read_outbox(daemon["outbox"])
    assert outbox.stems == [first.stem, second.stem]
    assert outbox.summary[0]["images"] == 5 and outbox.summary[0]["accuracy"] is None
    assert (outbox.result(first.stem).predicted_sum == first.predicted_sum).all()


def test_refused_batch_raises_the_daemons_reason(daemon):
    with pytest.raises(BatchFailed, match=r"28×56 but the checkpoint takes 28×140"):
        submit(np.zeros((3, 28, 56), np.uint8), name="narrow", timeout=30, **daemon)


def test_unscaled_float_images_are_quarantined_with_the_fix(daemon, data):
    rows = np.load(data["test"]["images"])[:4]
    with pytest.raises(BatchFailed, match=r"float pixels from 0\.0 to [0-9.]+, but float pixels must be in \[0, 1\].*divide by 255"):
        submit(rows.astype(np.float32), name="bytes", timeout=30, **daemon)
    channels_last = submit(rows[..., None], name="last", **daemon)
    assert (channels_last.predicted_sum == submit(rows, name="plain", **daemon).predicted_sum).all()


def test_bad_arguments_fail_before_writing(daemon):
    before = os.listdir(daemon["inbox"])
    with pytest.raises(ValueError, match="one sum per image"):
        submit(np.zeros((3, 28, 140), np.uint8), labels=[1, 2], **daemon)
    with pytest.raises(ValueError, match="would not be picked up"):
        submit(np.zeros((3, 28, 140), np.uint8), name=".hidden", **daemon)
    assert os.listdir(daemon["inbox"]) == before


def test_read_outbox_of_an_empty_directory(tmp_path):
    assert read_outbox(tmp_path).summary == []
