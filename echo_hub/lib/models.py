"""No models: this app's tables (the database cache, the page cache's content version) are
made by its migrations. The module exists because Django sends post_migrate only to apps that
have one, and echo_hub.lib.apps listens for its own (pagecache.after_migrate)."""
