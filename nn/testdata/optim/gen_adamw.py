#!/usr/bin/python3
"""Generates adamw_golden.json: torch.optim.AdamW trajectories in float32.

Run with Debian's python3-torch (1.13.1+dfsg-4 produced the committed file):

    /usr/bin/python3 nn/testdata/optim/gen_adamw.py > nn/testdata/optim/adamw_golden.json

A 3x4 weight (decayed) and a 4-vector bias (no decay, its own param group)
take 8 steps with random gradients and a learning rate that changes every
step; the values and both moments after every step are recorded.
"""
import json
import sys

import torch

torch.manual_seed(7)
w = torch.randn(3, 4).float().requires_grad_(True)
b = torch.randn(4).float().requires_grad_(True)
init = {"w": w.detach().flatten().tolist(), "b": b.detach().flatten().tolist()}
beta1, beta2, eps, wd = 0.9, 0.98, 1e-8, 0.1
opt = torch.optim.AdamW([{"params": [w], "weight_decay": wd}, {"params": [b], "weight_decay": 0.0}],
                        lr=1e-3, betas=(beta1, beta2), eps=eps, foreach=False)
steps = []
for i in range(8):
    lr = 1e-2 * (i + 1) / 8
    for g in opt.param_groups:
        g["lr"] = lr
    w.grad = (torch.randn(3, 4) * (0.1 if i % 2 else 2.0)).float()
    b.grad = torch.randn(4).float()
    if i == 5:
        b.grad[1] = 0.0  # a zero gradient still moves the weight through m
    grads = {"w": w.grad.flatten().tolist(), "b": b.grad.flatten().tolist()}
    opt.step()
    st = opt.state
    steps.append({
        "lr": lr,
        "grad": grads,
        "value": {"w": w.detach().flatten().tolist(), "b": b.detach().flatten().tolist()},
        "m": {"w": st[w]["exp_avg"].flatten().tolist(), "b": st[b]["exp_avg"].flatten().tolist()},
        "v": {"w": st[w]["exp_avg_sq"].flatten().tolist(), "b": st[b]["exp_avg_sq"].flatten().tolist()},
    })
json.dump({"generator": "nn/testdata/optim/gen_adamw.py", "torch": torch.__version__,
           "beta1": beta1, "beta2": beta2, "eps": eps, "weight_decay": wd,
           "init": init, "steps": steps}, sys.stdout, separators=(",", ":"))
sys.stdout.write("\n")
