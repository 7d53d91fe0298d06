"""Use cases shared by the CLI and the TUI; they return domain models, never ORM objects."""
