"""Pages of the competencies feature, one module per area."""
