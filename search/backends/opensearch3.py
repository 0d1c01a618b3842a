"""Wagtail's `opensearch3` backend with French analysis (see `search.backends`)."""

import importlib.machinery
import importlib.util
import sys
import sysconfig


def import_opensearchpy() -> None:
    """Import opensearch-py, whose metrics module does ``from events import Events`` (the PyPI ``Events``
    package): the portal's own ``events`` app shadows that name, so lend the library its module meanwhile."""
    if "opensearchpy" in sys.modules:
        return
    spec = importlib.machinery.PathFinder.find_spec("events", [sysconfig.get_paths()["purelib"]])
    if spec is None:
        return
    app_modules = {name: module for name, module in sys.modules.items() if name.split(".")[0] == "events"}
    for name in app_modules:
        del sys.modules[name]
    library_events = importlib.util.module_from_spec(spec)
    sys.modules["events"] = library_events
    try:
        spec.loader.exec_module(library_events)
        import opensearchpy  # noqa: F401
    finally:
        for name in [name for name in sys.modules if name.split(".")[0] == "events"]:
            del sys.modules[name]
        sys.modules.update(app_modules)


import_opensearchpy()

from modelsearch.backends import opensearch3  # noqa: E402

from search.backends import french_backend  # noqa: E402

SearchBackend = french_backend(opensearch3)
