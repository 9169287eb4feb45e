"""The school's pages: review the class, sign in batches, seal and submit."""
