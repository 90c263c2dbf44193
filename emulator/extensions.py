"""Loads every emulator extension: each `ext_*.py` module beside this file patches one gap in moto and exposes
`install()`. One module per AWS service keeps each gap's implementation small and reviewable."""
import importlib
import os
import pkgutil

HERE = os.path.dirname(os.path.abspath(__file__))
PINNED_MOTO = "5.2.1"  # emulator/requirements.txt


def check_moto_version(found: str) -> None:
    """The extensions patch moto's internals: another moto would fail in ways that look like AWS behaviour."""
    if found != PINNED_MOTO:
        raise SystemExit(f"rootlock emulator: moto {found} is installed but the extensions are written for moto {PINNED_MOTO}; "
                         f"install it with `pip install -r emulator/requirements.txt`")


def install() -> None:
    import moto

    check_moto_version(moto.__version__)
    for info in sorted(pkgutil.iter_modules([HERE]), key=lambda i: i.name):
        if info.name.startswith("ext_"):
            importlib.import_module(info.name).install()
