"""The scenarios (Locust files): race and mix, the race plan, and the client calls they record."""
