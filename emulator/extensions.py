"""Loads every emulator extension: each `ext_*.py` module beside this file patches one gap in moto and exposes
`install()`. One module per AWS service keeps each gap's implementation small and reviewable."""
import importlib
import os
import pkgutil

HERE = os.path.dirname(os.path.abspath(__file__))


def install() -> None:
    for info in sorted(pkgutil.iter_modules([HERE]), key=lambda i: i.name):
        if info.name.startswith("ext_"):
            importlib.import_module(info.name).install()
