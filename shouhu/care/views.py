"""Pages of daily care work: my tasks, visits, family contact, care month, visit rules."""
