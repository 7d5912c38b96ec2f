"""Demo data: a Futian-like district. Each domain contributes a seeding step (see `demo.STEPS`)."""
