"""The wording of bitácora entries: pure functions, one module per area.

Each function takes the facts of a change (records, dates, references) and
returns the Spanish sentence the bitácora keeps. The store writes the sentence
it is given inside the change's transaction; it never composes one. Keeping
the words here puts them beside the rules they describe and lets a test read
every sentence without a database.
"""
