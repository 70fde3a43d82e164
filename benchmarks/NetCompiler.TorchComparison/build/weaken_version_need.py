#!/usr/bin/env python3
"""Copy a shared library, marking one symbol version it needs as weak (VER_FLG_WEAK in .gnu.version_r).

Why this exists: TorchSharp 0.107's native shim, libLibTorchSharp.so, was linked against GCC 13's libstdc++ and
so lists GLIBCXX_3.4.32 among the versions it needs. Debian 12 ships GCC 12's libstdc++ (up to GLIBCXX_3.4.30),
so the dynamic loader refuses the shim, and TorchSharp reports that as a missing libtorch package. The only symbol
of that version in the shim is std::ios_base_library_init(), which GCC 13's <iostream> names with a bare `.globl`
directive so that the program gets linked to a libstdc++ that sets up the standard streams itself. Nothing calls
or addresses it: no relocation refers to it. A version need marked weak is one glibc's loader accepts when it is
missing (ldd lists it as "weak version ... not found"), so the patched copy loads on GCC 12's libstdc++ and
behaves exactly as before.

The script does not trust that description: before patching, it checks that every dynamic symbol bound to the
version is undefined and that no relocation (.rela.dyn, .rela.plt) refers to any of them. If a later shim really
uses a symbol of that version, it refuses and exits non-zero, because the library could then fail at run time.

Usage: weaken_version_need.py SOURCE DESTINATION VERSION
SOURCE is only read (it may be NuGet's package cache); DESTINATION is written through a temporary file and a
rename, so a hard link to SOURCE is never modified. Running it again on its own output changes nothing.
Only little-endian ELF64 is handled (linux-x64 is the only platform that needs it).
"""

import os
import struct
import sys

SHT_RELA = 4
SHT_REL = 9
SHT_DYNSYM = 11
SHT_GNU_VERNEED = 0x6FFFFFFE
SHT_GNU_VERSYM = 0x6FFFFFFF
SHN_UNDEF = 0
VER_FLG_WEAK = 0x2
VERSYM_HIDDEN = 0x8000


class ElfError(Exception):
    pass


def read_sections(data):
    """Returns the section headers as dicts; checks the file is a little-endian ELF64."""
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        raise ElfError("not a little-endian ELF64 file")
    e_shoff, = struct.unpack_from("<Q", data, 0x28)
    e_shentsize, e_shnum = struct.unpack_from("<HH", data, 0x3A)
    sections = []
    for i in range(e_shnum):
        name, kind, flags, addr, offset, size, link, info, align, entsize = struct.unpack_from(
            "<IIQQQQIIQQ", data, e_shoff + i * e_shentsize)
        sections.append({"index": i, "type": kind, "offset": offset, "size": size, "link": link,
                         "info": info, "entsize": entsize})
    return sections


def c_string(data, offset):
    end = data.index(b"\0", offset)
    return data[offset:end].decode("ascii", "replace")


def find_version_need(data, verneed, dynstr, version):
    """Walks .gnu.version_r; returns (library, version index, file offset of vna_flags, flags) for VERSION."""
    need_offset = verneed["offset"]
    for _ in range(verneed["info"]):
        # Elf64_Verneed: vn_version, vn_cnt (half); vn_file, vn_aux, vn_next (word)
        _, count, file_name, aux, next_need = struct.unpack_from("<HHIII", data, need_offset)
        aux_offset = need_offset + aux
        for _ in range(count):
            # Elf64_Vernaux: vna_hash (word); vna_flags, vna_other (half); vna_name, vna_next (word)
            _, flags, other, name, next_aux = struct.unpack_from("<IHHII", data, aux_offset)
            if c_string(data, dynstr["offset"] + name) == version:
                return c_string(data, dynstr["offset"] + file_name), other, aux_offset + 4, flags
            aux_offset += next_aux
        if next_need == 0:
            break
        need_offset += next_need
    return None


def symbols_of_version(data, dynsym, versym, dynstr, version_index):
    """Returns {symbol index: (name, section index)} for the dynamic symbols bound to version_index."""
    found = {}
    for i in range(dynsym["size"] // dynsym["entsize"]):
        index, = struct.unpack_from("<H", data, versym["offset"] + 2 * i)
        if index & ~VERSYM_HIDDEN & 0xFFFF != version_index:
            continue
        # Elf64_Sym: st_name (word), st_info, st_other (byte), st_shndx (half), st_value, st_size (xword)
        name, _, _, shndx, _, _ = struct.unpack_from("<IBBHQQ", data, dynsym["offset"] + i * dynsym["entsize"])
        found[i] = (c_string(data, dynstr["offset"] + name), shndx)
    return found


def relocations_against(data, sections, dynsym_index, symbol_indices):
    """Returns the number of relocations, in sections that use .dynsym, that refer to any of symbol_indices."""
    hits = 0
    for section in sections:
        if section["type"] not in (SHT_RELA, SHT_REL) or section["link"] != dynsym_index:
            continue
        entry = section["entsize"] or (24 if section["type"] == SHT_RELA else 16)
        for offset in range(section["offset"], section["offset"] + section["size"], entry):
            r_info, = struct.unpack_from("<Q", data, offset + 8)
            if r_info >> 32 in symbol_indices:
                hits += 1
    return hits


def main(argv):
    if len(argv) != 4:
        sys.stderr.write(__doc__)
        return 2
    source, destination, version = argv[1:]
    with open(source, "rb") as f:
        data = bytearray(f.read())

    sections = read_sections(data)
    by_type = {}
    for section in sections:
        by_type.setdefault(section["type"], section)
    verneed = by_type.get(SHT_GNU_VERNEED)
    dynsym = by_type.get(SHT_DYNSYM)
    versym = by_type.get(SHT_GNU_VERSYM)
    if verneed is None or dynsym is None or versym is None:
        raise ElfError("no .gnu.version_r, .dynsym or .gnu.version section")

    # Step 1: find the version among the versions the library needs.
    found = find_version_need(data, verneed, sections[verneed["link"]], version)
    if found is None:
        print(f"{source}: does not need {version}; copied unchanged")
    else:
        library, version_index, flags_offset, flags = found

        # Step 2: every symbol of that version must be an undefined reference that no relocation uses.
        symbols = symbols_of_version(data, dynsym, versym, sections[dynsym["link"]], version_index)
        defined = [name for name, shndx in symbols.values() if shndx != SHN_UNDEF]
        if defined:
            raise ElfError(f"it defines symbols of {version} ({', '.join(defined)}); not a plain dependency")
        used = relocations_against(data, sections, dynsym["index"], set(symbols))
        names = ", ".join(name for name, _ in symbols.values()) or "none"
        if used:
            raise ElfError(f"{used} relocation(s) refer to its {version} symbols ({names}): the library may call "
                           "them, so the version need cannot be made weak; use a libstdc++ that has it instead")
        print(f"{source}: needs {library} {version} for {len(symbols)} symbol(s): {names}; "
              "none is used by a relocation")

        # Step 3: mark the need weak.
        if flags & VER_FLG_WEAK:
            print(f"{version} is already weak")
        else:
            struct.pack_into("<H", data, flags_offset, flags | VER_FLG_WEAK)
            print(f"marked {version} weak in {destination}")

    temporary = destination + ".tmp"
    with open(temporary, "wb") as f:
        f.write(data)
    os.chmod(temporary, 0o755)
    os.replace(temporary, destination)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except (ElfError, OSError, ValueError, struct.error) as error:
        sys.stderr.write(f"weaken_version_need.py: error: {error}\n")
        sys.exit(1)
