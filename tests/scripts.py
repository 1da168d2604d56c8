"""Load a script of the repository (not a module of the package) so tests can call its functions."""
import importlib.util


def load_script(path, name=None):
    """The module defined by the Python file ``path`` (a pathlib.Path), executed once."""
    spec = importlib.util.spec_from_file_location(name or path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
