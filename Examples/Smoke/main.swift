print("mqtt5-smoke: not yet implemented")
