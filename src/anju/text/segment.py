"""Word segmentation with jieba, initialised lazily and quietly (its dictionary ships in the package)."""

from __future__ import annotations

import logging
import re
import threading

__all__ = ["ensure_jieba", "words"]

_lock = threading.Lock()
_ready = False
_WORD_RE = re.compile(r"\w")


def ensure_jieba() -> None:
    """Load jieba's dictionary once, without its log chatter (about a second the first time)."""
    global _ready
    if _ready:
        return
    with _lock:
        if _ready:
            return
        import jieba

        jieba.setLogLevel(logging.WARNING)
        logging.getLogger("jieba").setLevel(logging.WARNING)
        jieba.initialize()
        _ready = True


def words(text: str, *, hmm: bool = False) -> list[str]:
    """jieba tokens of ``text`` without whitespace and punctuation."""
    if not text:
        return []
    ensure_jieba()
    import jieba

    return [w for w in jieba.lcut(text, HMM=hmm) if _WORD_RE.search(w)]
