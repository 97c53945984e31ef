# bob
