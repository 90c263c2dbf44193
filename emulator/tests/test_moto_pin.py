"""moto is pinned: the extensions refuse any other version at start."""
import unittest

import moto
from support import extensions


class MotoPin(unittest.TestCase):
    def test_installed_moto_is_the_pinned_one(self):
        self.assertEqual(moto.__version__, extensions.PINNED_MOTO)

    def test_another_version_is_refused_with_the_fix(self):
        with self.assertRaises(SystemExit) as ctx:
            extensions.check_moto_version("5.1.0")
        self.assertIn("pip install -r emulator/requirements.txt", str(ctx.exception))


if __name__ == "__main__":
    unittest.main()
