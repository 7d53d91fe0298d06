"""Modal screens that return a result: prompts, pickers and the memo editor."""
