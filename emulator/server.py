"""moto_server with rootlock's emulator extensions: the smallest faithful implementations of the AWS operations
this moto version lacks (see emulator/README.md). Test harness only: the product never knows it runs against this.

Usage: python3 emulator/server.py -p PORT
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import extensions  # noqa: E402  (patches moto's backends before the server starts)
from moto.server import main  # noqa: E402

if __name__ == "__main__":
    extensions.install()
    main()
