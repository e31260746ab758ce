#!/usr/bin/python3
"""Generates ctc_golden.json: CTC losses and d(loss)/d(logits) from PyTorch.

Run with Debian's python3-torch (1.13.1+dfsg-4 produced the committed file):

    apt-get install -y python3-torch
    /usr/bin/python3 nn/testdata/ctc/gen_golden.py > nn/testdata/ctc/ctc_golden.json

Logits are drawn as float32 (so Go receives exactly the same numbers) and
the loss is computed in float64 as F.ctc_loss(logits.log_softmax(-1), ...).
The gradient is taken with respect to the logits, through log_softmax: the
gradient PyTorch reports for log-probs alone assumes they are normalised and
is not the true derivative, so it is never used here.
"""
import json
import sys

import torch
import torch.nn.functional as F

torch.manual_seed(20240605)


def batch_case(name, V, blank, lengths, labels, reduction, zero_infinity, scale=3.0):
    B = len(lengths)
    maxT = max(lengths) if lengths else 0
    logits32 = (torch.randn(B, maxT, V) * scale).float()
    logits = logits32.double().requires_grad_(True)
    lp = logits.log_softmax(-1).transpose(0, 1)  # (T, B, V)
    flat = [l for seq in labels for l in seq]
    targets = torch.tensor(flat, dtype=torch.long)
    loss = F.ctc_loss(lp, targets, torch.tensor(lengths), torch.tensor([len(s) for s in labels]),
                      blank=blank, reduction=reduction, zero_infinity=zero_infinity)
    loss.backward()
    per = F.ctc_loss(logits.detach().log_softmax(-1).transpose(0, 1), targets, torch.tensor(lengths),
                     torch.tensor([len(s) for s in labels]), blank=blank, reduction="none",
                     zero_infinity=zero_infinity)
    return {
        "name": name,
        "B": B, "maxT": maxT, "V": V, "blank": blank,
        "inputLengths": lengths,
        "labels": labels,
        "reduction": reduction,
        "zeroInfinity": zero_infinity,
        "logits": [float(x) for x in logits32.flatten().tolist()],
        "loss": float(loss.item()),
        "losses": [float(x) for x in per.tolist()],
        "grad": [float(x) for x in logits.grad.flatten().tolist()],
    }


def rand_labels(U, V, blank):
    out = []
    while len(out) < U:
        l = int(torch.randint(0, V, (1,)).item())
        if l != blank:
            out.append(l)
    return out


cases = []
# Single utterances, reduction "sum" so the gradient is unscaled.
cases.append(batch_case("single_small", 5, 0, [6], [[1, 2, 3]], "sum", False))
cases.append(batch_case("single_repeats", 4, 0, [8], [[1, 1, 2, 2]], "sum", False))
cases.append(batch_case("single_tight_repeats", 3, 0, [5], [[1, 1, 2]], "sum", False))  # T = U + repeats + 1
cases.append(batch_case("single_exact_repeats", 3, 0, [4], [[1, 1, 2]], "sum", False))  # T = U + repeats
cases.append(batch_case("single_empty_labels", 4, 0, [5], [[]], "sum", False))
cases.append(batch_case("blank_last", 6, 5, [10], [[0, 1, 2, 0]], "sum", False))
cases.append(batch_case("long", 30, 0, [120], [rand_labels(40, 30, 0)], "sum", False, scale=2.0))
cases.append(batch_case("peaky", 8, 0, [20], [rand_labels(6, 8, 0)], "sum", False, scale=12.0))
# Batches with mixed lengths.
lab = [rand_labels(3, 7, 0), rand_labels(5, 7, 0), [], rand_labels(1, 7, 0)]
cases.append(batch_case("batch_mean", 7, 0, [9, 12, 4, 7], lab, "mean", False))
cases.append(batch_case("batch_sum", 7, 0, [9, 12, 4, 7], lab, "sum", False))
# An infeasible utterance (T < U + repeats) zeroed by zero_infinity.
lab2 = [rand_labels(3, 5, 0), [1, 1, 1], rand_labels(2, 5, 0)]
cases.append(batch_case("batch_infeasible_zero_inf_mean", 5, 0, [6, 4, 5], lab2, "mean", True))
cases.append(batch_case("batch_infeasible_zero_inf_sum", 5, 0, [6, 4, 5], lab2, "sum", True))

json.dump({"generator": "nn/testdata/ctc/gen_golden.py", "torch": torch.__version__, "cases": cases},
          sys.stdout, indent=None, separators=(",", ":"))
sys.stdout.write("\n")
