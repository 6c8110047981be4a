print("mqtt5-bench: not yet implemented")
