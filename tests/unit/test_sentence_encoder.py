"""The sentence encoder and the stored embeddings of the FAQ texts."""

from __future__ import annotations

import numpy as np
import pytest

from conversations.support.faq.embeddings import STORED, EmbeddingStore
from conversations.support.faq.index import training_texts
from conversations.support.faq.knowledge import load, load_not_covered
from conversations.support.faq.sentence_encoder import default_encoder


@pytest.fixture(scope="module")
def encoder():
    return default_encoder()


def test_a_batch_with_padding_gives_what_each_text_gives_alone(encoder):
    texts = ["fee?", "i finished my cpm last year and did 40 hours of training, can i apply for the master mentor now"]
    together = encoder.encode(texts)
    alone = np.vstack([encoder.encode([text]) for text in texts])
    assert together.shape == (2, 384)
    assert np.allclose(together, alone, atol=1e-5)
    assert np.allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-5)


def test_texts_that_mean_alike_are_closer_than_unrelated_ones(encoder):
    fee, cost, joke, supervisor = encoder.encode(
        [
            "what is the application fee",
            "how much does it cost to apply",
            "tell me a joke",
            "who can be my mentoring supervisor",
        ]
    )
    assert fee @ cost > 0.6
    assert fee @ cost > max(fee @ joke, fee @ supervisor) + 0.3


def test_the_stored_embeddings_cover_the_knowledge_base_and_come_from_this_model(encoder):
    """Fails when the knowledge base was edited without `make faq-embeddings`."""
    texts, _ = training_texts(load(), load_not_covered())
    store = EmbeddingStore(STORED)
    assert [text for text in texts if text not in store] == []
    sample = texts[::500]
    assert np.allclose(store.vectors(sample), encoder.encode(sample), atol=2e-3)
