"""The coding screen's parts, one per module (as in Harlequin's `components/`).

Each part owns its state and reports what happened by posting a message; the screen only
composes them and routes messages to the widgets. The readers and the editor do their
database work off the UI thread (thread workers, the app's Saver) and never touch widgets.
"""
