#!/usr/bin/env python3
"""cmake/EmbedFiles.cmake, the generator of the dashboard compiled into perfgate:
a directory of files (text, every byte value, empty, nested) goes in, the C++
source comes out, and a program compiled from that source writes back exactly
the same bytes, paths and SHA-256s. An unchanged input leaves the source alone
(no recompilation); no index.html gives an empty table. And a configured build
with -DPERFGATE_WEB_DIST=DIR embeds DIR.

Usage: embed_test.py --source-dir SOURCE [--cxx COMPILER]
"""
import argparse
import hashlib
import os
import subprocess
import sys
import tempfile
import unittest

ARGS = None

DUMP = r'''
#include <cstdio>
#include <fstream>
#include <string>
#include "embedded_dashboard.hpp"
int main(int argc, char** argv) {
  for (const auto& file : perfgate::server::EmbeddedDashboard()) {
    std::string name(file.path);
    for (char& c : name) if (c == '/') c = '|';
    std::ofstream(std::string(argv[1]) + "/" + name, std::ios::binary).write(file.data.data(),
        static_cast<std::streamsize>(file.data.size()));
    std::printf("%.*s %.*s\n", static_cast<int>(file.path.size()), file.path.data(),
                static_cast<int>(file.sha256.size()), file.sha256.data());
  }
  return argc == 2 ? 0 : 1;
}
'''


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as out:
        out.write(data)


class EmbedFilesTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="perfgate-embed-")
        self.dist = os.path.join(self.tmp.name, "dist")
        self.files = {
            "index.html": b"<!doctype html><title>perfgate</title>\n",
            "assets/index-1a2b.js": b"console.log('\\x41 \"quoted\" \\\\ ?? trigraph??=');\n" * 50,
            "assets/bytes.bin": bytes(range(256)) * 3,
            "assets/empty.txt": b"",
            "deep/er/page.html": "ünïcödé ✓".encode(),
        }
        for path, data in self.files.items():
            write(os.path.join(self.dist, path), data)
        self.output = os.path.join(self.tmp.name, "embedded_dashboard.cpp")

    def tearDown(self):
        self.tmp.cleanup()

    def generate(self, dist):
        result = subprocess.run(["cmake", f"-DDIST_DIR={dist}", f"-DOUTPUT={self.output}", "-P",
                                 os.path.join(ARGS.source_dir, "cmake", "EmbedFiles.cmake")],
                                capture_output=True, text=True, timeout=60)
        self.assertEqual(result.returncode, 0, result.stderr)

    def compile_and_dump(self):
        main = os.path.join(self.tmp.name, "dump.cpp")
        with open(main, "w", encoding="utf-8") as out:
            out.write(DUMP)
        program = os.path.join(self.tmp.name, "dump")
        compiled = subprocess.run([ARGS.cxx, "-std=c++20", "-Wall", "-Wextra", "-Werror", "-I",
                                   os.path.join(ARGS.source_dir, "server", "src"), main, self.output, "-o", program],
                                  capture_output=True, text=True, timeout=120)
        self.assertEqual(compiled.returncode, 0, compiled.stderr)
        out_dir = os.path.join(self.tmp.name, "out")
        os.makedirs(out_dir)
        listing = subprocess.run([program, out_dir], capture_output=True, text=True, check=True).stdout
        return out_dir, dict(line.split(" ") for line in listing.splitlines())

    def test_every_file_comes_back_byte_for_byte_with_its_path_and_sha256(self):
        self.generate(self.dist)
        out_dir, table = self.compile_and_dump()
        self.assertEqual(sorted(table), sorted(self.files))
        for path, data in self.files.items():
            self.assertEqual(table[path], hashlib.sha256(data).hexdigest(), path)
            with open(os.path.join(out_dir, path.replace("/", "|")), "rb") as dumped:
                self.assertEqual(dumped.read(), data, path)

    def test_an_unchanged_dashboard_leaves_the_source_untouched(self):
        self.generate(self.dist)
        before = os.stat(self.output).st_mtime_ns
        os.utime(self.output, ns=(before - 10**9, before - 10**9))
        self.generate(self.dist)
        self.assertEqual(os.stat(self.output).st_mtime_ns, before - 10**9)
        write(os.path.join(self.dist, "index.html"), b"<!doctype html><title>changed</title>")
        self.generate(self.dist)
        self.assertNotEqual(os.stat(self.output).st_mtime_ns, before - 10**9)

    def test_without_an_index_the_table_is_empty(self):
        os.remove(os.path.join(self.dist, "index.html"))
        self.generate(self.dist)
        _, table = self.compile_and_dump()
        self.assertEqual(table, {})


    def test_perfgate_web_dist_makes_the_build_embed_that_directory(self):
        build = os.path.join(self.tmp.name, "build")
        configure = subprocess.run(["cmake", "-S", ARGS.source_dir, "-B", build, "-G", "Ninja",
                                    f"-DPERFGATE_WEB_DIST={self.dist}", "-DPERFGATE_BUILD_TESTS=OFF",
                                    "-DPERFGATE_BUILD_BENCHES=OFF"], capture_output=True, text=True, timeout=120)
        self.assertEqual(configure.returncode, 0, configure.stderr)
        self.assertIn(f"embedding the dashboard: the built dashboard in {self.dist}", configure.stdout)
        built = subprocess.run(["cmake", "--build", build, "--target", "perfgate_embedded_dashboard"],
                               capture_output=True, text=True, timeout=120)
        self.assertEqual(built.returncode, 0, built.stdout + built.stderr)
        with open(os.path.join(build, "generated", "embedded_dashboard.cpp"), encoding="utf-8") as generated:
            self.assertEqual(generated.readline().strip(),
                             f"// Generated by cmake/EmbedFiles.cmake from {self.dist} ({len(self.files)} files). Do not edit.")

if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--source-dir", required=True)
    parser.add_argument("--cxx", default="c++")
    ARGS, rest = parser.parse_known_args()
    ARGS.source_dir = os.path.abspath(ARGS.source_dir)
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)
