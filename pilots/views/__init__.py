"""The pilots app's pages: the inbox. The programme's other screens are built on
the floors above."""
