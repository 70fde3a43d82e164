#!/usr/bin/env python3
"""Writes the small Fashion-MNIST subset that samples/FashionMnist/data ships.

The sample must train even where Debian's dataset-fashion-mnist is not installed, so the repository carries the
first 6,000 training and the first 1,000 test images, each file a valid IDX file compressed with gzip -9.

Usage: tools/make-fashion-subset.py [--source DIR] [--output DIR] [--train N] [--test N]
Run it from anywhere; defaults are Debian's install and the sample's data folder. The output is byte-for-byte
reproducible (gzip header without a file name or time stamp), so re-running it leaves git with nothing to commit.
"""

import argparse
import gzip
import io
import os
import struct
import sys

DEFAULT_SOURCE = "/usr/share/datasets/fashion-mnist"
REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_OUTPUT = os.path.join(REPO_ROOT, "samples", "FashionMnist", "data")

# IDX magic numbers: two zero bytes, the element type (0x08 = unsigned byte), then the number of dimensions.
IMAGES_MAGIC = 0x00000803
LABELS_MAGIC = 0x00000801


def read_idx(path):
    """Returns (magic, dims, payload) of a gzip or raw IDX file, checking that the payload matches the header."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack(">I", data[:4])
    rank = magic & 0xFF
    dims = list(struct.unpack(">" + "I" * rank, data[4:4 + 4 * rank]))
    payload = data[4 + 4 * rank:]
    expected = 1
    for d in dims:
        expected *= d
    if len(payload) != expected:
        raise ValueError(f"{path}: header says {expected} bytes of data, file has {len(payload)}")
    return magic, dims, payload


def write_idx_gz(path, magic, dims, payload):
    """Writes an IDX file with gzip level 9; mtime=0 and no file name keep the bytes identical on every run."""
    header = struct.pack(">I", magic) + struct.pack(">" + "I" * len(dims), *dims)
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, compresslevel=9, mtime=0) as gz:
        gz.write(header + payload)
    with open(path, "wb") as f:
        f.write(buffer.getvalue())


def take_first(source_dir, output_dir, stem, count):
    """Copies the first count images and labels of one split (stem is 'train' or 't10k')."""
    images_name = f"{stem}-images-idx3-ubyte.gz"
    labels_name = f"{stem}-labels-idx1-ubyte.gz"

    magic, dims, pixels = read_idx(os.path.join(source_dir, images_name))
    if magic != IMAGES_MAGIC or len(dims) != 3:
        raise ValueError(f"{images_name}: not a 3-dimensional unsigned-byte IDX file")
    if count > dims[0]:
        raise ValueError(f"{images_name}: asked for {count} images, the file has {dims[0]}")
    image_size = dims[1] * dims[2]
    write_idx_gz(os.path.join(output_dir, images_name), magic, [count, dims[1], dims[2]],
                 pixels[:count * image_size])

    magic, dims, labels = read_idx(os.path.join(source_dir, labels_name))
    if magic != LABELS_MAGIC or len(dims) != 1:
        raise ValueError(f"{labels_name}: not a 1-dimensional unsigned-byte IDX file")
    write_idx_gz(os.path.join(output_dir, labels_name), magic, [count], labels[:count])

    counts = [0] * 10
    for label in labels[:count]:
        counts[label] += 1
    print(f"{stem}: {count} images of {dims[0]}; per class {counts}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", default=DEFAULT_SOURCE, help="folder with the four Fashion-MNIST .gz files")
    parser.add_argument("--output", default=DEFAULT_OUTPUT, help="folder to write the subset into")
    parser.add_argument("--train", type=int, default=6000, help="number of training images to keep")
    parser.add_argument("--test", type=int, default=1000, help="number of test images to keep")
    args = parser.parse_args()

    if not os.path.isdir(args.source):
        print(f"error: {args.source} does not exist. Install it with: apt-get install dataset-fashion-mnist",
              file=sys.stderr)
        return 1
    os.makedirs(args.output, exist_ok=True)
    take_first(args.source, args.output, "train", args.train)
    take_first(args.source, args.output, "t10k", args.test)
    return 0


if __name__ == "__main__":
    sys.exit(main())
