"""What the views call, free of request handling: movie cards, catalogue import and queries, a member's
ratings and picks, the visitor page cache, and the per-process recommender."""
