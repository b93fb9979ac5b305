#!/usr/bin/env python3
"""Lets TorchSharp's native library load on a system libstdc++ older than the one it was linked against.

TorchSharp 0.107.0's libLibTorchSharp.so asks for GLIBCXX_3.4.32 (GCC 13), which Debian 12's libstdc++ (GCC 12) lacks,
so the dynamic loader refuses it. The one symbol of that version, std::ios_base_library_init, is a bare reference
that GCC 13's <iostream> emits to pull in the library's stream initialisation; no relocation binds it, so nothing
ever calls it. This script marks each required libstdc++ version that the system library does not define as weak
(VER_FLG_WEAK in its Vernaux entry): ld.so then accepts the missing version. It refuses when a relocation does bind a
symbol of a missing version (then the library would really need it), and does nothing when every version is there.

Usage: weak-glibcxx.py LIBRARY [SYSTEM_LIBSTDCXX]   (patches LIBRARY in place; run it on a copy, never on the NuGet cache)
"""

import struct
import subprocess
import sys

SHT_RELA, SHT_DYNSYM = 4, 11
SHT_GNU_VERDEF, SHT_GNU_VERNEED, SHT_GNU_VERSYM = 0x6FFFFFFD, 0x6FFFFFFE, 0x6FFFFFFF
VER_FLG_WEAK = 0x2


def sections(data):
    """(type, offset, size, link, info, entsize) of every section of a little-endian ELF64 file."""
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        sys.exit("weak-glibcxx: not a little-endian ELF64 file")
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    result = []
    for i in range(shnum):
        _, kind, _, _, offset, size, link, info, _, entsize = struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize)
        result.append((kind, offset, size, link, info, entsize))
    return result


def string(data, table_offset, at):
    end = data.index(b"\0", table_offset + at)
    return data[table_offset + at:end].decode()


def version_records(data, secs, kind, layout):
    """(offset, fields, string table offset) of every record of the version sections of one kind (Verdef or Verneed
    chains); the last field of layout is the offset from a record to the next."""
    for section_kind, offset, _, link, count, _ in secs:
        if section_kind == kind:
            at = offset
            for _ in range(count):
                fields = struct.unpack_from(layout, data, at)
                yield at, fields, secs[link][1]
                at += fields[-1]


def defined_versions(path):
    """The version names a shared library defines (its Verdef entries)."""
    data = open(path, "rb").read()
    return {string(data, strtab, struct.unpack_from("<I", data, at + aux)[0])
            for at, (_, _, _, _, _, aux, _), strtab in version_records(data, sections(data), SHT_GNU_VERDEF, "<HHHHIII")}


def bound_version_indices(data, secs):
    """Version indices of the symbols that dynamic relocations refer to."""
    versym = next((offset for kind, offset, *_ in secs if kind == SHT_GNU_VERSYM), None)
    indices = set()
    for kind, offset, size, link, _, entsize in secs:
        if kind != SHT_RELA or secs[link][0] != SHT_DYNSYM or versym is None:
            continue
        for at in range(offset, offset + size, entsize):
            symbol = struct.unpack_from("<Q", data, at + 8)[0] >> 32
            if symbol:
                indices.add(struct.unpack_from("<H", data, versym + 2 * symbol)[0] & 0x7FFF)
    return indices


def system_libstdcxx():
    for line in subprocess.run(["ldconfig", "-p"], capture_output=True, text=True, check=False).stdout.splitlines():
        if "libstdc++.so.6 " in line and "x86-64" in line:
            return line.split("=>")[1].strip()
    sys.exit("weak-glibcxx: no libstdc++.so.6 in ldconfig -p; pass its path as the second argument")


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__.strip().splitlines()[-1])
    library = sys.argv[1]
    available = defined_versions(sys.argv[2] if len(sys.argv) == 3 else system_libstdcxx())
    data = bytearray(open(library, "rb").read())
    secs = sections(data)
    bound = bound_version_indices(data, secs)
    patched = []
    for at, (_, entries, file_name, aux, _), strtab in version_records(data, secs, SHT_GNU_VERNEED, "<HHIII"):
        if string(data, strtab, file_name) != "libstdc++.so.6":
            continue
        entry = at + aux
        for _ in range(entries):
            _, flags, index, name, following = struct.unpack_from("<IHHII", data, entry)
            version = string(data, strtab, name)
            if version not in available and not flags & VER_FLG_WEAK:
                if index in bound:
                    sys.exit(f"weak-glibcxx: {library} binds a symbol of {version}, which this libstdc++ lacks: cannot patch")
                struct.pack_into("<H", data, entry + 4, flags | VER_FLG_WEAK)
                patched.append(version)
            entry += following
    if patched:
        open(library, "wb").write(data)
        print(f"weak-glibcxx: marked {', '.join(patched)} weak in {library}")
    else:
        print(f"weak-glibcxx: {library} requires no libstdc++ version that is both missing here and not yet weak; unchanged")


main()
