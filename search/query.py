"""From what a resident types to a Whoosh query.

The syntax is small and forgiving, and parsing never fails:

- words are ANDed: `tomato garden`;
- `"quoted phrases"` match words in that order;
- `-word` or `NOT word` excludes; `a OR b` matches either;
- `word*` matches words starting with `word` (two letters at least).

Anything else (an unbalanced quote, a lone `-`, `*`, `AND`, `OR`, a
`field:value`, control characters) is read as plain words. Words are folded
and expanded to their stem in every language (analyzers.query_variants);
only variants that exist in the index are kept, so an unknown word costs one
term lookup per variant. Common function words are dropped from AND lists
(they stay indexed, for phrases).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from whoosh import query as wq

from .analyzers import STEMMED_LANGUAGES, STOPWORDS, WORD_RE, fold, query_variants, term_for

MAX_QUERY_LENGTH = 500
TEXT_FIELDS = ("body",)  # the title is in `body` too (schema.py)
_TOKEN_RE = re.compile(r'"[^"]*"|\S+')
# `title:garden` is read as `garden` (there is no field syntax).
_FIELD_PREFIX_RE = re.compile(r"^(title|description|body|category|kind|group|district|pact|commons):(?=\S)",
                              re.IGNORECASE)
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class QueryTooLong(ValueError):
    """The query is longer than MAX_QUERY_LENGTH characters."""


@dataclass
class Clause:
    """One AND-ed item: a word, a phrase or a prefix; alternatives are OR-ed."""

    kind: str  # "word" | "phrase" | "prefix"
    words: list[str]


@dataclass
class ParsedQuery:
    required: list[list[Clause]] = field(default_factory=list)  # AND of (OR of clauses)
    excluded: list[Clause] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.required and not self.excluded

    def plain_words(self) -> list[str]:
        """The folded words of every required clause (for spelling and fuzzy retry)."""
        return [w for group in self.required for c in group if c.kind == "word" for w in c.words]


def clean(text: str | None) -> str:
    """Control characters become spaces; length is checked by the caller."""
    return _CONTROL_RE.sub(" ", text or "").strip()


def _words(text: str) -> list[str]:
    return [fold(w) for w in WORD_RE.findall(text)]


def parse(text: str | None) -> ParsedQuery:
    """Parse user input; raises QueryTooLong, never anything else."""
    text = clean(text)
    if len(text) > MAX_QUERY_LENGTH:
        raise QueryTooLong(text[:20])
    parsed = ParsedQuery()
    negate_next = False
    or_next = False
    for token in _TOKEN_RE.findall(text):
        if token in ("AND", "&&", "+"):
            continue
        if token in ("OR", "||", "|"):
            or_next = bool(parsed.required)
            continue
        if token in ("NOT", "-", "!"):
            negate_next = True
            continue
        negate = negate_next
        negate_next = False
        token = _FIELD_PREFIX_RE.sub("", token)
        if token.startswith("-") and len(token) > 1:
            negate, token = True, token[1:]
        clauses: list[Clause] = []
        if len(token) >= 2 and token.startswith('"') and token.endswith('"'):
            words = _words(token[1:-1])
            if words:
                clauses.append(Clause("phrase" if len(words) > 1 else "word", words))
        elif token.endswith("*") and len(WORD_RE.findall(token)) == 1 and len(token.rstrip("*")) >= 2:
            words = _words(token)
            if words and len(words[0]) >= 2:
                clauses.append(Clause("prefix", words))
        else:
            clauses.extend(Clause("word", [w]) for w in _words(token))
        if not clauses:
            or_next = False
            continue
        if negate:
            parsed.excluded.extend(clauses)
        elif or_next and parsed.required:
            parsed.required[-1].extend(clauses[:1])
            parsed.required.extend([c] for c in clauses[1:])
        else:
            parsed.required.extend([c] for c in clauses)
        or_next = False
    _drop_stopwords(parsed)
    return parsed


def _drop_stopwords(parsed: ParsedQuery) -> None:
    def is_stop(group):
        return len(group) == 1 and group[0].kind == "word" and group[0].words[0] in STOPWORDS

    kept = [g for g in parsed.required if not is_stop(g)]
    if kept:
        parsed.required = kept


def _existing(reader, fieldname: str, terms) -> list[str]:
    return [t for t in terms if (fieldname, t) in reader]


def word_query(reader, word: str, boost: float = 1.0) -> wq.Query:
    variants = query_variants(word)
    parts = []
    for fieldname in TEXT_FIELDS:
        for term in _existing(reader, fieldname, variants):
            parts.append(wq.Term(fieldname, term, boost=boost))
    if not parts:
        return wq.NullQuery
    return parts[0] if len(parts) == 1 else wq.Or(parts)


def phrase_query(reader, words: list[str]) -> wq.Query:
    seen = set()
    parts = []
    for lang in (None, *STEMMED_LANGUAGES):
        terms = tuple(term_for(w, lang) for w in words)
        if terms in seen:
            continue
        seen.add(terms)
        for fieldname in TEXT_FIELDS:
            if all((fieldname, t) in reader for t in terms):
                parts.append(wq.Phrase(fieldname, list(terms)))
    if not parts:
        return wq.NullQuery
    return parts[0] if len(parts) == 1 else wq.Or(parts)


def prefix_query(words: list[str]) -> wq.Query:
    """A typed prefix may be longer than the stem it should find ("gradina*" -> "gradin")."""
    return wq.Or([wq.Prefix(fieldname, variant) for variant in query_variants(words[0])
                  for fieldname in TEXT_FIELDS])


def clause_query(reader, clause: Clause) -> wq.Query:
    if clause.kind == "phrase":
        return phrase_query(reader, clause.words)
    if clause.kind == "prefix":
        return prefix_query(clause.words)
    return word_query(reader, clause.words[0])


def fuzzy_clause_query(reader, word: str, candidates) -> wq.Query:
    """Indexed terms close to `word` (the caller finds them: `candidates(word)`)."""
    parts = []
    for term in candidates(word):
        for fieldname in TEXT_FIELDS:
            if (fieldname, term) in reader:
                parts.append(wq.Term(fieldname, term))
    if not parts:
        return wq.NullQuery
    return parts[0] if len(parts) == 1 else wq.Or(parts)


def text_query(reader, parsed: ParsedQuery, fuzzy=None) -> wq.Query | None:
    """The scoring part of the query; None means "everything" (no words given).

    `fuzzy`, if given, maps a word to indexed terms close to it; plain words
    are then matched through those terms instead (the fuzzy retry).
    """
    required = []
    for group in parsed.required:
        if fuzzy:
            alternatives = [fuzzy_clause_query(reader, c.words[0], fuzzy) if c.kind == "word"
                            else clause_query(reader, c) for c in group]
        else:
            alternatives = [clause_query(reader, c) for c in group]
        alternatives = [a for a in alternatives if a is not wq.NullQuery]
        if not alternatives:
            return wq.NullQuery
        required.append(alternatives[0] if len(alternatives) == 1 else wq.Or(alternatives))
    if not required:
        base = None
    else:
        base = required[0] if len(required) == 1 else wq.And(required)
    excluded = [q for q in (clause_query(reader, c) for c in parsed.excluded) if q is not wq.NullQuery]
    if excluded:
        base = wq.AndNot(base if base is not None else wq.Every(), wq.Or(excluded))
    return base


__all__ = ["MAX_QUERY_LENGTH", "ParsedQuery", "QueryTooLong", "clean", "parse", "text_query"]
