"""Write side: aggregates, their events, rules and the command-handling application.

Pure Python: nothing here imports Flask, SQLAlchemy, Kafka or any database driver.
"""
