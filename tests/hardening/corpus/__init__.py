"""The hardening corpus: generated mutations of params, data, imports and CLI arguments.

Each family module builds seeded, readably named :class:`~tests.hardening.corpus.outcome.Case`
objects; ``tests/hardening/test_corpus.py`` runs them against one clean baseline and requires
every case to end in exactly one outcome of the money rule (see ``docs/reliability.md``).
"""
