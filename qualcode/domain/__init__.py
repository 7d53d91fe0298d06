"""Pure domain models and rules; imports nothing else of qualcode."""
