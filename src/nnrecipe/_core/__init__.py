"""What every stage shares: data sources, losses, metrics, task, config, experiment, errors, files."""
