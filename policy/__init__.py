"""Institution rules for resguardo: profiles, business-day calendar and the deadline engine.

Pure code: state and a clock come in, obligations come out. Nothing here opens a
database, reads the clock or imports Textual.
"""
