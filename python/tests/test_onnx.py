"""export_onnx with real onnx and onnxruntime: both architectures, dynamic batch, agreement with `sumd predict`."""
import numpy as np
import onnx
import onnxruntime
import pytest

from conftest import agreement
from sumd import export_onnx


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
