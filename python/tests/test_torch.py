"""PyTorch round trips with real torch: load_torch against `sumd predict`, the exact digit-sum layer,
save_torch after training in PyTorch, and a digitsum state_dict back through `sumd import`."""
import itertools

import numpy as np
import pytest
import torch
from safetensors.torch import save_file

from conftest import agreement, run_sumd, sumd_predict
from sumd import load_torch, read_checkpoint, save_torch
from sumd.digitsum import DigitSum

torch.set_num_threads(2)


def torch_predict(module, images_path):
    """Predicted sums and confidences of ``module`` on an .npy of uint8 images, like `sumd predict`."""
    images = torch.from_numpy(np.load(images_path).astype(np.float32) * np.float32(module.input_scale)).unsqueeze(1)
    with torch.no_grad():
        probabilities = torch.softmax(module(images), dim=1)
    confidence, predicted = probabilities.max(dim=1)
    return predicted.numpy(), confidence.double().numpy()


@pytest.mark.parametrize("architecture", ["digitsum", "seed"])
def test_load_torch_agrees_with_sumd_predict(architecture, models, data, reference_predictions):
    module = load_torch(models[architecture])
    assert list(module.state_dict()) == list(read_checkpoint(models[architecture]).tensors)
    same, worst = agreement(*torch_predict(module, data["test"]["images"]), reference_predictions[architecture])
    print(f"\nmeasured: load_torch {architecture} vs sumd predict: {same:.2%} same sums, max confidence difference {worst:.2e}")
    assert same >= 0.998
    assert worst <= 1e-3


def test_digit_sum_layer_is_the_exact_distribution():
    logits = torch.randn(2, 11, 1, 3, dtype=torch.float64, generator=torch.Generator().manual_seed(0)) * 3
    output = DigitSum(classes=20)(logits)
    probabilities = torch.softmax(logits.flatten(2), dim=1)
    for image in range(2):
        exact = np.zeros(28)
        for symbols in itertools.product(range(11), repeat=3):
            exact[sum(max(c - 1, 0) for c in symbols)] += np.prod([probabilities[image, c, cell].item() for cell, c in enumerate(symbols)])
        assert np.abs(output[image].numpy() - np.log(exact[:20])).max() < 1e-12


def test_digit_sum_layer_is_differentiable():
    logits = torch.randn(2, 11, 2, 2, dtype=torch.float64, requires_grad=True, generator=torch.Generator().manual_seed(1))
    assert torch.autograd.gradcheck(DigitSum(classes=12), (logits,))


def _fine_tune(module, data, steps=20):
    """A few Adam steps on the training rows: the weights change the way a user's fine-tuning would."""
    images = torch.from_numpy(np.load(data["train"]["images"])[:640].astype(np.float32) / 255).unsqueeze(1)
    labels = torch.from_numpy(np.load(data["train"]["labels"])[:640])
    optimizer = torch.optim.Adam(module.parameters(), lr=1e-3)
    module.train()
    for step in range(steps):
        batch = slice(step * 32 % 640, step * 32 % 640 + 32)
        optimizer.zero_grad()
        loss = torch.nn.functional.cross_entropy(module(images[batch]), labels[batch])
        assert torch.isfinite(loss)
        loss.backward()
        optimizer.step()
    return module.eval()


@pytest.mark.parametrize("architecture", ["seed", "digitsum"])
def test_save_torch_after_training_in_pytorch_is_served_by_sumd(architecture, models, data, tmp_path):
    module = _fine_tune(load_torch(models[architecture]), data)
    before = read_checkpoint(models[architecture]).tensors
    assert any(not np.array_equal(before[name], value.numpy()) for name, value in module.state_dict().items())
    path = tmp_path / "tuned.safetensors"
    save_torch(module, path)
    assert "(save_torch)" in run_sumd("inspect", path).stdout, "provenance says where the weights came from"
    served = sumd_predict(path, data["test"]["images"], tmp_path / "p.csv")
    same, worst = agreement(*torch_predict(module, data["test"]["images"]), served)
    print(f"\nmeasured: {architecture} fine-tuned in PyTorch, save_torch, sumd predict: {same:.2%} same sums, "
          f"max confidence difference {worst:.2e}")
    assert same >= 0.998
    assert worst <= 1e-3


def test_save_torch_refuses_other_modules(tmp_path):
    with pytest.raises(TypeError, match="sumd import"):
        save_torch(torch.nn.Linear(2, 2), tmp_path / "x.safetensors")


def test_digitsum_state_dict_through_sumd_import_gives_identical_sums(digitsum_model, data, reference_predictions, tmp_path):
    module = load_torch(digitsum_model)
    state = tmp_path / "state.safetensors"
    save_file({f"module.{name}": value.contiguous() for name, value in module.state_dict().items()}, str(state))
    imported = tmp_path / "imported.safetensors"
    output = run_sumd("import", state, "--input", "28x140", "--out", imported).stdout
    assert "architecture digitsum" in output and "DigitSum(classes=46)" in output
    predicted, confidence = sumd_predict(imported, data["test"]["images"], tmp_path / "p.csv")
    assert (predicted == reference_predictions["digitsum"][0]).all()
    assert (confidence == reference_predictions["digitsum"][1]).all()
