"""The care month (关爱保护月): campaigns and their progress on the six measures, per child
(`CampaignMark`) and per village (`CampaignCell`), the latter two maintained by `care.dues`."""
