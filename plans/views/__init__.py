"""The plans app's pages, one module per screen group."""
