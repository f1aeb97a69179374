"""grid_phases: the checkpoint field (written, read, validated) and SumdNet's averaging over grid
placements, checked against placements padded by hand. Random weights; no sumd binary needed."""
import itertools

import pytest
import torch
from safetensors import safe_open
from safetensors.numpy import save_file
from torch.nn.functional import pad

from conftest import digitsum_architecture, random_checkpoint, seed_architecture
from sumd import CheckpointError, load_torch, read_checkpoint, save_torch, write_checkpoint
from sumd.network import SumdNet

torch.set_num_threads(2)
#: Cell stride of ``digitsum_architecture``: four MaxPool2d(2).
STRIDE = 16


def rewrite_metadata(path, **changes):
    """Rewrites the checkpoint at ``path`` with metadata fields changed (None removes a field)."""
    with safe_open(str(path), framework="np") as file:
        metadata = file.metadata()
        tensors = {name: file.get_tensor(name) for name in file.keys()}
    metadata.update(changes)
    save_file(tensors, str(path), metadata={key: value for key, value in metadata.items() if value is not None})


def written(tmp_path, grid_phases=1, architecture=None):
    """Path of a random checkpoint written with ``grid_phases`` (digitsum 28×140 unless given)."""
    path = tmp_path / "model.safetensors"
    write_checkpoint(random_checkpoint(architecture or digitsum_architecture(), grid_phases), path)
    return path


def images(height, width, count=3):
    return torch.rand(count, 1, height, width, generator=torch.Generator().manual_seed(height * width))


def by_hand(module, x, top_offsets, left_offsets):
    """Mean of ``forward_once`` over x placed at every (top, left), padded explicitly; unlisted axes unpadded."""
    outputs = []
    for top, left in itertools.product(top_offsets, left_offsets):
        vertical = (top, STRIDE - top) if len(top_offsets) > 1 else (0, 0)
        horizontal = (left, STRIDE - left) if len(left_offsets) > 1 else (0, 0)
        outputs.append(module.forward_once(pad(x, horizontal + vertical)))
    return torch.stack(outputs).mean(dim=0)


def test_grid_phases_round_trip(tmp_path):
    path = written(tmp_path, grid_phases=4)
    with safe_open(str(path), framework="np") as file:
        assert file.metadata()["grid_phases"] == "4"
    assert read_checkpoint(path).grid_phases == 4


def test_grid_phases_absent_means_one(tmp_path):
    path = written(tmp_path, grid_phases=4)
    rewrite_metadata(path, grid_phases=None)
    assert read_checkpoint(path).grid_phases == 1
    assert load_torch(path).grid_phases == 1


@pytest.mark.parametrize("value", ["0", "-2", "two", "1.5", "", " 2"])
def test_bad_grid_phases_is_refused_with_the_file_named(value, tmp_path):
    path = written(tmp_path)
    rewrite_metadata(path, grid_phases=value)
    with pytest.raises(CheckpointError, match=rf"model\.safetensors: grid_phases must be a positive integer, got '{value}'"):
        read_checkpoint(path)


def test_grid_phases_above_one_is_refused_for_seed(tmp_path):
    path = written(tmp_path, architecture=seed_architecture())
    assert read_checkpoint(path).grid_phases == 1
    rewrite_metadata(path, grid_phases="2")
    with pytest.raises(CheckpointError, match=r"model\.safetensors: grid_phases 2 needs a fully convolutional.*seed"):
        read_checkpoint(path)
    with pytest.raises(CheckpointError, match=r"other\.safetensors: grid_phases 2 needs a fully convolutional"):
        write_checkpoint(random_checkpoint(seed_architecture(), grid_phases=2), tmp_path / "other.safetensors")
    with pytest.raises(ValueError, match="grid_phases 2 needs a fully convolutional"):
        SumdNet(seed_architecture(), grid_phases=2)


def test_grid_phases_above_the_cell_stride_is_refused(tmp_path):
    with pytest.raises(CheckpointError, match="grid_phases 17 exceeds the cell stride 16"):
        write_checkpoint(random_checkpoint(digitsum_architecture(), grid_phases=17), tmp_path / "x.safetensors")
    module = SumdNet(digitsum_architecture(), grid_phases=16)
    with pytest.raises(ValueError, match="grid_phases must be a positive integer, got 0"):
        module.grid_phases = 0
    assert module.grid_phases == 16


def test_forward_averages_four_phases_along_a_row(tmp_path):
    module = load_torch(written(tmp_path, grid_phases=4))
    x = images(28, 140)
    assert module.placements(28, 140) == [(0, 16, 0, 0), (4, 12, 0, 0), (8, 8, 0, 0), (12, 4, 0, 0)]
    with torch.no_grad():
        output, expected = module(x), by_hand(module, x, [0], [0, 4, 8, 12])
        single = module.forward_once(x)
    assert output.shape == (3, 46)
    torch.testing.assert_close(output, expected, rtol=1e-6, atol=1e-6)
    assert (output - single).abs().max() > 1e-3, "the average differs from the single pass"


def test_forward_averages_both_axes_of_a_square(tmp_path):
    module = SumdNet(digitsum_architecture(64, 64), grid_phases=2)
    module.load_state_dict({name: torch.from_numpy(value) for name, value in
                            random_checkpoint(digitsum_architecture(64, 64)).tensors.items()})
    x = images(64, 64)
    assert module.placements(64, 64) == [(0, 16, 0, 16), (8, 8, 0, 16), (0, 16, 8, 8), (8, 8, 8, 8)]
    with torch.no_grad():
        output, expected = module(x), by_hand(module, x, [0, 8], [0, 8])
    torch.testing.assert_close(output, expected, rtol=1e-6, atol=1e-6)


def test_single_pass_without_a_phased_axis_or_with_one_phase(tmp_path):
    module = load_torch(written(tmp_path, grid_phases=4))
    square = images(28, 28)
    assert module.placements(28, 28) == []
    with torch.no_grad():
        assert torch.equal(module(square), module.forward_once(square))
        module.grid_phases = 1
        row = images(28, 140)
        assert torch.equal(module(row), module.forward_once(row))


def test_save_torch_keeps_grid_phases(tmp_path):
    module = load_torch(written(tmp_path, grid_phases=4))
    save_torch(module, tmp_path / "saved.safetensors")
    assert read_checkpoint(tmp_path / "saved.safetensors").grid_phases == 4
    module.grid_phases = 2
    save_torch(module, tmp_path / "saved.safetensors")
    assert load_torch(tmp_path / "saved.safetensors").grid_phases == 2
