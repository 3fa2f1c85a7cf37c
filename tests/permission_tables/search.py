from tests.permission_tables import Row, everyone

# Search is public: every role gets the same answer (only public listings).
ROWS = [
    Row("GET", "search.index", lambda w: "/search?q=rosii", everyone(200)),
    Row("GET", "search_api.api_search", lambda w: "/api/v1/search?q=rosii&category=food", everyone(200)),
    Row("GET", "search_api.api_suggest", lambda w: "/api/v1/search/suggest?q=ro", everyone(200)),
]
