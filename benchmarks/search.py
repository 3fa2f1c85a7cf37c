"""Search benchmark: `python -m benchmarks.search --listings N`.

Generates N multilingual listings (Romanian, Italian, English, Hungarian,
Polish; a Zipf-distributed vocabulary of tens of thousands of word forms per
language built from real stems, inflections and generated words) into a
scratch SQLite database with the project's schema, builds the index with the
project's own search/ code (`search.indexer.rebuild`, the same function as
`flask search rebuild`), then runs a fixed, seeded mix of queries through
`search.service.search` (the function the /search page and API call):

- `and`: two words ANDed, with a category filter (p50_ms, p95_ms); the
  words are taken from a random listing of that category, so every query
  has at least one hit (a zero-hit query would measure the fuzzy retry);
- `facet`: the same queries with facet counts (facet_p95_ms);
- `fuzzy`: a misspelled word: no exact hit, so the fuzzy retry runs (fuzzy_p95_ms);
- `date`: events with an occurrence in the next 14 days, soonest first (date_p95_ms).

Times cover the index side only (ids, stored titles, facets), not loading
the page's rows from SQL. The same queries run against SQLite FTS5
(unicode61, remove_diacritics 2) on the same data in the same run:
fts5_p95_ms (2 words + category), fts5_facet_p95_ms (plus GROUP BY counts).

`cold_facet_p95_ms` repeats the facet queries with the process's posting
cache (search/docsets.py) emptied before each one, untimed, so it shows what
a query costs when none of its words has been read yet. `build_cpu_s` is the
build's CPU time over all its processes and `load_avg` / `build_load_avg`
the 1-minute load average around the timings: the machine is shared, so
read wall times with them. The last line printed is one JSON object.
"""
from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import platform
import random
import resource
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time

from sqlalchemy import create_engine, insert
from sqlalchemy.orm import Session

import models
from models import LISTING_CATEGORIES, Commons, Group, Listing, Pact, Slot

SEED = 20261127
LANG_SHARE = {"ro": 0.35, "it": 0.2, "en": 0.2, "hu": 0.15, "pl": 0.1}
DISTRICTS = ["Centru", "Mănăștur", "Gheorgheni", "Mărăști", "Grigorescu", "Zorilor", "Iris",
             "Someșeni", "Bulgaria", "Andrei Mureșanu", "Bună Ziua", "Dâmbul Rotund"]

STEMS = {
    "ro": ("grădin piaț roș legum compost semin flor copac parc școal bibliotec atelier reparaț bicicl "
           "mobil scaun mas lemn vopsit zid curt vecin cartier comunitat voluntar concert teatru film "
           "dans muzic cart lectur copi bătrân ceai cafe prăjitur pâin brânz miere ouă măr pere prun "
           "cireș căpșun dovlec cartof ceap usturoi ardei vinete castravet salat spanac varz fasol mazăr "
           "plant răsad ghiveci pământ apă irigaț unelt lopat grebl foarfec sap gard banc alee spaț "
           "clădir sal bucătăr masă cin prânz mic dejun festival târg bazar schimb donaț gratuit oră "
           "timp bancă lecț curs meditaț matematic română engleză desen pictur sport fotbal baschet "
           "alergare yoga plimbare tur istori patrimoniu muzeu expoziț fotografi").split(),
    "it": ("giardin orto pomodor verdur compost sem fior alber parc scuol bibliotec laborator "
           "riparazion biciclett mobil sedi tavol legn vernic mur cortil vicin quartier comunit "
           "volontar concert teatr film danz music libr lettur bambin anzian tè caff dolc pan "
           "formaggi miel uov mel per prugn cilieg fragol zucc patat cipoll agli peperon melanzan "
           "cetriol insalat spinac cavol fagiol pisell piant vas terr acqu irrigazion attrezz pal "
           "rastrell forbic zapp recinzion panchin viale spazi edifici sal cucin cen pranz colazion "
           "festa mercat baratt scambi donazion gratuit or temp banc lezion cors ripetizion "
           "matematic italian ingles disegn pittur sport calci basket cors yoga passeggiat gir stori "
           "patrimoni muse mostr fotografi").split(),
    "en": ("garden market tomato vegetable compost seed flower tree park school library workshop "
           "repair bicycle furniture chair table wood paint wall yard neighbour district community "
           "volunteer concert theatre film dance music book reading child elder tea coffee cake bread "
           "cheese honey egg apple pear plum cherry strawberry pumpkin potato onion garlic pepper "
           "aubergine cucumber salad spinach cabbage bean pea plant seedling pot soil water irrigation "
           "tool shovel rake scissors hoe fence bench path space building hall kitchen dinner lunch "
           "breakfast festival fair bazaar swap donation free hour time bank lesson course tutoring "
           "maths english drawing painting sport football basketball running yoga walk tour history "
           "heritage museum exhibition photography").split(),
    "hu": ("kert piac paradicsom zöldség komposzt mag virág fa park iskola könyvtár műhely javítás "
           "kerékpár bútor szék asztal fa festés fal udvar szomszéd kerület közösség önkéntes koncert "
           "színház film tánc zene könyv olvasás gyerek idős tea kávé sütemény kenyér sajt méz tojás "
           "alma körte szilva cseresznye eper tök burgonya hagyma fokhagyma paprika padlizsán uborka "
           "saláta spenót káposzta bab borsó növény palánta cserép föld víz öntözés szerszám lapát "
           "gereblye olló kapa kerítés pad sétány tér épület terem konyha vacsora ebéd reggeli "
           "fesztivál vásár bazár csere adomány ingyenes óra idő bank lecke tanfolyam korrepetálás "
           "matematika angol rajz festészet sport foci kosárlabda futás jóga séta túra történelem "
           "örökség múzeum kiállítás fényképezés").split(),
    "pl": ("ogród targ pomidor warzyw kompost nasion kwiat drzew park szkoł bibliotek warsztat "
           "naprawa rower mebl krzesł stół drewn malowani ścian podwórk sąsiad dzielnic społeczność "
           "wolontariusz koncert teatr film taniec muzyk książk czytani dzieck senior herbat kaw "
           "ciast chleb ser miód jajk jabłk grusz śliwk wiśni truskawk dyni ziemniak cebul czosnek "
           "papryk bakłażan ogórek sałat szpinak kapust fasol groch rośli sadzonk doniczk ziemi wod "
           "nawadniani narzędzi łopat grabi nożyc motyk płot ławk alejk przestrzeń budynek sal kuchni "
           "kolacj obiad śniadani festyn jarmark bazar wymian darowizn bezpłatn godzin czas bank lekcj "
           "kurs korepetycj matematyk angielsk rysunek malarstw sport piłk koszykówk bieg jog spacer "
           "wycieczk histori dziedzictw muzeum wystaw fotografi Łódź łąka").split(),
}
SUFFIXES = {
    "ro": ["", "a", "ă", "ul", "ului", "ele", "ilor", "uri", "e", "i", "ii", "ește", "are", "ație"],
    "it": ["o", "i", "a", "e", "etto", "ini", "one", "are", "ato", "ando", "ità", "ismo"],
    "en": ["", "s", "ing", "ed", "er", "ers", "ful", "ness", "ly", "able"],
    "hu": ["", "ok", "ban", "ben", "nak", "nek", "ról", "ről", "val", "vel", "ért", "hoz", "ság", "ség"],
    "pl": ["", "a", "y", "ów", "ami", "ach", "em", "om", "ie", "u", "ą", "ę"],
}
FUNCTION = {
    "ro": "și de la cu pentru din în un o care este pe sau al".split(),
    "it": "e di il la per con che un una nel della del gli le".split(),
    "en": "the and of for with to in a is on from our".split(),
    "hu": "és a az egy hogy nem van meg is minden vagy mint".split(),
    "pl": "i w z na się do nie jest dla oraz że przez".split(),
}
SYLLABLES = {
    "ro": "ba ce di fă gu hi jo ca ma ne pi ră sa ța vu zo șe tâ bi ro".split(),
    "it": "ba ce di fa gu li mo na pe ri sa ta vu zo chi gli sce tto".split(),
    "en": "ba co di fa gu li mo na pe ri sa ta vu zo th sh ck ng".split(),
    "hu": "ba cö di fá gu li mö na pé ri sza ta vü zo gy ny ő ű".split(),
    "pl": "ba cz di fa gu li mo na pę rz sz ta wu zo ść ży ło ń".split(),
}


def vocabulary(lang: str, rng: random.Random, size: int) -> list[str]:
    """Real stems x inflections first (frequent), then generated words (the long tail)."""
    words = list(dict.fromkeys(stem + suffix for stem in STEMS[lang] for suffix in SUFFIXES[lang]))
    rng.shuffle(words)
    seen = set(words)
    while len(words) < size:
        word = "".join(rng.choice(SYLLABLES[lang]) for _ in range(rng.randint(2, 4)))
        word += rng.choice(SUFFIXES[lang])
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


class Zipf:
    def __init__(self, words: list[str], s: float = 1.07):
        self.words = words
        weights = [1.0 / (rank ** s) for rank in range(1, len(words) + 1)]
        self.cum = list(itertools.accumulate(weights))

    def sample(self, rng: random.Random, k: int) -> list[str]:
        return rng.choices(self.words, cum_weights=self.cum, k=k)

    def band(self, rng: random.Random, low: int, high: int) -> str:
        return self.words[rng.randint(low, min(high, len(self.words) - 1))]


def text(rng, lang, zipf, n_words):
    words = zipf.sample(rng, n_words)
    out = []
    for word in words:
        out.append(word)
        if rng.random() < 0.25:
            out.append(rng.choice(FUNCTION[lang]))
    return " ".join(out)


def populate(url: str, n: int, rng: random.Random, zipfs: dict, n_queries: int) -> list:
    """Write the data; return (two words, category) query pairs taken from
    random published listings, as a resident would type them."""
    engine = create_engine(url)
    models.Base.metadata.create_all(engine)
    today = dt.date.today()
    now = dt.datetime.now(dt.UTC)
    langs, shares = zip(*LANG_SHARE.items(), strict=True)
    with Session(engine) as session:
        n_commons, n_groups = max(20, n // 500), max(30, n // 200)
        n_pacts = max(40, n // 100)
        session.execute(insert(Commons), [
            {"id": i + 1, "name": f"Commons {i}", "kind": "green_area", "description": "", "address": "",
             "district": DISTRICTS[i % len(DISTRICTS)], "latitude": 46.77 + rng.uniform(-0.05, 0.05),
             "longitude": 23.59 + rng.uniform(-0.07, 0.07), "created_at": now, "updated_at": now}
            for i in range(n_commons)])
        session.execute(insert(Group), [
            {"id": i + 1, "name": f"Grupul {i} {rng.choice(STEMS['ro'])}", "slug": f"g{i}", "description": "",
             "listings_need_review": False, "created_at": now, "updated_at": now} for i in range(n_groups)])
        session.execute(insert(Pact), [
            {"id": i + 1, "title": f"Pact {i}", "commons_id": rng.randint(1, n_commons), "kind": "ordinary",
             "city_office": "", "aims": "", "activities": "", "group_commitments": "", "city_commitments": "",
             "start_date": today - dt.timedelta(days=200),
             "end_date": today + dt.timedelta(days=rng.randint(-30, 700)), "status": "active",
             "status_reason": "", "created_at": now, "updated_at": now} for i in range(n_pacts)])
        rows, slots, pairs = [], [], []
        sample = set(rng.sample(range(1, n + 1), min(n, n_queries * 2)))
        for i in range(1, n + 1):
            lang = rng.choices(langs, weights=shares)[0]
            zipf = zipfs[lang]
            kind = rng.choices(("good", "service", "event"), weights=(0.45, 0.25, 0.3))[0]
            pricing = rng.random()
            rows.append({
                "id": i, "kind": kind, "title": text(rng, lang, zipf, rng.randint(3, 7)).capitalize(),
                "description": text(rng, lang, zipf, rng.randint(30, 70)),
                "category": rng.choice(LISTING_CATEGORIES), "group_id": rng.randint(1, n_groups),
                "pact_id": rng.randint(1, n_pacts), "created_by_id": None,
                "status": "published" if rng.random() < 0.95 else "draft", "status_reason": "",
                "price_minor": rng.randint(500, 20000) if 0.5 < pricing < 0.85 else None,
                "currency": "RON", "price_minutes": rng.choice((30, 60, 90, 120)) if pricing > 0.75 else None,
                "latitude": None, "longitude": None,
                "published_at": now - dt.timedelta(days=rng.randint(0, 365)),
                "created_at": now, "updated_at": now,
            })
            row = rows[-1]
            if i in sample and row["status"] == "published" and len(pairs) < n_queries:
                words = [w for w in row["description"].split() if w not in FUNCTION[lang]]
                pairs.append((rng.sample(sorted(set(words)), 2), row["category"]))
            if kind != "good":
                for _ in range(rng.randint(1, 3)):
                    start = now + dt.timedelta(days=rng.randint(0, 90), hours=rng.randint(8, 20))
                    slots.append({"listing_id": i, "starts_at": start, "ends_at": start + dt.timedelta(hours=2),
                                  "capacity": 20, "reserved": 0})
            if len(rows) >= 5000:
                session.execute(insert(Listing), rows)
                rows = []
        if rows:
            session.execute(insert(Listing), rows)
        for start in range(0, len(slots), 5000):
            session.execute(insert(Slot), slots[start:start + 5000])
        session.commit()
    engine.dispose()
    return pairs


def percentile(values, p):
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def timed(fn, items, warmup=10, before=None):
    """Milliseconds per item; the first `warmup` items run once untimed first.
    `before(item)` runs outside the timed region (e.g. to empty a cache)."""
    for item in items[:warmup]:
        fn(item)
    out = []
    for item in items:
        if before is not None:
            before(item)
        started = time.perf_counter()
        fn(item)
        out.append((time.perf_counter() - started) * 1000)
    return out


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (the rebuild's workers)."""
    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def misspell(rng, word):
    i = rng.randint(1, max(1, len(word) - 2))
    return word[:i] + rng.choice("aeiouxz") + word[i + 1:]


def build_fts(db_path: str) -> sqlite3.Connection:
    conn = sqlite3.connect(db_path)
    conn.executescript("""
        CREATE VIRTUAL TABLE listings_fts USING fts5(title, body, category UNINDEXED, kind UNINDEXED,
            tokenize = "unicode61 remove_diacritics 2");
        INSERT INTO listings_fts(rowid, title, body, category, kind)
            SELECT l.id, l.title, l.description || ' ' || g.name, l.category, l.kind
            FROM listings l JOIN groups g ON g.id = l.group_id WHERE l.status = 'published';
    """)
    conn.commit()
    return conn


def fts_words(words):
    return " AND ".join('"' + w.replace('"', "") + '"' for w in words)


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listings", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--procs", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--keep", help="keep the scratch directory here")
    args = parser.parse_args(argv)

    from search.engine import get_handle
    from search.indexer import rebuild
    from search.service import SearchParams, search

    rng = random.Random(SEED)
    workdir = args.keep or tempfile.mkdtemp(prefix="search-bench-")
    os.makedirs(workdir, exist_ok=True)
    db_path = os.path.join(workdir, "bench.db")
    index_path = os.path.join(workdir, "index")
    for path in (db_path,):
        if os.path.exists(path):
            os.remove(path)
    shutil.rmtree(index_path, ignore_errors=True)
    url = f"sqlite:///{db_path}"
    zipfs = {lang: Zipf(vocabulary(lang, rng, 30_000)) for lang in LANG_SHARE}

    started = time.perf_counter()
    pairs = populate(url, args.listings, rng, zipfs, args.queries)
    populate_s = time.perf_counter() - started
    print(f"populated {args.listings} listings in {populate_s:.1f}s", file=sys.stderr)

    engine = create_engine(url)
    cpu_before = cpu_seconds()
    load_build = os.getloadavg()[0]
    started = time.perf_counter()
    count = rebuild(lambda: Session(engine), index_path, procs=args.procs)
    build_s = time.perf_counter() - started
    build_cpu_s = cpu_seconds() - cpu_before
    index_mb = sum(os.path.getsize(os.path.join(index_path, f)) for f in os.listdir(index_path)) / 2**20
    print(f"indexed {count} documents in {build_s:.1f}s ({index_mb:.1f} MB)", file=sys.stderr)

    handle = get_handle(index_path)
    handle.searcher()
    load_before = os.getloadavg()
    qrng = random.Random(SEED + 1)
    fuzzy_words = [misspell(qrng, words[0]) for words, _category in pairs[: args.queries // 2]]
    today = dt.date.today()

    def run(words, category, facets):
        return search(handle, SearchParams(q=" ".join(words), category=category, facets=facets, per_page=20))

    hits = []
    and_ms = timed(lambda p: hits.append(run(p[0], p[1], False).total), pairs)
    facet_ms = timed(lambda p: run(p[0], p[1], True), pairs)
    # The same facet queries with the process's posting cache emptied before
    # each one (search/docsets.py): what a query costs when none of its terms
    # has been read since the searcher opened (column caches stay warm).
    cold_ms = timed(lambda p: run(p[0], p[1], True), pairs, before=lambda _p: handle.postings.clear())
    fuzzy_ms = timed(lambda w: search(handle, SearchParams(q=w, facets=True)), fuzzy_words)
    date_ms = timed(lambda _: search(handle, SearchParams(kind="event", date_from=today,
                                                          date_to=today + dt.timedelta(days=14),
                                                          sort="soonest", facets=True)), list(range(50)))
    conn = build_fts(db_path)

    def fts(pair, facets):
        words, category = pair
        match = fts_words(words)
        conn.execute("SELECT rowid FROM listings_fts WHERE listings_fts MATCH ? AND category = ? "
                     "ORDER BY rank LIMIT 20", (match, category)).fetchall()
        conn.execute("SELECT count(*) FROM listings_fts WHERE listings_fts MATCH ? AND category = ?",
                     (match, category)).fetchone()
        if facets:
            for column in ("kind", "category"):
                conn.execute(f"SELECT {column}, count(*) FROM listings_fts WHERE listings_fts MATCH ? "
                             f"AND category = ? GROUP BY {column}", (match, category)).fetchall()

    fts_ms = timed(lambda p: fts(p, False), pairs)
    fts_facet_ms = timed(lambda p: fts(p, True), pairs)
    conn.close()
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    result = {
        "listings": args.listings,
        "documents": count,
        "build_s": round(build_s, 1),
        # CPU seconds of the build, all processes: on a shared machine the
        # wall time above depends on the load; this does much less.
        "build_cpu_s": round(build_cpu_s, 1),
        "build_load_avg": round(load_build, 2),
        "procs": args.procs,
        "index_mb": round(index_mb, 1),
        "p50_ms": round(statistics.median(and_ms), 2),
        "p95_ms": round(percentile(and_ms, 95), 2),
        "facet_p50_ms": round(statistics.median(facet_ms), 2),
        "facet_p95_ms": round(percentile(facet_ms, 95), 2),
        "cold_facet_p95_ms": round(percentile(cold_ms, 95), 2),
        "fuzzy_p95_ms": round(percentile(fuzzy_ms, 95), 2),
        "date_p95_ms": round(percentile(date_ms, 95), 2),
        "fts5_p50_ms": round(statistics.median(fts_ms), 2),
        "fts5_p95_ms": round(percentile(fts_ms, 95), 2),
        "fts5_facet_p95_ms": round(percentile(fts_facet_ms, 95), 2),
        "median_hits": statistics.median(hits) if hits else 0,
        "queries": len(pairs),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "cpus": os.cpu_count(),
        # 1-minute load average when the queries started and when they ended.
        "load_avg": [round(load_before[0], 2), round(os.getloadavg()[0], 2)],
        "date": dt.date.today().isoformat(),
    }
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
