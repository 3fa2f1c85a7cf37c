"""A demo city (Cluj-Napoca) for `flask --app marketplace demo load`.

`data.py` and `data_listings_*.py` hold the content as plain dicts and
tuples; `loader.load_demo(session)` writes whatever of it is missing.
"""
