"""The milestones app's pages, one module per screen group; each ends with its URLs."""
