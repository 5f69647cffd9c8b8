"""Visits (走访/家访) with their photos, and family contact (亲情联系) between a child and the
parents: the records that drive the visit and contact due dates."""
