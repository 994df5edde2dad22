"""The one engine: which checks run (jobs), the right answers (oracle, fixtures), comparing and
explaining results (compare, explain), naming known mistakes (diagnose), and the result types
(results, status). It never prints."""
