print("rrgen: not yet implemented")
