"""What a table becomes: the guide page, interface catalogs, the overview, SQL and file batches."""
