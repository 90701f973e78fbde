"""Infrastructure: settings, event store, chain, projection runners, Kafka, CLI, bootstrap."""
