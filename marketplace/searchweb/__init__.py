"""The search page and the search JSON API (both over search/)."""
