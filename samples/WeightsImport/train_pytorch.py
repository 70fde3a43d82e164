#!/usr/bin/env python3
"""Trains the PyTorch twin of FashionCnn.cs on Fashion-MNIST and saves its state_dict for NetCompiler to import.

Usage: python3 train_pytorch.py [--data DIR] [--epochs N] [--output FILE] [--seed N] [--threads N]

It needs PyTorch and NumPy only (Debian 12: apt-get install python3-torch, then run it with /usr/bin/python3; a
python3 from pyenv or a virtual environment does not see Debian's packages). It writes two files:

  fashion_cnn.pt    torch.save(model.state_dict()): what PyTorchImport.LoadStateDict reads
  fashion_cnn.json  PyTorch's test accuracy, and its predicted class for every test image, so that the C# sample
                    can show that the imported network computes what PyTorch computed

(--output names the first; the second takes the same name with .json.)
"""

import argparse
import gzip
import json
import os
import struct
import sys
import time

import numpy as np
import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
DEBIAN_DATA = "/usr/share/datasets/fashion-mnist"
SUBSET_DATA = os.path.join(HERE, "..", "FashionMnist", "data")
FILES = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]


def fashion_cnn():
    """The twin of FashionCnn.cs, layer for layer.

    An nn.Sequential keeps the modules in the order the attributes are written, which is the order in which
    PyTorchImport hands them out (keys 0.*, 3.*, 7.*, 9.*). Softmax is left out: CrossEntropyLoss wants logits, and
    softmax does not change which class is largest. NetCompiler's Softmax layer adds it back at inference.
    """
    return nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.ReLU(),   # [Conv2D(32, 3, Activation = Activation.ReLU)], valid padding
        nn.MaxPool2d(2),                  # [MaxPool2D(2)]
        nn.Conv2d(32, 64, 3), nn.ReLU(),  # [Conv2D(64, 3, Activation = Activation.ReLU)]
        nn.MaxPool2d(2),                  # [MaxPool2D(2)]
        nn.Flatten(),                     # [Flatten]: channel-first here; the importer reorders the next Linear
        nn.Linear(64 * 5 * 5, 128), nn.ReLU(),  # [Dense(128, Activation = Activation.ReLU)]
        nn.Linear(128, 10),               # [Dense(10, Activation = Activation.Softmax)]
    )


def find(directory, name):
    for candidate in (os.path.join(directory, name), os.path.join(directory, name + ".gz")):
        if os.path.isfile(candidate):
            return candidate
    return None


def read_idx(path, magic):
    """The payload of a raw or gzipped IDX file of unsigned bytes, shaped by its header."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    found, = struct.unpack(">I", data[:4])
    if found != magic:
        sys.exit(f"error: {path} is not an IDX file of this kind (magic {found:#010x}, expected {magic:#010x}).")
    dims = data[3]
    shape = struct.unpack(f">{dims}I", data[4:4 + 4 * dims])
    payload = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims)
    if payload.size != int(np.prod(shape)):
        sys.exit(f"error: {path} holds {payload.size} bytes of data, but its header announces {shape}.")
    return payload.reshape(shape)


def load(directory):
    paths = [find(directory, name) for name in FILES]
    missing = [name for name, path in zip(FILES, paths) if path is None]
    if missing:
        sys.exit(f"error: {directory} lacks {', '.join(missing)} (raw or .gz).")
    # Scaled to [0, 1] exactly as NetCompiler's FashionMnist.Load does, so both frameworks see the same inputs. One
    # channel makes PyTorch's (N, 1, 28, 28) and NetCompiler's (N, 28, 28, 1) the same bytes.
    images = [torch.from_numpy(read_idx(p, 0x803).astype(np.float32) / 255.0).unsqueeze(1) for p in paths[0::2]]
    labels = [torch.from_numpy(read_idx(p, 0x801).astype(np.int64)) for p in paths[1::2]]
    return images[0], labels[0], images[1], labels[1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", help=f"folder with the four IDX files (default: {DEBIAN_DATA} if installed, "
                                       "else the subset in samples/FashionMnist/data)")
    parser.add_argument("--epochs", type=int, default=3, help="passes over the training images (default 3)")
    parser.add_argument("--output", default="fashion_cnn.pt", help="the state_dict to write (default fashion_cnn.pt)")
    parser.add_argument("--seed", type=int, default=42, help="seed of the initialisation and shuffle (default 42)")
    # PyTorch's default thread count is kept: on a busy 2-core machine, where it chose one, two threads made each
    # epoch about five times slower (batches of 32 are too small to split well).
    parser.add_argument("--threads", type=int, help="CPU threads for PyTorch (default: PyTorch's choice)")
    args = parser.parse_args()

    data = args.data or (DEBIAN_DATA if all(find(DEBIAN_DATA, n) for n in FILES) else SUBSET_DATA)
    train_x, train_y, test_x, test_y = load(data)
    torch.manual_seed(args.seed)
    if args.threads:
        torch.set_num_threads(args.threads)
    print(f"PyTorch {torch.__version__}, {torch.get_num_threads()} thread(s); data: {os.path.abspath(data)}")
    print(f"{len(train_y):,} training and {len(test_y):,} test images; {args.epochs} epoch(s) of batches of 32")

    # The same optimizer, learning rate and batch size as the C# declaration's [Adam(LearningRate = 0.001f)].
    model = fashion_cnn()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.001)
    loss_function = nn.CrossEntropyLoss()
    shuffle = torch.Generator().manual_seed(args.seed)
    for epoch in range(1, args.epochs + 1):
        model.train()
        start, total = time.time(), 0.0
        order = torch.randperm(len(train_y), generator=shuffle)
        for first in range(0, len(order), 32):
            batch = order[first:first + 32]
            optimizer.zero_grad()
            loss = loss_function(model(train_x[batch]), train_y[batch])
            loss.backward()
            optimizer.step()
            total += loss.item() * len(batch)
        print(f"epoch {epoch}: training loss {total / len(train_y):.4f} ({time.time() - start:.1f} s)")

    model.eval()
    with torch.no_grad():
        predictions = torch.cat([model(test_x[i:i + 1000]).argmax(1) for i in range(0, len(test_y), 1000)])
    accuracy = (predictions == test_y).sum().item() / len(test_y)
    print(f"PyTorch test accuracy: {accuracy * 100:.2f}% on {len(test_y):,} images")

    # The state_dict alone, in the zip format torch.save has written by default since 1.6.
    torch.save(model.state_dict(), args.output)
    report = os.path.splitext(args.output)[0] + ".json"
    with open(report, "w", encoding="utf-8") as f:
        json.dump({
            "framework": f"PyTorch {torch.__version__}",
            "epochs": args.epochs,
            "seed": args.seed,
            "train_images": len(train_y),
            "test_images": len(test_y),
            "test_accuracy": accuracy,
            # One digit per test image, in file order: compact, and the C# sample compares it image by image.
            "test_predictions": "".join(str(p) for p in predictions.tolist()),
            # The true classes the same way, so that the C# sample can tell whether it evaluates the same images.
            "test_labels": "".join(str(y) for y in test_y.tolist()),
        }, f, indent=2)
        f.write("\n")
    print(f"Saved the state_dict to {args.output} and the test results to {report}")


if __name__ == "__main__":
    main()
