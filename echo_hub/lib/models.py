from django.db import models


class ContentVersion(models.Model):
    """A single row (pk 1): the number every cached page's key includes. Every process adds
    one to it after committing a write (echo_hub/lib/pagecache.py), so a page cached before
    the write is never served after it. It lives in the database, not in the cache, so that a
    cache restart or outage cannot bring back an older number."""

    value = models.BigIntegerField()

    class Meta:
        db_table = "echo_content_version"

    def __str__(self) -> str:
        return str(self.value)
