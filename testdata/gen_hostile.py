"""Writes testdata/hostile/: tiny files that try to make tl-run write outside its target, drive
the terminal, refuse what NumPy refuses, or stop a deflate bomb. Deterministic: fixed bytes,
fixed zip timestamps, no randomness. Run: python3 testdata/gen_hostile.py"""

import io
import os
import struct
import zipfile
import zlib

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "hostile")
DATE = (2024, 1, 1, 0, 0, 0)


def npy(array):
    buf = io.BytesIO()
    np.save(buf, array)
    return buf.getvalue()


def raw_npy(header, data=b"", major=1):
    h = header.encode("latin1")
    fmt = "<H" if major == 1 else "<I"
    return b"\x93NUMPY" + bytes([major, 0]) + struct.pack(fmt, len(h)) + h + data


def archive(name, members, method=zipfile.ZIP_STORED):
    """members: (name, bytes); written with fixed dates so the bytes never change."""
    with zipfile.ZipFile(os.path.join(OUT, name), "w", method) as z:
        for member, data in members:
            info = zipfile.ZipInfo(member, date_time=DATE)
            info.compress_type = method
            z.writestr(info, data)


def replace_in_names(path, old, new):
    """Patches a byte of every copy of a member name (local and central headers): zipfile
    cuts names at NUL, so a NUL goes in afterwards. Names are not checksummed."""
    data = open(path, "rb").read()
    assert data.count(old) == 2, (path, old)
    open(path, "wb").write(data.replace(old, new))


def main():
    os.makedirs(OUT, exist_ok=True)
    a = np.arange(3, dtype=np.int64)
    # Zip slip: member names that would write outside a target directory.
    archive("slip.npz", [("../../evil.npy", npy(a)), ("ok.npy", npy(a))])
    archive("absolute.npz", [("/tmp/tl-run-hostile-evil.npy", npy(a))])
    archive("dot-npy.npz", [(".npy", npy(a))])
    archive("backslash.npz", [("a\\b.npy", npy(a))])
    archive("hidden.npz", [(".hidden.npy", npy(a))])
    archive("nul.npz", [("aXb.npy", npy(a))])
    replace_in_names(os.path.join(OUT, "nul.npz"), b"aXb.npy", b"a\x00b.npy")
    # Terminal escapes in member names: window title, clear screen, vertical tab, NEL (C1), LS.
    archive("escape-names.npz", [("x\x1b]0;pwned\x07y.npy", npy(a)), ("clear\x1b[2J.npy", npy(a)),
                                 ("v\x0btab.npy", npy(a)), ("nel\u0085x.npy", npy(a)),
                                 ("ls\u2028x.npy", npy(a))])
    # ... and in a .npy header key, quoted by the error message.
    with open(os.path.join(OUT, "escape-key.npy"), "wb") as f:
        f.write(raw_npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), "
                        "'\x1b]0;pwned\x07\x1b[2J\x0b\x85': 1}\n", b"\0" * 8))
    # More dimensions than NumPy's 64 (np.load refuses them).
    ones = lambda n: "(" + ", ".join(["1"] * n) + ",)"
    with open(os.path.join(OUT, "ndim-65.npy"), "wb") as f:
        f.write(raw_npy("{'descr': '|u1', 'fortran_order': False, 'shape': %s, }\n" % ones(65), b"\0"))
    with open(os.path.join(OUT, "ndim-20000.npy"), "wb") as f:
        f.write(raw_npy("{'descr': '|u1', 'fortran_order': False, 'shape': %s, }\n" % ones(20000), b"\0",
                        major=2))
    # A small deflate bomb: the member's header and central directory say 10 bytes of data,
    # the stream inflates to 8 MiB of zeros; tl-run must stop at the declared size.
    member = raw_npy("{'descr': '|u1', 'fortran_order': False, 'shape': (10,), }\n", b"\0" * 10)
    declared = len(member)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    stream = compressor.compress(member + b"\0" * (8 << 20)) + compressor.flush()
    # The archive by hand: zipfile would write the true sizes.
    path = os.path.join(OUT, "bomb.npz")
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, zlib.crc32(member),
                        len(stream), declared, 5, 0) + b"W.npy"
    central = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, zlib.crc32(member),
                          len(stream), declared, 5, 0, 0, 0, 0, 0, 0) + b"W.npy"
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(central), len(local) + len(stream), 0)
    with open(path, "wb") as f:
        f.write(local + stream + central + end)

    # A ZIP64 member declaring a 1 PiB array (its stream holds only the header): tl-run must
    # refuse to allocate it (or find the stream short), never abort.
    header = raw_npy("{'descr': '|u1', 'fortran_order': False, 'shape': (%d,), }\n" % (1 << 50))
    declared = len(header) + (1 << 50)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    stream = compressor.compress(header) + compressor.flush()
    crc = zlib.crc32(header)
    zip64 = struct.pack("<HHQ", 1, 8, declared)
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 45, 0, 8, 0, 0x21, crc, len(stream), 0xFFFFFFFF, 5,
                        len(zip64)) + b"W.npy" + zip64
    central = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 45, 45, 0, 8, 0, 0x21, crc, len(stream),
                          0xFFFFFFFF, 5, len(zip64), 0, 0, 0, 0, 0) + b"W.npy" + zip64
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(central), len(local) + len(stream), 0)
    with open(os.path.join(OUT, "huge-declared.npz"), "wb") as f:
        f.write(local + stream + central + end)


if __name__ == "__main__":
    main()
