#!/usr/bin/python3
"""The PyTorch reference of embedlab's transformer (docs/transformer.md), for the LM benchmark.

GPT-2-style pre-norm blocks, tied embeddings, positional none|sinusoidal|learned|rope, segment
embedding for the masked objective, tanh GELU, LayerNorm eps 1e-5, GPT-2 init, AdamW (beta 0.9/0.95,
eps 1e-8, weight decay 0.1 on 2-D weights only), linear warm-up then cosine to 0.1*lr, clipping 1.0.
Needs only Debian's python3-torch (1.13); no other package.

  train:   lm_torch.py --train train.ids --val val.ids --vocab 1024 --width 64 --layers 2 --heads 4 \
               --context 64 --batch 16 --steps 50 --threads 1        -> one JSON line
           (--random-ids instead of --train/--val: uniform ids from --seed)
  parity:  lm_torch.py --init init.safetensors --train train.ids --batch 16 --steps 0
               -> "initial loss <float> grad-norm <float>" (the parity batch, docs/transformer.md);
           --init also starts training from those weights, --report-initial prints that line too
  init:    lm_torch.py --write-init init.safetensors --vocab 1024 ... (this model's initial weights)

Token-id files hold whitespace-separated integers. Training batches are deterministic so every tool
sees the same ones: step s, row b reads the window at ((s*batch + b) * context) mod (n - context),
so step 0 is the parity batch. Timing excludes the first step (one-time allocation and set-up).
"""
import argparse
import json
import math
import resource
import struct
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

TENSOR_ORDER = ['wte.weight', 'wpe.weight', 'wse.weight']  # then the blocks, then ln_f (see names())


def load_safetensors(path):
    """Reads a float32 safetensors file: returns ({name: tensor}, {metadata key: string})."""
    with open(path, 'rb') as f:
        data = f.read()
    (header_len,) = struct.unpack('<Q', data[:8])
    header = json.loads(data[8:8 + header_len])
    metadata = header.pop('__metadata__', {})
    tensors = {}
    for name, info in header.items():
        if info['dtype'] != 'F32':
            raise ValueError(f"{path}: tensor {name} has dtype {info['dtype']}, expected F32")
        begin, end = info['data_offsets']
        raw = bytearray(data[8 + header_len + begin:8 + header_len + end])
        tensors[name] = torch.frombuffer(raw, dtype=torch.float32).reshape(info['shape'])
    return tensors, metadata


def save_safetensors(path, tensors, metadata):
    """Writes {name: tensor} as float32 safetensors, in the given order, with string metadata."""
    header, blobs, offset = {'__metadata__': metadata}, [], 0
    for name, t in tensors.items():
        blob = t.detach().to(torch.float32).contiguous().numpy().tobytes()
        header[name] = {'dtype': 'F32', 'shape': list(t.shape), 'data_offsets': [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    text = json.dumps(header, separators=(',', ':')).encode()
    text += b' ' * (-len(text) % 8)  # the data starts 8-byte aligned
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(text)) + text + b''.join(blobs))


def rope_tables(context, head_size):
    """cos/sin [T, dh] (each angle repeated for its pair) and the pair rotation R: rot(x) = x @ R."""
    k = torch.arange(head_size // 2, dtype=torch.float64)
    angle = torch.arange(context, dtype=torch.float64)[:, None] * 10000.0 ** (-2 * k / head_size)
    angle = angle.repeat_interleave(2, dim=1)
    rotation = torch.zeros(head_size, head_size)
    for i in range(0, head_size, 2):  # (x0, x1) -> (-x1, x0)
        rotation[i + 1, i] = -1.0
        rotation[i, i + 1] = 1.0
    return angle.cos().float(), angle.sin().float(), rotation


def sinusoid(context, width):
    """P[i][2k] = sin(i / 10000^(2k/d)), P[i][2k+1] = cos(same)."""
    k = torch.arange(0, width, 2, dtype=torch.float64)
    angle = torch.arange(context, dtype=torch.float64)[:, None] / 10000.0 ** (k / width)
    table = torch.zeros(context, width, dtype=torch.float64)
    table[:, 0::2] = angle.sin()
    table[:, 1::2] = angle.cos()
    return table.float()


class Attention(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.heads, self.causal = cfg['heads'], cfg['objective'] == 'next'
        self.c_attn = nn.Linear(cfg['width'], 3 * cfg['width'])
        self.c_proj = nn.Linear(cfg['width'], cfg['width'])

    def forward(self, x, rope):  # x [B, T, d]
        B, T, d = x.shape
        q, k, v = (t.view(B, T, self.heads, d // self.heads).transpose(1, 2) for t in self.c_attn(x).split(d, dim=2))
        if rope is not None:
            cos, sin, rotation = rope
            q = q * cos[:T] + (q @ rotation) * sin[:T]
            k = k * cos[:T] + (k @ rotation) * sin[:T]
        score = (q @ k.transpose(-2, -1)) / math.sqrt(d // self.heads)  # [B, h, T, T]
        if self.causal:
            score = score.masked_fill(torch.ones(T, T, dtype=torch.bool).triu(1), float('-inf'))
        y = (score.softmax(dim=-1) @ v).transpose(1, 2).reshape(B, T, d)
        return self.c_proj(y)


class Mlp(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.c_fc = nn.Linear(cfg['width'], 4 * cfg['width'])
        self.c_proj = nn.Linear(4 * cfg['width'], cfg['width'])

    def forward(self, x):
        return self.c_proj(F.gelu(self.c_fc(x), approximate='tanh'))


class Block(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.ln_1 = nn.LayerNorm(cfg['width'], eps=1e-5)
        self.attn = Attention(cfg)
        self.ln_2 = nn.LayerNorm(cfg['width'], eps=1e-5)
        self.mlp = Mlp(cfg)

    def forward(self, x, rope):
        x = x + self.attn(self.ln_1(x), rope)
        return x + self.mlp(self.ln_2(x))


class Transformer(nn.Module):
    """Parameter names are exactly the safetensors names of docs/transformer.md."""

    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        V, d, T = cfg['vocab'], cfg['width'], cfg['context']
        self.wte = nn.Embedding(V, d)
        if cfg['positional'] == 'learned':
            self.wpe = nn.Embedding(T, d)
        if cfg['objective'] == 'masked':
            self.wse = nn.Embedding(2, d)
        self.h = nn.ModuleList(Block(cfg) for _ in range(cfg['layers']))
        self.ln_f = nn.LayerNorm(d, eps=1e-5)
        self.sinusoid = sinusoid(T, d) if cfg['positional'] == 'sinusoidal' else None
        self.rope = rope_tables(T, d // cfg['heads']) if cfg['positional'] == 'rope' else None
        self.reset_parameters(cfg['layers'])

    def reset_parameters(self, layers):
        """GPT-2: weights normal(0, 0.02), residual projections 0.02/sqrt(2L), biases 0, LN 1 and 0."""
        for name, p in self.named_parameters():
            if name.endswith('c_proj.weight'):
                nn.init.normal_(p, 0.0, 0.02 / math.sqrt(2 * layers))
            elif '.ln_' in name or name.startswith('ln_f'):
                nn.init.ones_(p) if name.endswith('weight') else nn.init.zeros_(p)
            elif name.endswith('bias'):
                nn.init.zeros_(p)
            else:
                nn.init.normal_(p, 0.0, 0.02)

    def forward(self, ids, segments=None):  # ids [B, T] -> logits [B, T, V]
        T = ids.shape[1]
        x = self.wte(ids)
        if self.sinusoid is not None:
            x = x + self.sinusoid[:T]
        if self.cfg['positional'] == 'learned':
            x = x + self.wpe.weight[:T]
        if self.cfg['objective'] == 'masked':
            x = x + self.wse(segments)
        for block in self.h:
            x = block(x, self.rope)
        return self.ln_f(x) @ self.wte.weight.t()


def ordered_state(model):
    """The parameters in the order of the contract's table (wte, wpe, wse, blocks, ln_f)."""
    state = dict(model.state_dict())
    first = [n for n in TENSOR_ORDER if n in state]
    return {n: state[n] for n in first + [n for n in state if n not in first]}


def seeded_random(seed):
    """mulberry32 (scripts/bench/random.mjs) in 32-bit unsigned arithmetic: floats in [0, 1)."""
    state, mask = seed & 0xFFFFFFFF, 0xFFFFFFFF

    def draw():
        nonlocal state
        state = (state + 0x6D2B79F5) & mask
        t = ((state ^ (state >> 15)) * (1 | state)) & mask
        t = ((t + (((t ^ (t >> 7)) * (61 | t)) & mask)) & mask) ^ t
        return (t ^ (t >> 14)) / 4294967296
    return draw


def read_ids(path, vocab=None):
    with open(path) as f:
        ids = torch.tensor([int(t) for t in f.read().split()], dtype=torch.long)
    if ids.numel() == 0:
        raise ValueError(f'{path}: no token ids')
    if vocab is not None and (ids.min() < 0 or ids.max() >= vocab):
        raise ValueError(f'{path}: token ids must be in [0, {vocab}), found {int(ids.min())}..{int(ids.max())}')
    return ids


def batch_at(ids, step, batch, context):
    """Rows ((step*batch + b)*context) mod (n - context): inputs [B, T] and next-token targets."""
    span = ids.numel() - context
    if span < 1:
        raise ValueError(f'{ids.numel()} training tokens are fewer than context + 1 = {context + 1}')
    starts = [((step * batch + b) * context) % span for b in range(batch)]
    window = torch.stack([ids[s:s + context + 1] for s in starts])
    return window[:, :-1], window[:, 1:]


def loss_of(model, inputs, targets):
    logits = model(inputs)
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))


def grad_norm(model):
    return math.sqrt(sum(float(p.grad.double().pow(2).sum()) for p in model.parameters() if p.grad is not None))


def learning_rate(step, steps, lr, warmup):
    """Linear warm-up (step+1)/warmup*lr, then cosine from lr down to 0.1*lr at the last step."""
    if step < warmup:
        return lr * (step + 1) / warmup
    decay_steps = steps - 1 - warmup
    progress = min(1.0, (step - warmup) / decay_steps) if decay_steps > 0 else 1.0
    return lr * (0.1 + 0.9 * 0.5 * (1.0 + math.cos(math.pi * progress)))


@torch.no_grad()
def validation_loss(model, val, batch, context):
    """Mean next-token cross-entropy over every full window of the validation ids."""
    rows = (val.numel() - 1) // context
    if rows < 1:
        raise ValueError(f'{val.numel()} validation tokens are fewer than context + 1 = {context + 1}')
    total = 0.0
    for first in range(0, rows, batch):
        starts = range(first * context, min(rows, first + batch) * context, context)
        window = torch.stack([val[s:s + context + 1] for s in starts])
        total += float(loss_of(model, window[:, :-1], window[:, 1:])) * len(starts)
    return total / rows


def train(model, args, train_ids, val_ids):
    decay = [p for n, p in model.named_parameters() if p.dim() == 2]
    no_decay = [p for n, p in model.named_parameters() if p.dim() != 2]
    optimizer = torch.optim.AdamW([{'params': decay, 'weight_decay': 0.1}, {'params': no_decay, 'weight_decay': 0.0}],
                                  lr=args.lr, betas=(0.9, 0.95), eps=1e-8)
    initial = None
    start, cpu = time.perf_counter(), time.process_time()
    for step in range(args.steps):
        if step == 1:
            start, cpu = time.perf_counter(), time.process_time()
        for group in optimizer.param_groups:
            group['lr'] = learning_rate(step, args.steps, args.lr, args.warmup)
        inputs, targets = batch_at(train_ids, step, args.batch, args.context)
        optimizer.zero_grad(set_to_none=True)
        loss = loss_of(model, inputs, targets)
        loss.backward()
        if step == 0:
            initial = (float(loss), grad_norm(model))
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
    timed_steps = max(1, args.steps - 1)
    return {
        'tool': 'pytorch', 'torch': torch.__version__, 'threads': torch.get_num_threads(), 'steps': args.steps,
        'params': sum(p.numel() for p in model.parameters()),
        'ms_per_step': 1000 * seconds / timed_steps,
        'tokens_per_s': timed_steps * args.batch * args.context / seconds if args.steps > 1 else None,
        'cpu_ms_per_step': 1000 * cpu_seconds / timed_steps,  # all threads
        'initial_loss': initial[0] if initial else None, 'initial_grad_norm': initial[1] if initial else None,
        'val_loss': validation_loss(model, val_ids, args.batch, args.context) if val_ids is not None else None,
        'peak_rss_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--train', help='training token ids (whitespace-separated integers)')
    p.add_argument('--val', help='validation token ids')
    p.add_argument('--random-ids', action='store_true', help='without --train/--val: uniform random ids from --seed')
    p.add_argument('--init', help='start from these weights (safetensors, e.g. from embedlab lm train --export-init)')
    p.add_argument('--report-initial', action='store_true', help="print step 0's loss and gradient norm (always with --steps 0)")
    p.add_argument('--per-tensor', action='store_true', help="parity: also each tensor's gradient norm")
    p.add_argument('--write-init', help="write this model's initial weights as safetensors and exit")
    p.add_argument('--vocab', type=int, default=1024)
    p.add_argument('--width', type=int, default=64)
    p.add_argument('--layers', type=int, default=2)
    p.add_argument('--heads', type=int, default=4)
    p.add_argument('--context', type=int, default=64)
    p.add_argument('--positional', default='learned', choices=['none', 'sinusoidal', 'learned', 'rope'])
    p.add_argument('--objective', default='next', choices=['next', 'masked'])
    p.add_argument('--batch', type=int, default=16)
    p.add_argument('--steps', type=int, default=50)
    p.add_argument('--lr', type=float, default=3e-3)
    p.add_argument('--warmup', type=int, default=10)
    p.add_argument('--threads', type=int, default=1)
    p.add_argument('--seed', type=int, default=1)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)

    if args.init:
        tensors, meta = load_safetensors(args.init)
        cfg = {k: int(meta[k]) for k in ('vocab', 'width', 'layers', 'heads', 'context')}
        cfg.update(positional=meta['positional'], objective=meta['objective'])
    else:
        cfg = {k: getattr(args, k) for k in ('vocab', 'width', 'layers', 'heads', 'context', 'positional', 'objective')}
    if cfg['width'] % cfg['heads'] or (cfg['positional'] == 'rope' and (cfg['width'] // cfg['heads']) % 2):
        sys.exit(f"lm_torch.py: heads {cfg['heads']} must divide width {cfg['width']} (into an even head size for rope)")
    model = Transformer(cfg)
    args.context = cfg['context']

    if args.write_init:
        meta = {k: str(v) for k, v in cfg.items()}
        meta['format'] = 'embedlab'
        save_safetensors(args.write_init, ordered_state(model), meta)
        return
    if cfg['objective'] != 'next':
        sys.exit('lm_torch.py: only the next-word objective trains here (the parity batch is next-word)')
    if not args.train and not args.random_ids:
        sys.exit('lm_torch.py: give --train FILE (token ids) or --random-ids')
    # --random-ids: uniform ids for this vocabulary from the seed, the same as lm_tfjs.mjs draws.
    def random_ids(n):
        draw = seeded_random(args.seed + n)
        return torch.tensor([int(draw() * cfg['vocab']) for _ in range(n)], dtype=torch.long)
    train_ids = read_ids(args.train, cfg['vocab']) if args.train else random_ids(args.steps * args.batch * args.context + args.context + 1)
    if args.init:
        missing = set(model.state_dict()) ^ set(tensors)
        if missing:
            sys.exit(f'lm_torch.py: {args.init}: tensors do not match the configuration: {sorted(missing)}')
        model.load_state_dict(tensors)
    if args.steps == 0:
        loss = loss_of(model, *batch_at(train_ids, 0, args.batch, args.context))
        loss.backward()
        print(f'initial loss {float(loss):.9g} grad-norm {grad_norm(model):.9g}')
        if args.per_tensor:
            for name, q in model.named_parameters():
                print(f'grad-norm {name} {float(q.grad.double().norm()):.9g}')
        return
    val_ids = read_ids(args.val, cfg['vocab']) if args.val else random_ids(32 * args.context + 1) if args.random_ids else None
    result = train(model, args, train_ids, val_ids)
    if args.report_initial:
        print(f"initial loss {result['initial_loss']:.9g} grad-norm {result['initial_grad_norm']:.9g}")
    print(json.dumps(result))


if __name__ == '__main__':
    main()
