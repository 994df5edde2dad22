"""Where student code comes from: a folder, a zip or a notebook (intake), and notebook cells (cells)."""
