"""Scenarios loaded through the application's commands (never by writing rows).

`tianqiao` is the demo: the district of the seed report. Each area adds a step module
here and appends it to STEPS in `tianqiao.py`.
"""
