"""Home visits: a facilitator notes what she saw and what changed at a household's door."""
