"""Course content, read and validated: manifests (manifest), stubs from references (stubs), rules
checked on the AST (rules), known mistakes (mistakes) and the dataset registry (datasets)."""
