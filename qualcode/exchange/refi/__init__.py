"""REFI-QDA exchange: .qdc codebooks and .qdpx projects (QDA-XML 1.0), read and written."""
