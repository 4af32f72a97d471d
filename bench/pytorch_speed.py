"""PyTorch's training speed on this machine, for bench/run.mjs to compare against in the same run.

The same work as `rnn-lens bench`: a character model with one-hot inputs (golden/README.md's
conventions), softmax cross-entropy, global-norm clipping at 5 and an Adam step, on batches of B
windows of T characters of the bundled sample. PyTorch runs on one thread (its best setting on this
2-core machine for these sizes: two threads contend with the second core's work and gain nothing).

    python3 bench/pytorch_speed.py --seconds S --configs a,b,c     (prints one JSON line)
"""

import argparse
import json
import sys
import time

import torch
import torch.nn.functional as F

CONFIGS = {
    "a": dict(hidden=128, layers=1, seq_len=64, batch=1),
    "b": dict(hidden=128, layers=1, seq_len=64, batch=32),
    "c": dict(hidden=256, layers=2, seq_len=64, batch=32),
}
MODULES = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}


def measure(text_ids, vocab, cell, hidden, layers, seq_len, batch, seconds):
    torch.manual_seed(0)
    rnn = MODULES[cell](vocab, hidden, num_layers=layers, batch_first=True)
    head = torch.nn.Linear(hidden, vocab)
    params = list(rnn.parameters()) + list(head.parameters())
    opt = torch.optim.Adam(params, lr=2e-3)
    n = len(text_ids) - seq_len - 1
    stride = max(1, n // batch)
    starts = [i * stride for i in range(batch)]
    ids = torch.tensor(text_ids, dtype=torch.long)
    state = None
    pos = 0

    def step():
        nonlocal state, pos
        if pos + seq_len + 1 > stride:
            pos, state = 0, None
        x = torch.stack([ids[s + pos: s + pos + seq_len] for s in starts])
        y = torch.stack([ids[s + pos + 1: s + pos + seq_len + 1] for s in starts])
        pos += seq_len
        out, h = rnn(F.one_hot(x, vocab).float(), state)
        # Truncated BPTT: the state crosses the window boundary, the gradient does not.
        state = tuple(t.detach() for t in h) if isinstance(h, tuple) else h.detach()
        loss = F.cross_entropy(head(out).reshape(-1, vocab), y.reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 5.0)
        opt.step()

    for _ in range(3):  # warm-up
        step()
    steps, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        step()
        steps += 1
    elapsed = time.perf_counter() - t0
    return steps * batch * seq_len / elapsed


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--configs", default="a,b,c")
    ap.add_argument("--text", default="bench/sample.txt")
    args = ap.parse_args()
    torch.set_num_threads(1)
    text = open(args.text, encoding="utf-8").read()
    vocab_chars = sorted(set(text))
    index = {c: i for i, c in enumerate(vocab_chars)}
    text_ids = [index[c] for c in text]
    result = {"torch": torch.__version__, "threads": torch.get_num_threads(), "charsPerSec": {}}
    for name in args.configs.split(","):
        cfg = CONFIGS[name]
        result["charsPerSec"][name] = {}
        for cell in MODULES:
            cps = measure(text_ids, len(vocab_chars), cell, cfg["hidden"], cfg["layers"], cfg["seq_len"], cfg["batch"], args.seconds)
            result["charsPerSec"][name][cell] = cps
            print(f"pytorch config {name} {cell}: {cps:,.0f} chars/s", file=sys.stderr)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
