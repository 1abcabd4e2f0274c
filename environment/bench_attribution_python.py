#!/usr/bin/env python3
"""PyTorch side of `environment/bench-against-python`: the attribution methods of issue #15 in Python.

The same quantity as instruct-shift's GradientAttributor: for each response token y_m, the gradient of
p(y_m | prompt, y_<m) (softmax probability, not log) with respect to the input embeddings, times the
embeddings, summed over d_model. Four ways to compute it, timed interleaved on one checkpoint:

  authors   one forward + backward per token, parameters requiring gradients (the authors' code)
  frozen    the same with parameters frozen (the baseline instruct-shift compares against)
  copies    response tokens stacked as copies of the sequence in the batch, one backward per chunk
  vmap      one forward, torch.func.vmap over the vector-Jacobian products of the selected probabilities

Prints one JSON object: seconds per response token (median of --repeats), peak RSS per method, threads.
Needs torch and transformers (pip install torch transformers safetensors); ids are random (seed 7),
which does not change the timings.
"""
import argparse
import json
import resource
import statistics
import sys
import time

try:
    import torch
    from transformers import AutoModelForCausalLM
except ImportError as e:  # pragma: no cover - depends on the machine
    sys.exit(f"bench_attribution_python: needs torch and transformers ({e}); pip install torch transformers")


def probability_rows(model, embeds, positions, targets):
    """p(y_b) read at positions[b] of the final logits, one per response token."""
    logits = model(inputs_embeds=embeds).logits[0]
    probs = torch.softmax(logits[positions].float(), dim=-1)
    return probs[torch.arange(len(targets)), targets]


def one_by_one(model, ids, p, r):
    embeds_all = model.get_input_embeddings()(ids).detach()
    scores = []
    for m in range(r):
        embeds = embeds_all.clone().requires_grad_(True)
        prob = probability_rows(model, embeds, torch.tensor([p + m - 1]), ids[0, p + m:p + m + 1])
        (grad,) = torch.autograd.grad(prob.sum(), embeds)
        scores.append((grad * embeds_all).sum(-1)[0, 1:p])
    return torch.stack(scores, 1)


def copies(model, ids, p, r, chunk):
    embeds_one = model.get_input_embeddings()(ids).detach()
    scores = []
    for first in range(0, r, chunk):
        n = min(chunk, r - first)
        length = p + first + n - 1
        embeds = embeds_one[:, :length].repeat(n, 1, 1).requires_grad_(True)
        logits = model(inputs_embeds=embeds).logits
        rows = torch.arange(n)
        read = p + first + rows - 1
        probs = torch.softmax(logits[rows, read].float(), dim=-1)
        picked = probs[rows, ids[0, p + first + rows]]
        (grad,) = torch.autograd.grad(picked.sum(), embeds)
        scores.append((grad * embeds.detach()).sum(-1)[:, 1:p].T)
    return torch.cat(scores, 1)


def vmapped(model, ids, p, r):
    embeds = model.get_input_embeddings()(ids).detach().requires_grad_(True)
    positions = torch.arange(p - 1, p + r - 1)
    picked = probability_rows(model, embeds, positions, ids[0, p:p + r])

    def vjp(one_hot):
        (g,) = torch.autograd.grad(picked, embeds, one_hot, retain_graph=True)
        return g

    grads = torch.func.vmap(vjp)(torch.eye(r))            # [r, 1, T, d]
    return (grads[:, 0] * embeds.detach()[0]).sum(-1)[:, 1:p].T


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--prompt-tokens", type=int, default=64)
    ap.add_argument("--response-tokens", type=int, default=32)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--copies", type=int, default=8)
    ap.add_argument("--only", choices=["authors", "frozen", "copies", "vmap"],
                    help="run one method alone, so the process's peak RSS is that method's")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    t0 = time.perf_counter()
    model = AutoModelForCausalLM.from_pretrained(a.model, torch_dtype=torch.float32)
    load = time.perf_counter() - t0
    model.eval()
    p, r = a.prompt_tokens, a.response_tokens
    g = torch.Generator().manual_seed(7)
    ids = torch.randint(3, model.config.vocab_size, (1, p + r), generator=g)
    if model.config.bos_token_id is not None:
        ids[0, 0] = model.config.bos_token_id

    def frozen(flag):
        for q in model.parameters():
            q.requires_grad_(flag)

    methods = {
        "authors": lambda: (frozen(True), one_by_one(model, ids, p, r))[1],
        "frozen": lambda: (frozen(False), one_by_one(model, ids, p, r))[1],
        "copies": lambda: (frozen(False), copies(model, ids, p, r, a.copies))[1],
        "vmap": lambda: (frozen(False), vmapped(model, ids, p, r))[1],
    }
    if a.only:
        methods = {a.only: methods[a.only]}
    times = {k: [] for k in methods}
    results = {}
    for k, f in methods.items():                         # warm-up on everything first
        f()
    for _ in range(a.repeats):                           # interleaved, so drift hits all alike
        for k, f in methods.items():
            start = time.perf_counter()
            results[k] = f()
            times[k].append(time.perf_counter() - start)
    reference = results.get("frozen", next(iter(results.values())))
    out = {
        "torch": torch.__version__, "threads": torch.get_num_threads(), "load_seconds": load,
        "prompt_tokens": p, "response_tokens": r, "repeats": a.repeats,
        "s_per_token": {k: statistics.median(v) / r for k, v in times.items()},
        "max_abs_diff_vs_frozen": {k: float((v - reference).abs().max()) for k, v in results.items()},
        "peak_rss_mib_process": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
