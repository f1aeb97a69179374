"""export_onnx with real onnx and onnxruntime: both architectures, dynamic batch, agreement with `sumd predict`,
and grid-phase averaging exported as the module computes it."""
import numpy as np
import onnx
import onnxruntime
import pytest
import torch

from conftest import agreement, digitsum_architecture, random_checkpoint
from sumd import export_onnx, load_torch, write_checkpoint


@pytest.mark.parametrize("architecture", ["digitsum", "seed"])
def test_onnx_runtime_agrees_with_sumd_predict(architecture, models, data, reference_predictions, tmp_path):
    path = export_onnx(models[architecture], tmp_path / f"{architecture}.onnx")
    model = onnx.load(path)
    onnx.checker.check_model(model)
    assert model.graph.input[0].type.tensor_type.shape.dim[0].dim_param == "batch"
    session = onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"])
    images = (np.load(data["test"]["images"]).astype(np.float32) / 255)[:, None]
    scores = np.concatenate([session.run(None, {"images": images[start:start + size]})[0]
                             for start, size in ((0, 1), (1, 7), (8, len(images) - 8))])
    assert scores.shape == (len(images), 46)
    probabilities = np.exp(scores - scores.max(axis=1, keepdims=True))
    probabilities /= probabilities.sum(axis=1, keepdims=True)
    same, worst = agreement(probabilities.argmax(axis=1), probabilities.max(axis=1), reference_predictions[architecture])
    print(f"\nmeasured: ONNX Runtime {architecture} vs sumd predict: {same:.2%} same sums, max confidence difference {worst:.2e}")
    assert same >= 0.998
    assert worst <= 1e-3


def test_onnx_exports_the_grid_phase_average(tmp_path):
    checkpoint = tmp_path / "phased.safetensors"
    write_checkpoint(random_checkpoint(digitsum_architecture(), grid_phases=4), checkpoint)
    session = onnxruntime.InferenceSession(export_onnx(checkpoint, tmp_path / "phased.onnx"),
                                           providers=["CPUExecutionProvider"])
    images = np.random.default_rng(0).random((5, 1, 28, 140), dtype=np.float32)
    with torch.no_grad():
        expected = load_torch(checkpoint)(torch.from_numpy(images)).numpy()
    for batch in (images, images[:2]):
        np.testing.assert_allclose(session.run(None, {"images": batch})[0], expected[:len(batch)], rtol=1e-5, atol=1e-5)
