"""The demo district: a believable Kabupaten Bogor to show and try the app with.

:func:`matchmaker.demo.district.load_demo` fills an empty database (regions already
loaded) with staff and partner accounts, some 630 KPM households, businesses and village
offices with their offers, matches in every state and a year of graduations. It is
deterministic and safe to run again. The names and texts it draws from live in
:mod:`matchmaker.demo.wordbanks`; every person and business in them is invented.
"""
