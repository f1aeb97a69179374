"""Checkpoint files with numpy only: read what sumd writes, write what sumd serves, refuse the rest."""
import subprocess
import sys

import numpy as np
import pytest
from safetensors.numpy import save_file

from conftest import run_sumd, sumd_predict
from sumd import CheckpointError, read_checkpoint, write_checkpoint
from sumd.checkpoint import parameter_specs


def test_reads_both_architectures(models):
    for name, path in models.items():
        checkpoint = read_checkpoint(path)
        assert checkpoint.architecture["name"] == name
        assert checkpoint.classes == 46
        assert checkpoint.input_scale == pytest.approx(1 / 255)
        inspected = run_sumd("inspect", path).stdout
        tensor_lines = inspected.split("\ntensors\n")[1].split("\nprovenance")[0].splitlines()
        assert [line.split()[0] for line in tensor_lines] == [spec[0] for spec in parameter_specs(checkpoint.architecture)]
        assert all(values.dtype == np.float32 for values in checkpoint.tensors.values())


def test_written_checkpoint_is_served_identically(digitsum_model, data, tmp_path):
    checkpoint = read_checkpoint(digitsum_model)
    copy = tmp_path / "copy.safetensors"
    write_checkpoint(checkpoint, copy)
    assert not [entry for entry in tmp_path.iterdir() if entry.name.startswith(".")], "no temporary file left behind"
    assert "architecture digitsum" in run_sumd("inspect", copy).stdout
    original = sumd_predict(digitsum_model, data["test"]["images"], tmp_path / "a.csv")
    rewritten = sumd_predict(copy, data["test"]["images"], tmp_path / "b.csv")
    assert (original[0] == rewritten[0]).all() and (original[1] == rewritten[1]).all()


def test_plain_state_dict_is_refused_with_the_fix(digitsum_model, tmp_path):
    plain = tmp_path / "state.safetensors"
    save_file(read_checkpoint(digitsum_model).tensors, str(plain))
    with pytest.raises(CheckpointError, match=r"state\.safetensors: not a sumd checkpoint.*sumd import"):
        read_checkpoint(plain)


def test_missing_or_misshaped_tensor_is_named(seed_model, tmp_path):
    checkpoint = read_checkpoint(seed_model)
    del checkpoint.tensors["fc2.bias"]
    with pytest.raises(CheckpointError, match=r"missing tensor 'fc2\.bias'"):
        write_checkpoint(checkpoint, tmp_path / "bad.safetensors")
    checkpoint.tensors["fc2.bias"] = np.zeros(45, np.float32)
    with pytest.raises(CheckpointError, match=r"'fc2\.bias' has shape \[45\] but the architecture needs \[46\]"):
        write_checkpoint(checkpoint, tmp_path / "bad.safetensors")


def test_numpy_parts_do_not_import_torch(digitsum_model):
    script = ("import sys, sumd; sumd.read_checkpoint(sys.argv[1]); sumd.read_outbox('.'); "
              "assert 'torch' not in sys.modules and 'onnx' not in sys.modules, 'torch imported'")
    subprocess.run([sys.executable, "-c", script, digitsum_model], check=True)
