"""Commands behind make: renumber, diagrams, audit."""
