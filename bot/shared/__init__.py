"""What every channel may use, so that no channel imports another: text cut to a platform's limit,
the chosen answer shown under a closed keyboard, and messages sent from the engine's worker thread."""
