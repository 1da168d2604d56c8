"""Read the course's tables of published results from datasets/, checked against its manifest.  Introduced in 01.

Every table is a small CSV described in ``datasets/datapackage.json`` (a Frictionless-style
data package): its columns with units, its source (paper and table), its status
(V = checked against the paper, V2 = against a secondary source, D = derived), its row
count and its sha256.  ``load(name)`` refuses a file that disagrees with that description.

After editing a CSV on purpose, refresh the counts and checksums with
``python -m helpers.datasets --refresh`` (or ``make manifest``).

The manifest also describes one text file, the lab's corpus (``read_bytes(name)`` checks and
returns it). In a clone or an editable install the files are read from ``datasets/``; a regular
install (``pip install .``) carries them inside the package as ``helpers/tables/``.
"""
import csv
import hashlib
import io
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

__all__ = ["DATA_DIR", "DatasetError", "Table", "names", "load", "read_bytes", "describe", "manifest",
           "refresh_manifest"]

_PACKAGE_DIR = Path(__file__).resolve().parent
# Where the files may be: inside a regular install, then beside the package in a clone.
DATA_DIRS = (_PACKAGE_DIR / "tables", _PACKAGE_DIR.parent / "datasets")
DATA_DIR = next((d for d in DATA_DIRS if (d / "datapackage.json").is_file()), DATA_DIRS[-1])
MANIFEST = DATA_DIR / "datapackage.json"


class DatasetError(ValueError):
    """A table does not match its description in datapackage.json."""


@dataclass(frozen=True)
class Table:
    """A loaded table: ``table["column"]`` is a 1-D array (float for numbers, NaN where empty).

    name: table name. columns: column names in file order. source, location, status: citation.
    units: dict column -> unit ("" where none).
    """
    name: str
    columns: tuple
    data: dict = field(repr=False)
    source: str
    location: str
    status: str
    units: dict = field(repr=False)

    def __getitem__(self, column):
        if column not in self.data:
            raise KeyError(f"column must be one of {list(self.columns)}, got {column!r}")
        return self.data[column]

    def __len__(self):
        return len(next(iter(self.data.values())))

    def row(self, column, value):
        """The first row whose ``column`` equals ``value``, as a dict column -> value."""
        matches = np.flatnonzero(self[column] == value)
        if matches.size == 0:
            raise KeyError(f"no row of {self.name} has {column} == {value!r}")
        return {c: self.data[c][matches[0]] for c in self.columns}

    @property
    def citation(self):
        """'source, location (status X)' for printing under a figure or table."""
        return f"{self.source}, {self.location} (status {self.status})"

    def to_text(self, columns=None):
        """The table as aligned text (numbers to 6 significant digits), with its source underneath.

        columns: names to show, in order; default all.
        """
        columns = list(self.columns if columns is None else columns)
        for column in columns:
            self[column]  # names an unknown column clearly
        cells = [[_format_cell(self.data[c][i]) for c in columns] for i in range(len(self))]
        widths = [max(len(c), *(len(r[j]) for r in cells)) for j, c in enumerate(columns)]
        lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths)).rstrip()]
        lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip() for r in cells]
        return "\n".join([*lines, f"Source: {self.citation}"])

    def __str__(self):
        return self.to_text()


def _format_cell(value):
    if isinstance(value, float):
        return "" if np.isnan(value) else f"{value:.6g}"
    return str(value)


def manifest():
    """The parsed datapackage.json as a dict.  Introduced in 01."""
    if not MANIFEST.is_file():
        looked = " or ".join(str(d) for d in DATA_DIRS)
        raise DatasetError(f"the course's tables are missing: no datapackage.json in {looked}. Install "
                           "the helpers from a complete clone of the course (pip install . or -e .), "
                           "which ships them")
    return json.loads(MANIFEST.read_text(encoding="utf-8"))


def _resources():
    return {r["name"]: r for r in manifest()["resources"]}


def names():
    """Names of every table (CSV file) in datasets/, sorted.  Introduced in 01."""
    return sorted(name for name, r in _resources().items() if r["format"] == "csv")


def describe(name):
    """The manifest entry of table ``name`` (columns, units, source, status, rows, sha256).  Introduced in 01."""
    resources = _resources()
    if name not in resources:
        raise KeyError(f"name must be one of {sorted(resources)}, got {name!r}")
    return resources[name]


def _sha256(data):
    return hashlib.sha256(data).hexdigest()


def _parse(raw_text, resource):
    reader = csv.reader(io.StringIO(raw_text))
    header = next(reader)
    fields = resource["schema"]["fields"]
    expected = [f["name"] for f in fields]
    if header != expected:
        raise DatasetError(f"{resource['path']}: columns {header} do not match the manifest's {expected}")
    rows = list(reader)
    data = {}
    for j, spec in enumerate(fields):
        column = [r[j] for r in rows]
        if spec["type"] == "number":
            try:
                data[spec["name"]] = np.array([float(v) if v != "" else np.nan for v in column])
            except ValueError as exc:
                raise DatasetError(f"{resource['path']}: column {spec['name']} is not numeric ({exc})") from None
        else:
            data[spec["name"]] = np.array(column, dtype=object)
    return data, len(rows)


def _checked_bytes(resource):
    raw = (DATA_DIR / resource["path"]).read_bytes()
    if _sha256(raw) != resource["hash"].removeprefix("sha256:"):
        raise DatasetError(f"{resource['path']} changed since the manifest was written; if on purpose, "
                           "run `python -m helpers.datasets --refresh`")
    return raw


def read_bytes(name):
    """The bytes of file ``name`` (a table or the corpus) after checking its sha256.  Introduced in 09."""
    return _checked_bytes(describe(name))


def load(name):
    """Load table ``name`` after checking its checksum, columns and row count against the manifest.  Introduced in 01.

    Returns a Table. Raises KeyError for an unknown name, DatasetError for a file that
    disagrees with the manifest.
    """
    resource = describe(name)
    if resource["format"] != "csv":
        raise DatasetError(f"{name} is a {resource['format']} file, not a table: use read_bytes({name!r})")
    raw = _checked_bytes(resource)
    data, n_rows = _parse(raw.decode("utf-8"), resource)
    if n_rows != resource["rows"]:
        raise DatasetError(f"{resource['path']}: {n_rows} rows, manifest says {resource['rows']}")
    units = {f["name"]: f.get("unit", "") for f in resource["schema"]["fields"]}
    return Table(name=name, columns=tuple(data), data=data, source=resource["source"],
                 location=resource["location"], status=resource["status"], units=units)


def refresh_manifest():
    """Recompute rows, bytes and sha256 of each file in datapackage.json (after an edit).  Introduced in 01."""
    package = manifest()
    for resource in package["resources"]:
        raw = (DATA_DIR / resource["path"]).read_bytes()
        if resource["format"] == "csv":
            resource["rows"] = _parse(raw.decode("utf-8"), resource)[1]
        resource.update(bytes=len(raw), hash="sha256:" + _sha256(raw))
    MANIFEST.write_text(json.dumps(package, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    if sys.argv[1:] != ["--refresh"]:
        sys.exit("usage: python -m helpers.datasets --refresh")
    refresh_manifest()
    print(f"refreshed {MANIFEST}")
