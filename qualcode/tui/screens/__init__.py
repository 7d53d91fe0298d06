"""The workbench's screens: corpus, coding and codebook."""
