"""Case forms set per program: a definition (sections of typed fields, and the headings the
hub's recommendations go under) is plain JSON, stored once per version; built-in templates per
specialty are where a program starts. See definition.py for the shape."""
