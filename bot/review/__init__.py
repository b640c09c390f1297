"""Care-team review console over Rasa's SQL tracker store.

The console reads Rasa's ``events`` table and never writes to it; everything the
care team adds (tags, notes, review status, users, sessions, audit log) and the
search index it keeps for fast filtering live in its own ``console_*`` tables in
the same database, so one backup and one retention run cover both.
"""
