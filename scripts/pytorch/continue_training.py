"""Continue training an RNN Lens checkpoint in PyTorch, then save it back for RNN Lens.

    python3 continue_training.py model.safetensors text.txt out.safetensors [steps]
"""
import sys
import torch
import torch.nn.functional as F
from load_checkpoint import load_rnn_lens, one_hot
from save_checkpoint import save_rnn_lens


def train(model, x, ids, steps, batch=16, seq_len=64, lr=2e-3, clip_norm=5.0, log=print):
    """RNN Lens's batching: the ids cut into `batch` contiguous streams; each step reads the next
    seq_len positions of every stream; the state carries over (truncated BPTT).
    batch and seq_len shrink to fit a short text."""
    if len(ids) < 3:
        raise SystemExit('the text is too short to train on: it needs at least 3 characters')
    seq_len = max(1, min(seq_len, len(ids) // 2 - 1))
    batch = max(1, min(batch, len(ids) // (seq_len + 1)))
    stream = len(ids) // batch
    starts = torch.arange(batch)[:, None] * stream
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    state, pos, losses = None, 0, []
    for step in range(steps):
        if pos + seq_len + 1 > stream:
            state, pos = None, 0  # end of the streams: start over from zero state
        idx = starts + pos + torch.arange(seq_len)  # [B, T] positions of this window
        logits, state = model(x[idx], state)
        loss = F.cross_entropy(logits.reshape(-1, x.shape[1]), ids[idx + 1].reshape(-1))
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), clip_norm)
        opt.step()
        # Carry the state to the next window, but not its gradient history.
        state = tuple(s.detach() for s in state) if isinstance(state, tuple) else state.detach()
        pos += seq_len
        losses.append(loss.item())
        if step % 50 == 0 or step == steps - 1:
            log(f'step {step:4d}  loss {loss.item():.4f}')
    return losses


if __name__ == '__main__':
    src, text_path, out = sys.argv[1:4]
    steps = int(sys.argv[4]) if len(sys.argv) > 4 else 200
    model, vocab, cfg = load_rnn_lens(src)
    x, ids = one_hot(open(text_path, encoding='utf-8').read(), vocab)
    train(model, x, ids, steps)
    save_rnn_lens(out, model, vocab)
    print(f'wrote {out}')
