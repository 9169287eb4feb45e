"""Students and parents: OpenID Connect login, their own transcripts, share
codes, and the list of every lookup of their transcripts."""
