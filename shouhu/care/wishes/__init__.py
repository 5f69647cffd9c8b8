"""Micro-wishes (微心愿): a child's small wish, registered, claimed by a donor, fulfilled or cancelled."""
