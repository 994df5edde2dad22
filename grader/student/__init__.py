"""The student's verbs: grade and the dashboard, hint, reset, data, watch, notebooks, and progress."""
