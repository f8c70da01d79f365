"""Tests for what importing the library loads: its rarely used parts wait for their use."""

from collections.abc import Callable
import json
from pathlib import Path
import subprocess
import sys
import zipfile

import pytest

INTEGRATION = Path(__file__).parent.parent.parent / "custom_components" / "flashforge"
READERS = ("xml.etree.ElementTree", "zipfile")

# Imports the library on its own (as the top-level package ``api``, no Home
# Assistant), then reads a file; prints what of READERS each step loaded.
PROGRAM = """
import json, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
readers = json.loads(sys.argv[3])
import api
imported = sorted(set(readers) & set(sys.modules))
tools = api.read_file_tools(Path(sys.argv[2]))
read = sorted(set(readers) & set(sys.modules))
print(json.dumps([imported, read, [tool.material_name for tool in tools]]))
"""


def write_3mf(path: Path) -> Path:
    """Write a 3MF whose slice info names one PLA filament."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            "Metadata/slice_info.config",
            '<config><plate><filament type="PLA" color="#FFFFFF"/></plate></config>',
        )
    return path


def write_gcode(path: Path) -> Path:
    """Write a G-code file whose comments name one PETG filament."""
    path.write_text("; filament_type = PETG\nG28\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("write", "name", "loaded", "materials"),
    [
        (write_gcode, "part.gcode", [], ["PETG"]),
        (write_3mf, "part.3mf", list(READERS), ["PLA"]),
    ],
    ids=["gcode", "3mf"],
)
def test_archive_readers_load_with_the_first_3mf(
    tmp_path: Path,
    write: Callable[[Path], Path],
    name: str,
    loaded: list[str],
    materials: list[str],
) -> None:
    """Importing the library loads no archive or XML reader; reading a 3MF does."""
    path = write(tmp_path / name)
    result = subprocess.run(  # noqa: S603 - our interpreter, our program
        [
            sys.executable,
            "-c",
            PROGRAM,
            str(INTEGRATION),
            str(path),
            json.dumps(READERS),
        ],
        capture_output=True,
        check=True,
        text=True,
    )

    assert json.loads(result.stdout) == [[], loaded, materials]
