"""Platform adapters: Slack, Teams and the local console chat."""
