"""How dates and times read in each language (settings.FORMAT_MODULE_PATH), on top of Django's
own formats: the names below are ECHO Hub's, used by echo_hub.lib.timefmt."""
