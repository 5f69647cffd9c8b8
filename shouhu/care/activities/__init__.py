"""Care activities (关爱活动) and the children who took part."""
