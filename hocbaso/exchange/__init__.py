"""Exchange with the national repository and across provinces."""
