"""Text analysis: accent folding, cheap language detection and stemming.

Listings carry no language column, so each listing's language is guessed
once, at index time, from its whole text (diacritics and function words are
strong signals in Romanian, Hungarian, Polish and Italian) and passed to the
analyzer as an invisible marker in front of the text (see `mark`). Every word
is first folded (lower case, accents and special letters removed: "Grădina"
-> "gradina", "Łódź" -> "lodz") and then stemmed with the Snowball stemmer of
the detected language. Folding before stemming keeps index and query
consistent: a resident typing "piata" gets exactly the same stem as the
listing's "Piață". Whoosh has no Polish stemmer, so Polish text is folded
only.

At query time the language is unknown, so query.py expands each word into
its stems in every language (at most five distinct terms, usually two) and
keeps those that exist in the index.

The analyzer is one flat generator instead of Whoosh's usual chain of
filters, with per-word caches: on a Zipf-distributed vocabulary nearly every
word is a cache hit, which is what makes a 100k-listing build affordable.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from whoosh.analysis import Analyzer, Token
from whoosh.lang import stemmer_for_language
from whoosh.lang.stopwords import stoplists

# Languages with a Whoosh stemmer; "pl" (and undetected text) is folded only.
STEMMED_LANGUAGES = ("en", "it", "ro", "hu")
LANGUAGES = ("en", "it", "ro", "hu", "pl")
NO_LANGUAGE = "xx"

# Letters NFKD leaves alone (no combining mark to strip).
_SPECIAL = {
    "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ø": "o", "Ø": "O", "ß": "ss", "æ": "ae",
    "Æ": "AE", "œ": "oe", "Œ": "OE", "ı": "i", "ħ": "h", "Ħ": "H", "þ": "th", "ð": "d",
}

WORD_RE = re.compile(r"\w+")
_MARK_RE = re.compile(r"^\x01([a-z]{2})\x01")


class _FoldTable(dict):
    """str.translate table filled on first sight of each non-ASCII character:
    its NFKD decomposition without combining marks, or a special letter's
    replacement. One C-level translate per string instead of a Python loop
    over its characters."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        if char in _SPECIAL:
            folded = _SPECIAL[char]
        else:
            decomposed = unicodedata.normalize("NFKD", char)
            folded = "".join(c for c in decomposed if not unicodedata.combining(c))
        self[code] = folded
        return folded


_FOLD_TABLE = _FoldTable()


def fold(text: str) -> str:
    """Lower case without accents or special letters: 'Piață Łódź' -> 'piata lodz'."""
    text = text.lower()
    if text.isascii():
        return text
    return text.translate(_FOLD_TABLE)


@lru_cache(maxsize=200_000)
def fold_word(word: str) -> str:
    return fold(word)


def _folded_stoplist(lang: str) -> frozenset[str]:
    words = stoplists.get(lang, ())
    return frozenset(fold(w) for w in words)


# Function words that give a language away (folded). Romanian has no Whoosh
# stop list, so it gets a short one here; so does Polish.
_SIGNAL_WORDS = {
    "en": frozenset("the and of for with to is are from this our your you we".split()),
    "it": frozenset("il lo gli della delle del di per con che una sono nel nella alla".split()),
    "ro": frozenset("si de la cu pentru din in un o care este pe sau al ale ai fie".split()),
    "hu": frozenset("es az egy hogy nem van meg is a kozossegi minden vagy mint".split()),
    "pl": frozenset("i w z na sie do nie jest dla oraz ze przez od po".split()),
}
_SIGNAL_LANG: dict[str, tuple[str, ...]] = {}
for _lang, _words in _SIGNAL_WORDS.items():
    for _word in _words:
        _SIGNAL_LANG[_word] = (*_SIGNAL_LANG.get(_word, ()), _lang)
_SIGNAL_LETTERS = {
    "ro": "ăâîșşțţ",
    "hu": "őűöüáéíóú",
    "pl": "łąęśźżćńó",
    "it": "àèìòù",
}

# Words dropped from AND queries (they are still indexed, for phrases).
STOPWORDS = frozenset().union(*(_folded_stoplist(lang) for lang in ("en", "it", "hu")),
                              _SIGNAL_WORDS["ro"], _SIGNAL_WORDS["pl"])


def detect_language(text: str) -> str:
    """A cheap guess among en/it/ro/hu/pl; NO_LANGUAGE when nothing points anywhere."""
    sample = text[:2000]
    lowered = sample.lower()
    scores = dict.fromkeys(LANGUAGES, 0)
    for lang, letters in _SIGNAL_LETTERS.items():
        scores[lang] += 3 * sum(lowered.count(ch) for ch in letters)
    # Hungarian and Polish share ó; Romanian î/â are Romanian only.
    for word in WORD_RE.findall(lowered):
        lang = _SIGNAL_LANG.get(fold_word(word))
        if lang is not None:
            for one in lang:
                scores[one] += 2
    best = max(scores, key=scores.get)
    return best if scores[best] > 0 else NO_LANGUAGE


def mark(lang: str, text: str) -> str:
    """Prefix `text` with the language marker the analyzer reads (no token is made of it)."""
    return f"\x01{lang}\x01{text}"


_STEMMERS: dict[str, object] = {}
_TERM_CACHES: dict[str, dict[str, str]] = {}
_CACHE_LIMIT = 300_000


def _stemmer(lang: str):
    if lang not in _STEMMERS:
        _STEMMERS[lang] = stemmer_for_language(lang) if lang in STEMMED_LANGUAGES else None
    return _STEMMERS[lang]


def term_for(word: str, lang: str | None) -> str:
    """The index term of one raw word in `lang` (None: folded only)."""
    key = lang or NO_LANGUAGE
    cache = _TERM_CACHES.get(key)
    if cache is None:
        cache = _TERM_CACHES[key] = {}
    term = cache.get(word)
    if term is None:
        term = fold_word(word)
        stem = _stemmer(key) if key in STEMMED_LANGUAGES else None
        if stem is not None and len(term) > 2:
            term = stem(term) or term
        if len(cache) > _CACHE_LIMIT:
            cache.clear()
        cache[word] = term
    return term


def query_variants(folded_word: str) -> list[str]:
    """Every term a query word may be indexed as: itself plus its stem per language."""
    seen = [folded_word]
    for lang in STEMMED_LANGUAGES:
        term = term_for(folded_word, lang)
        if term not in seen:
            seen.append(term)
    return seen


class ListingAnalyzer(Analyzer):
    """Tokenise on word characters, fold, stem in the marked (or detected) language.

    `stem=False` gives the folding-only variant (suggestions, spelling).
    Honours Whoosh's `no_morph` / `nomorph` flags, which its spelling field
    uses to collect unstemmed words.
    """

    def __init__(self, stem: bool = True):
        self.stem = stem
        self.is_morph = stem

    def __eq__(self, other):
        return isinstance(other, ListingAnalyzer) and other.stem == self.stem

    def __hash__(self):
        return hash(("ListingAnalyzer", self.stem))

    def has_morph(self):
        return self.stem

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", no_morph=False, nomorph=False,
                 **kwargs):
        lang = None
        offset = 0
        found = _MARK_RE.match(value)
        if found:
            lang, offset = found.group(1), found.end()
        stemming = self.stem and not (no_morph or nomorph)
        if not stemming:
            lang = NO_LANGUAGE
        elif lang is None:
            lang = detect_language(value)
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            token.original = token.text = fold(value[offset:])
            token.boost = 1.0
            token.stopped = False
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar, token.endchar = start_char, start_char + len(value)
            yield token
            return
        pos = start_pos
        for match in WORD_RE.finditer(value, offset):
            word = match.group()
            token.text = term_for(word, lang)
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = word
            if positions:
                token.pos = pos
                pos += 1
            if chars:
                token.startchar = start_char + match.start()
                token.endchar = start_char + match.end()
            yield token
