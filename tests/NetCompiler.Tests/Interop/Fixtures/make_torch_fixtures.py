"""Writes the small PyTorch fixtures the import tests read, with a real PyTorch (libtorch) install.

Run from this folder: python3 make_torch_fixtures.py. It was run with Debian 12's python3-torch (1.13.1); the
tests need no Python. Each network X gets X.pt (its state_dict, as torch.save writes it) and X.io.pt (a dict of an
input batch and libtorch's output for it), so the tests compare NetCompiler's Forward with libtorch's own forward.
The networks mirror the C# declarations in ../InteropNetworks.cs and ../../Networks/TestNetworks.cs.
"""
import torch
import torch.nn as nn


class TokenLstm(nn.Module):
    # SequenceInput(5) | Embedding(11, 4) | LSTM(6) | Dense(3, Softmax)
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(11, 4)
        self.lstm = nn.LSTM(4, 6, batch_first=True)
        self.fc = nn.Linear(6, 3)

    def forward(self, tokens):
        steps, _ = self.lstm(self.embedding(tokens))
        return torch.softmax(self.fc(steps[:, -1]), dim=-1)


class StackedLstm(nn.Module):
    # Input(5, 3) | LSTM(4, sequences) | LSTM(4) | Dense(2): one nn.LSTM with num_layers=2 (keys *_l0 and *_l1).
    def __init__(self):
        super().__init__()
        self.rnn = nn.LSTM(3, 4, num_layers=2, batch_first=True)
        self.head = nn.Linear(4, 2)

    def forward(self, x):
        steps, _ = self.rnn(x)
        return self.head(steps[:, -1])


class SensorLstm(nn.Module):
    # Input(4, 3) | LSTM(5, sequences) | Dense(6, Tanh) per step | Flatten | Dense(3): a flatten over (steps,
    # features), which both frameworks order the same way.
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(3, 5, batch_first=True)
        self.per_step = nn.Linear(5, 6)
        self.out = nn.Linear(24, 3)

    def forward(self, x):
        steps, _ = self.lstm(x)
        return self.out(torch.tanh(self.per_step(steps)).flatten(1))


def cnn():
    # Input(10, 7, 2) | Conv2D(3, 3x2, ReLU) | MaxPool2D(2) | Conv2D(4, 2, Same, Tanh) | Flatten | Dense(5, Sigmoid)
    # | Dense(3): an nn.Sequential, so its keys are "0.weight", "3.bias", ...; height and width differ before the
    # flatten, so a swapped permutation cannot pass.
    return nn.Sequential(
        nn.Conv2d(2, 3, (3, 2)), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(3, 4, 2, padding="same"), nn.Tanh(),
        nn.Flatten(), nn.Linear(48, 5), nn.Sigmoid(), nn.Linear(5, 3))


def save(name, model, batch):
    model.eval()
    with torch.no_grad():
        output = model(batch)
    torch.save(model.state_dict(), f"{name}.pt")
    # Token ids are stored as float32 so that the whole fixture stays readable by a float32-only importer.
    torch.save({"input": batch.float(), "output": output}, f"{name}.io.pt")


def main():
    torch.manual_seed(20240601)
    save("torch_cnn", cnn(), torch.randn(3, 2, 10, 7))
    save("torch_token_lstm", TokenLstm(), torch.randint(0, 11, (3, 5)))
    save("torch_stacked_lstm", StackedLstm(), torch.randn(3, 5, 3))
    save("torch_sensor_lstm", SensorLstm(), torch.randn(2, 4, 3))

    # Files the importer must read or refuse exactly as torch.load sees them.
    base = torch.arange(10, dtype=torch.float32)
    torch.save({"view": base[3:9].view(2, 3)}, "torch_offset_view.pt")
    torch.save({"w": torch.arange(6, dtype=torch.float32).reshape(2, 3).t()}, "torch_transposed.pt")
    torch.save({"w": torch.zeros(2, dtype=torch.float64)}, "torch_float64.pt")
    torch.save(nn.Linear(2, 1), "torch_whole_module.pt")


if __name__ == "__main__":
    main()
