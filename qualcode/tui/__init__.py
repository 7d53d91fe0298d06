"""The Textual coding workbench; it talks only to qualcode.services."""
