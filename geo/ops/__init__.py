"""Operating the service: backups that restore, health, metrics, request ids, the embedded database's supervisor."""
