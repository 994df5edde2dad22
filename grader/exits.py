"""Exit statuses, for every verb: 0 all passed, 1 something failed, 2 usage or content error."""
EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED = 130
