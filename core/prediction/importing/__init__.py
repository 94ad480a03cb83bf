"""Turn a user's fitted estimator into a served form; used by the import command only, never when serving."""
