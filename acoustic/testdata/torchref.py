#!/usr/bin/python3
"""Independent PyTorch reference for acoustic/torchref_test.go.

Reads the inputs the Go test writes (go test ./acoustic -run TorchReference
-torchref-input): a small model's parameters, a padded feature batch and CTC
labels. Re-implements the architecture of acoustic/forward.go from its
description, in float64, and writes the inputs plus, per forward case
("full" context and "chunk"ed attention), the logits, the loss (char CTC
summed / label count + phone-CTC weight x phone CTC summed / phone count)
and every parameter's gradient.

Made with Debian's python3-torch 1.13 (/usr/bin/python3):
    /usr/bin/python3 acoustic/testdata/torchref.py IN.safetensors OUT.safetensors
"""
import json
import struct
import sys

import numpy as np
import torch
import torch.nn.functional as F


def read_safetensors(path):
    raw = open(path, 'rb').read()
    n = struct.unpack('<Q', raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    meta = header.pop('__metadata__', {})
    tensors = {}
    for name, info in header.items():
        begin, end = info['data_offsets']
        tensors[name] = np.frombuffer(raw[8 + n + begin:8 + n + end], dtype=np.float32).reshape(info['shape'])
    return tensors, meta


def write_safetensors(path, tensors, meta):
    header, chunks, offset = {'__metadata__': meta}, [], 0
    for name in sorted(tensors):
        data = np.ascontiguousarray(tensors[name], dtype=np.float32).tobytes()
        header[name] = {'dtype': 'F32', 'shape': list(tensors[name].shape), 'data_offsets': [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    blob = json.dumps(header, separators=(',', ':')).encode()
    blob += b' ' * (-len(blob) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(blob)) + blob + b''.join(chunks))


def run(tensors, meta, case):
    cfg = meta['cfg']
    dt = torch.float64
    P = {k[len('param.'):]: torch.tensor(v, dtype=dt, requires_grad=True) for k, v in tensors.items() if k.startswith('param.')}
    feats = torch.tensor(tensors['input.features'], dtype=dt)
    B, T, M = feats.shape
    ts = cfg['time_stride']
    out_lens = [(n - 1) // ts + 1 for n in meta['lengths']]

    def lin(x, n):
        return F.linear(x, P[n + '.weight'], P[n + '.bias'])

    def ln(x, n):
        return F.layer_norm(x, (x.shape[-1],), P[n + '.weight'], P[n + '.bias'], 1e-5)

    def attention(q, k, v, heads, visible=None):
        b, tq, d = q.shape
        dh = d // heads
        q, k, v = (z.view(b, -1, heads, dh).transpose(1, 2) for z in (q, k, v))
        s = q @ k.transpose(-1, -2) / dh ** 0.5
        if visible is not None:  # [b, tq, tk]; rows with no visible key are padding: any finite value will do
            s = s.masked_fill(~visible[:, None], -1e30)
        return (torch.softmax(s, -1) @ v).transpose(1, 2).reshape(b, tq, d)

    def rope(x, heads):  # each head: first half rotated against second half, theta_i = 10000^(-i/half)
        b, t, d = x.shape
        half = d // heads // 2
        theta = torch.arange(t, dtype=dt)[:, None] * 10000 ** (-torch.arange(half, dtype=dt)[None, :] / half)
        c, s = torch.cos(theta)[None, :, None, :], torch.sin(theta)[None, :, None, :]
        x = x.view(b, t, heads, 2, half)
        x1, x2 = x[..., 0, :], x[..., 1, :]
        return torch.stack([x1 * c - x2 * s, x1 * s + x2 * c], 3).reshape(b, t, d)

    x = feats.view(B, 1, T, M)  # H = time, W = mel
    x = F.relu(F.conv2d(x, P['front.conv1.weight'], P['front.conv1.bias'], stride=(1, 2), padding=(1, 1)))
    x = F.relu(F.conv2d(x, P['front.conv2.weight'], P['front.conv2.bias'], stride=(ts, 2), padding=(1, 1)))
    _, C2, To, Fb = x.shape
    x = x.permute(0, 2, 3, 1).reshape(B * To, Fb, C2)
    if cfg['freq_attention_heads'] > 0:
        h = ln(x, 'front.freq_attn.norm')
        o = attention(lin(h, 'front.freq_attn.q'), lin(h, 'front.freq_attn.k'), lin(h, 'front.freq_attn.v'), cfg['freq_attention_heads'])
        x = x + lin(o, 'front.freq_attn.out')
    x = lin(x.reshape(B, To, Fb * C2), 'front.proj')

    qi = torch.arange(To)[:, None]
    kj = torch.arange(To)[None, :]
    visible = kj[None] < torch.tensor(out_lens)[:, None, None]
    if case['chunk_size'] > 0:
        c = qi // case['chunk_size']
        ok = kj < (c + 1) * case['chunk_size']
        if case['left_chunks'] > 0:
            ok = ok & (kj >= (c - case['left_chunks']) * case['chunk_size'])
        visible = visible & ok[None]

    H, K = cfg['heads'], cfg['conv_kernel']
    phone_logits = None
    for i in range(cfg['blocks']):
        p = f'blocks.{i}.'

        def ff(x, n):
            return lin(F.silu(lin(ln(x, p + n + '.norm'), p + n + '.w1')), p + n + '.w2')

        x = x + 0.5 * ff(x, 'ff1')
        h = ln(x, p + 'attn.norm')
        o = attention(rope(lin(h, p + 'attn.q'), H), rope(lin(h, p + 'attn.k'), H), lin(h, p + 'attn.v'), H, visible)
        x = x + lin(o, p + 'attn.out')
        h = lin(ln(x, p + 'conv.norm'), p + 'conv.pw1')
        a, g = h.chunk(2, -1)
        h = a * torch.sigmoid(g)  # GLU: first half gated by the second
        h = F.conv1d(F.pad(h.transpose(1, 2), (K - 1, 0)), P[p + 'conv.dw.weight'][:, None, :], P[p + 'conv.dw.bias'], groups=h.shape[-1]).transpose(1, 2)
        x = x + lin(F.silu(ln(h, p + 'conv.norm2')), p + 'conv.pw2')
        x = x + 0.5 * ff(x, 'ff2')
        x = ln(x, p + 'norm')
        if cfg.get('phone_head_block') == i + 1:
            phone_logits = lin(x, 'phone_ctc')
    logits = lin(x, 'ctc')

    def ctc(lg, labels):
        flat = torch.tensor([t for l in labels for t in l])
        return F.ctc_loss(F.log_softmax(lg, -1).transpose(0, 1), flat, torch.tensor(out_lens), torch.tensor([len(l) for l in labels]),
                          blank=0, reduction='sum', zero_infinity=True) / sum(len(l) for l in labels)

    loss = ctc(logits, meta['labels']) + meta['phone_weight'] * ctc(phone_logits, meta['phone_labels'])
    loss.backward()
    out = {case['name'] + '.logits': logits.detach().numpy(), case['name'] + '.loss': np.array([loss.item()])}
    for n, v in P.items():
        out[case['name'] + '.grad.' + n] = (v.grad if v.grad is not None else torch.zeros_like(v)).numpy()
    return out


def main():
    tensors, meta_str = read_safetensors(sys.argv[1])
    meta = json.loads(meta_str['meta'])
    out = dict(tensors)
    for case in meta['cases']:
        out.update(run(tensors, meta, case))
    meta_str = dict(meta_str)
    meta_str['generator'] = 'acoustic/testdata/torchref.py, torch %s, float64' % torch.__version__
    write_safetensors(sys.argv[2], out, meta_str)


if __name__ == '__main__':
    main()
