"""The command line (``normalise run``, ``export``, ``models``): it turns options into
:class:`~normalise.settings.Settings`, calls the library and prints; no work happens here.
The entry point is :func:`normalise.cli.app.main`."""
