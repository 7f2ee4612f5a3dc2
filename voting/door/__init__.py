"""Door to door (上门动员): building heads (楼长) with the non-voters of their buildings and the
visits they record."""
