"""Every line the grader shows: terminal screens (rich), notebook HTML, JSON and Gradescope."""
