"""Counselling (心理辅导): sessions only counsellors read and write; never on the child's page,
in search or in an export."""
