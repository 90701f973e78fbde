"""Read side: one module per read model, holding its tables, its projection and its queries.

Every projection is rebuildable from position 0; see `projections.base`.
"""
