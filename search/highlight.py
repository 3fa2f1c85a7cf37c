"""Highlighted snippets, computed from text loaded from SQL (descriptions are
not stored in the index). Returns (text, is_match) pieces; the template
escapes them, so nothing here produces HTML.
"""
from __future__ import annotations

from .analyzers import NO_LANGUAGE, WORD_RE, fold, term_for

WINDOW_WORDS = 30


def snippet(text: str, terms: set[str], lang: str = NO_LANGUAGE,
            window: int = WINDOW_WORDS) -> list[tuple[str, bool]]:
    """Up to `window` words around the first matching word, matches flagged."""
    text = " ".join((text or "").split())
    if not text:
        return []
    matches = list(WORD_RE.finditer(text))
    if not matches:
        return [(text[:300], False)]
    flags = [term_for(m.group(), lang) in terms or fold(m.group()) in terms for m in matches]
    first = flags.index(True) if True in flags else 0
    start_word = max(0, first - 5)
    end_word = min(len(matches), start_word + window)
    start = matches[start_word].start() if start_word else 0
    end = matches[end_word - 1].end() if end_word < len(matches) else len(text)
    pieces: list[tuple[str, bool]] = []
    if start > 0:
        pieces.append(("… ", False))
    cursor = start
    for match, flag in zip(matches[start_word:end_word], flags[start_word:end_word], strict=True):
        if not flag:
            continue
        if match.start() > cursor:
            pieces.append((text[cursor:match.start()], False))
        pieces.append((match.group(), True))
        cursor = match.end()
    if end > cursor:
        pieces.append((text[cursor:end], False))
    if end < len(text):
        pieces.append((" …", False))
    return pieces
