"""The instructor's verbs: dev build/record/check/new, publish, batch."""
