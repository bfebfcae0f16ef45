"""``python -m conversations.support.faq.encode`` (``make faq-embeddings``): encode every text
the FAQ index learns from into ``embeddings.npz``, after the knowledge base was edited."""

from __future__ import annotations

from conversations.support.faq.embeddings import STORED, write
from conversations.support.faq.index import training_texts
from conversations.support.faq.knowledge import load, load_not_covered


def main() -> None:
    texts, _ = training_texts(load(), load_not_covered())
    print(f"{write(texts)} texts encoded into {STORED.name}")


if __name__ == "__main__":
    main()
