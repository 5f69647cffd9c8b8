"""Helpers (帮扶人) with their trainings and volunteer service hours, and their pairing (结对帮扶)
with children: who may register them, who may pair, and what the pairing lets a helper see."""
