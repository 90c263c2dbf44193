"""Patches applied to moto before its server starts. Each gap is one function, named after the AWS operation."""


def install() -> None:
    pass
