"""The progress column's pages, one module per screen group; each ends with its URLs."""
