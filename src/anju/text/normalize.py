"""Text normalisation: the first step of every function in :mod:`anju.text`.

``normalize`` turns whatever was pasted into a form field into plain simplified Chinese:

* ``None`` and non-strings become ``""``;
* HTML tags are stripped and entities unescaped (``&nbsp;`` → space);
* full-width ASCII becomes half-width, so ``１３８`` is ``138``;
* traditional characters are converted to simplified with OpenCC (``t2s``) — but only when the text
  contains a traditional character, because OpenCC's pure-Python converter costs about 3 µs per
  character and most texts are already simplified;
* runs of whitespace become one space.

Offsets matter for extraction and masking, so those work on :func:`to_simplified` output, which keeps
the length of the text unchanged (character-level conversion only).
"""

from __future__ import annotations

import functools
import html
import re
from pathlib import Path

__all__ = ["normalize", "to_simplified", "has_traditional", "MAX_CLASSIFY_CHARS", "fold_width"]

#: Classification and clustering look at no more than this many characters (title + first part of
#: the body carry the topic); it bounds the time spent on a 100,000-character paste.
MAX_CLASSIFY_CHARS = 1000

_TAG_RE = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>|<!--.*?-->|<[^>]{0,500}>", re.S | re.I)
_WS_RE = re.compile(r"\s+")
# full-width ASCII and the ideographic space → half-width; length-preserving, unlike NFKC
_WIDTH = {i: i - 0xFEE0 for i in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_WIDE_RE = re.compile("[\uff01-\uff5e\u3000]")


def fold_width(text: str) -> str:
    """Full-width ASCII (``１３８ＡＢ``) → half-width, one character for one."""
    if not _WIDE_RE.search(text):
        return text
    return text.translate(_WIDTH)


@functools.cache
def _opencc_dir() -> Path:
    import opencc

    return Path(opencc.__file__).parent / "dictionary"


@functools.cache
def _trad_chars() -> tuple[re.Pattern[str], dict[str, str], frozenset[str]]:
    """Characters that OpenCC converts to something else, and the char → char map."""
    mapping: dict[str, str] = {}
    with open(_opencc_dir() / "TSCharacters.txt", encoding="utf-8") as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 2:
                continue
            src, targets = parts
            target = targets.split(" ")[0]
            if len(src) == 1 and len(target) == 1 and src != target:
                mapping[src] = target
    pattern = re.compile("[" + "".join(re.escape(c) for c in sorted(mapping)) + "]")
    return pattern, mapping, frozenset(mapping)


@functools.cache
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


def has_traditional(text: str) -> bool:
    """True when ``text`` contains a character OpenCC would convert to simplified."""
    return bool(text) and not _trad_chars()[2].isdisjoint(text)


def to_simplified(text: str, *, keep_length: bool = False) -> str:
    """Traditional → simplified. With ``keep_length`` only character-to-character mapping is used, so
    offsets in the result are offsets in the input (needed for extraction spans and masking)."""
    if not text or not has_traditional(text):
        return text
    if keep_length:
        pattern, mapping, _ = _trad_chars()
        return pattern.sub(lambda m: mapping[m.group(0)], text)
    out = _converter().convert(text)
    return out


def normalize(text: object, *, max_chars: int | None = None, simplified: bool = True) -> str:
    """Clean ``text`` for analysis. ``max_chars`` truncates the input first (bounded work)."""
    if text is None:
        return ""
    if not isinstance(text, str):
        text = str(text)
    if max_chars is not None and len(text) > max_chars * 2:
        # cut before the expensive steps; HTML may shrink, hence the factor 2
        text = text[: max_chars * 2]
    if "<" in text or "&" in text:
        text = html.unescape(_TAG_RE.sub(" ", text))
    text = fold_width(text)
    text = _WS_RE.sub(" ", text).strip()
    if max_chars is not None:
        text = text[:max_chars]
    if simplified:
        text = to_simplified(text)
    return text
