"""Tweets: where they come from (``sources``) and the shape every source returns (``types``)."""
