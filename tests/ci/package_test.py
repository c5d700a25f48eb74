#!/usr/bin/env python3
"""The Debian package: `cpack -G DEB` from the build tree, then `dpkg-deb -c`
(contents) and `dpkg-deb -f` (control fields) read it back, and the packaged
binary, unpacked with `dpkg-deb -x`, runs.

Usage: package_test.py --build-dir BUILD
"""
import argparse
import glob
import os
import re
import subprocess
import sys
import tempfile
import unittest

ARGS = None


class DebianPackageTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="perfgate-deb-")
        result = subprocess.run(["cpack", "-G", "DEB", "--config", os.path.join(ARGS.build_dir, "CPackConfig.cmake"),
                                 "-B", cls.tmp.name], capture_output=True, text=True, timeout=300)
        if result.returncode != 0:
            raise AssertionError(f"cpack -G DEB failed:\n{result.stdout}{result.stderr}")
        debs = glob.glob(os.path.join(cls.tmp.name, "*.deb"))
        if len(debs) != 1:
            raise AssertionError(f"expected one .deb in {cls.tmp.name}, found {debs}:\n{result.stdout}")
        cls.deb = debs[0]

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def field(self, name):
        return subprocess.run(["dpkg-deb", "-f", self.deb, name], capture_output=True, text=True,
                              check=True).stdout.strip()

    def test_the_package_holds_the_binary_and_its_documentation_under_usr(self):
        listing = subprocess.run(["dpkg-deb", "-c", self.deb], capture_output=True, text=True, check=True).stdout
        paths = [line.split()[-1] for line in listing.splitlines() if line.strip()]
        self.assertIn("./usr/bin/perfgate", paths)
        self.assertIn("./usr/share/doc/perfgate/perfgate-help.txt", paths)
        self.assertIn("./usr/share/doc/perfgate/deploy.md", paths)
        binary = next(line for line in listing.splitlines() if line.endswith("./usr/bin/perfgate"))
        self.assertTrue(binary.startswith("-rwxr-xr-x"), binary)
        self.assertTrue(all(path.startswith("./usr") or path == "./" for path in paths), paths)

    def test_depends_are_the_debian_runtime_packages_of_the_linked_libraries(self):
        self.assertEqual(self.field("Package"), "perfgate")
        self.assertRegex(self.field("Version"), r"^\d+\.\d+\.\d+")
        depends = self.field("Depends")
        names = {re.split(r"[\s(]", part.strip())[0] for part in depends.split(",")}
        # dpkg-shlibdeps lists the packages of the libraries perfgate links directly
        # (zlib comes in through cpp-httplib's, so it is not among them).
        for package in ("libc6", "libstdc++6", "libsqlite3-0"):
            self.assertIn(package, names, depends)
        self.assertFalse(any(name.endswith("-dev") for name in names), depends)
        for name in names:  # each one a real Debian package, installed here since the build links it
            installed = subprocess.run(["dpkg-query", "-W", "-f", "${Status}", name], capture_output=True, text=True)
            self.assertIn("install ok installed", installed.stdout, name)
        self.assertTrue(self.field("Maintainer"))
        self.assertIn("benchmark", self.field("Description"))

    def test_the_packaged_binary_runs_from_where_it_is_unpacked(self):
        root = os.path.join(self.tmp.name, "root")
        subprocess.run(["dpkg-deb", "-x", self.deb, root], check=True)
        result = subprocess.run([os.path.join(root, "usr", "bin", "perfgate"), "--version"], capture_output=True,
                                text=True, timeout=10)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertRegex(result.stdout, r"^perfgate \d+\.\d+\.\d+ \(commit ")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--build-dir", required=True)
    ARGS, rest = parser.parse_known_args()
    ARGS.build_dir = os.path.abspath(ARGS.build_dir)
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)
