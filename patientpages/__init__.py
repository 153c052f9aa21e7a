"""Patient pages: a static-site generator for trustworthy drug information for patients and families."""
