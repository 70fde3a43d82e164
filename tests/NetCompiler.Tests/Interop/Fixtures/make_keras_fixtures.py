"""Writes Keras weight files for the import tests with h5py (libhdf5), in the two layouts Keras writes.

Run from this folder: python3 make_keras_fixtures.py (it was run with Debian 12's python3-h5py 3.7). Keras itself is
not needed: the files are laid out as keras/src/saving/saving_lib.py (H5IOStore, .weights.h5) and
keras/src/legacy/saving/legacy_h5_format.py (save_weights_to_hdf5_group, .h5) write them, for the C# TokenLstm:
SequenceInput(5) | Embedding(11, 4) | LSTM(6) | Dense(3, Softmax). Value j of weight t is t + (37 j mod 101) / 101,
which KerasImportTests recomputes.
"""
import h5py
import numpy as np

# (layer, weight name, shape) in Keras' creation order, which is NetCompiler's parameter order.
WEIGHTS = [
    ("embedding", "embeddings", (11, 4)),
    ("lstm", "kernel", (4, 24)),
    ("lstm", "recurrent_kernel", (6, 24)),
    ("lstm", "bias", (24,)),
    ("dense", "kernel", (6, 3)),
    ("dense", "bias", (3,)),
]


def values(t, shape):
    j = np.arange(int(np.prod(shape)), dtype=np.int64)
    return (t + ((j * 37) % 101) / 101.0).astype(np.float32).reshape(shape)


def keras3():
    # Layers are named by class, counted per class; an LSTM keeps its variables in its cell.
    with h5py.File("keras3_token_lstm.weights.h5", "w") as f:
        f.create_group("vars")
        layers = f.create_group("layers")
        groups = {
            "embedding": layers.create_group("embedding").create_group("vars"),
            "lstm": layers.create_group("lstm").create_group("cell").create_group("vars"),
            "dense": layers.create_group("dense").create_group("vars"),
        }
        layers["lstm"].create_group("vars")
        counts = {}
        for t, (layer, _, shape) in enumerate(WEIGHTS):
            index = counts.get(layer, 0)
            counts[layer] = index + 1
            groups[layer][str(index)] = values(t, shape)
        f.create_group("optimizer").create_group("vars")


def legacy():
    # A whole model saved as .h5 by tf.keras 2: weights under model_weights, names like lstm/lstm_cell/kernel:0.
    # The layer names deliberately differ from ours: Keras matches legacy files by position.
    names = {"input": "input_4", "embedding": "embedding_4", "lstm": "lstm_4", "dense": "dense_9"}
    paths = {"embedding": "embedding_4/", "lstm": "lstm_4/lstm_cell_4/", "dense": "dense_9/"}
    with h5py.File("legacy_token_lstm.h5", "w") as f:
        f.attrs["keras_version"] = b"2.15.0"
        f.attrs["backend"] = b"tensorflow"
        root = f.create_group("model_weights")
        order = ["embedding", "lstm", "dense"]
        root.attrs["layer_names"] = [names[layer].encode() for layer in ["input"] + order]
        root.create_group(names["input"]).attrs["weight_names"] = np.array([], dtype="S")
        for layer in order:
            group = root.create_group(names[layer])
            weights = [(t, w, s) for t, (l, w, s) in enumerate(WEIGHTS) if l == layer]
            group.attrs["weight_names"] = [f"{paths[layer]}{w}:0".encode() for _, w, _ in weights]
            for t, w, shape in weights:
                group.create_dataset(f"{paths[layer]}{w}:0", data=values(t, shape))


if __name__ == "__main__":
    keras3()
    legacy()
