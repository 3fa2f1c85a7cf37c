"""Demo listings in Italian (Associazione Ponte Cluj) and English (Cluj
Community Tutors). Same shape as data_listings_ro.py."""
from __future__ import annotations

_PONTE = "associazione-ponte-cluj"
_TUTORS = "cluj-community-tutors"
_GIULIA = "ponte@demo.example.org"
_ANA = "tutors@demo.example.org"

LISTINGS_IT_EN: tuple[dict, ...] = (
    # --- Associazione Ponte Cluj (pact "ponte", active) ---
    {
        "title": "Cineforum italiano in Piața Muzeului",
        "group": _PONTE, "pact": "ponte", "author": _GIULIA,
        "kind": "event", "category": "culture", "status": "published",
        "published_days_ago": 19,
        "slots": (("fri", 0, "20:30", 150, 40), ("fri", 1, "20:30", 150, 40),
                  ("fri", 2, "20:30", 150, 40)),
        "description": (
            "Film italiani all'aperto con sottotitoli in romeno. Portate una "
            "coperta: le sedie sono poche!\n\n"
            "- *Nuovo Cinema Paradiso*\n- *La grande bellezza*\n- *Il sorpasso*\n\n"
            "Ingresso libero, prenotazione consigliata."
        ),
    },
    {
        "title": "Corso di conversazione italiana per principianti",
        "group": _PONTE, "pact": "ponte", "author": _GIULIA,
        "kind": "service", "category": "tutoring", "status": "published",
        "published_days_ago": 24, "price_minor": 2500,
        "slots": (("tue", 0, "18:00", 90, 12), ("tue", 1, "18:00", 90, 12),
                  ("tue", 2, "18:00", 90, 12)),
        "description": (
            "Un'ora e mezza di conversazione guidata per chi parte da zero o quasi. "
            "Si parla di cibo, viaggi e vita quotidiana a Cluj.\n\n"
            "Livello A1–A2. **Materiali inclusi.**"
        ),
    },
    {
        "title": "Laboratorio di pasta fresca fatta a mano",
        "group": _PONTE, "pact": "ponte", "author": _GIULIA,
        "kind": "event", "category": "workshop", "status": "published",
        "published_days_ago": 10, "price_minor": 4000, "price_minutes": 60,
        "slots": (("sun", 1, "11:00", 180, 14),),
        "description": (
            "Impariamo a fare tagliatelle, orecchiette e ravioli con farina, uova "
            "e pazienza. Alla fine si mangia tutti insieme.\n\n"
            "Il prezzo copre gli ingredienti; l'ora in banca del tempo va ai volontari."
        ),
    },
    {
        "title": "Serata di lettura: Calvino e Blaga",
        "group": _PONTE, "pact": "ponte", "author": _GIULIA,
        "kind": "event", "category": "culture", "status": "published",
        "published_days_ago": 6, "price_minutes": 60,
        "address": "Strada Universității 7–9, 400091 Cluj-Napoca",
        "latitude": 46.7675, "longitude": 23.5901,
        "slots": (("thu", 1, "19:00", 120, 30),),
        "description": (
            "Letture bilingui da *Le città invisibili* di Italo Calvino e dalle "
            "poesie di Lucian Blaga, con musica dal vivo.\n\n"
            "In caso di pioggia ci spostiamo nella sala al primo piano."
        ),
    },
    {
        "title": "Torte e biscotti della nonna (ricette italo-romene)",
        "group": _PONTE, "pact": "ponte", "author": _GIULIA,
        "kind": "good", "category": "food", "status": "published",
        "published_days_ago": 4, "price_minor": 3000, "stock": 10,
        "description": (
            "Una scatola di cantucci, amaretti e *cornulețe* con la marmellata di "
            "prugne. Fatti in casa dai soci dell'associazione.\n\n"
            "Ritiro in Piața Muzeului durante il cineforum."
        ),
    },
    {
        "title": "Festa italo-română d'estate in piazza",
        "group": _PONTE, "pact": "ponte", "author": _GIULIA,
        "kind": "event", "category": "festival", "status": "published",
        "published_days_ago": 15,
        "slots": (("sat", 5, "17:00", 300, 40),),
        "description": (
            "Musica, tombola, giochi per bambini e un grande tavolo comune: "
            "ognuno porta un piatto della propria tradizione.\n\n"
            "Muzică, jocuri și o masă lungă pentru toată lumea. Intrare liberă."
        ),
    },
    {
        "title": "Orto sociale: raccolta dei pomodori",
        "group": _PONTE, "pact": "orto", "author": _GIULIA,
        "kind": "event", "category": "plants_seeds", "status": "published",
        "published_days_ago": 560,
        "slots": (("sat", -80, "09:00", 180, 20),),
        "description": "Raccolta collettiva e passata di pomodoro per l'inverno.",
    },
    # --- Cluj Community Tutors (pact "tutors", active; listings reviewed) ---
    {
        "title": "Homework club for grades 5–8",
        "group": _TUTORS, "pact": "tutors", "author": _ANA,
        "kind": "service", "category": "tutoring", "status": "published",
        "published_days_ago": 27,
        "slots": (("mon", 0, "16:00", 120, 15), ("wed", 0, "16:00", 120, 15),
                  ("mon", 1, "16:00", 120, 15), ("wed", 1, "16:00", 120, 15)),
        "description": (
            "Free help with homework in maths, Romanian and English, run by "
            "university students. Bring your school books.\n\n"
            "Ajutor gratuit la teme, în română sau engleză."
        ),
    },
    {
        "title": "English conversation evenings",
        "group": _TUTORS, "pact": "tutors", "author": _ANA,
        "kind": "event", "category": "tutoring", "status": "published",
        "published_days_ago": 13, "price_minutes": 60,
        "slots": (("thu", 0, "19:00", 90, 20), ("thu", 1, "19:00", 90, 20)),
        "description": (
            "Relaxed conversation in small tables, each with a native or fluent "
            "speaker. Topics change every week.\n\n"
            "- B1 and above\n- tea and biscuits provided\n\n"
            "Paid in one hour from your time-bank wallet."
        ),
    },
    {
        "title": "Pregătire pentru Evaluarea Națională la matematică",
        "group": _TUTORS, "pact": "tutors", "author": _ANA,
        "kind": "service", "category": "tutoring", "status": "published",
        "published_days_ago": 8, "price_minutes": 90,
        "slots": (("sat", 0, "09:30", 90, 10), ("sat", 1, "09:30", 90, 10)),
        "description": (
            "Grupe mici pentru elevii de clasa a VIII-a: rezolvăm subiecte din anii "
            "trecuți și lucrăm pe greșelile fiecăruia.\n\n"
            "Subiectele oficiale: [edu.ro](https://www.edu.ro/)."
        ),
    },
    {
        "title": "Intro to coding with Scratch (ages 9–12)",
        "group": _TUTORS, "pact": "tutors", "author": _ANA,
        "kind": "event", "category": "workshop", "status": "published",
        "published_days_ago": 5, "price_minor": 2000,
        "slots": (("sat", 1, "12:00", 120, 12), ("sat", 3, "12:00", 120, 12)),
        "description": (
            "Children build their first game in [Scratch](https://scratch.mit.edu/). "
            "Laptops provided; the fee covers snacks and printed cards.\n\n"
            "Workshop in English and Romanian."
        ),
    },
    {
        "title": "Second-hand textbook swap",
        "group": _TUTORS, "pact": "tutors", "author": _ANA,
        "kind": "good", "category": "other", "status": "published",
        "published_days_ago": 17, "stock": 40,
        "description": (
            "Textbooks and workbooks for grades 1–12, donated by families. "
            "Take what you need; bring back what you no longer use."
        ),
    },
    {
        "title": "Weekend football in the school yard",
        "group": _TUTORS, "pact": "tutors", "author": _ANA,
        "kind": "event", "category": "sport", "status": "pending_review",
        "slots": (("sun", 1, "10:00", 120, 22),),
        "description": (
            "Mixed five-a-side games for kids aged 10–14, with a volunteer coach. "
            "Waiting for the city's review."
        ),
    },
)
