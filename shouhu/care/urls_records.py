"""URLs of the people and records pages (helpers, pairing, wishes, activities, counselling)."""
urlpatterns: list = []
