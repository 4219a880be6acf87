#!/usr/bin/python3
"""npdesweep's spectra with their conditioning (numerics/spectrum.hpp, through spectrum_json)
against an independent computation in numpy on small matrices: eigenvalues (LAPACK geev),
condition numbers from left and right eigenvectors (eig of A and of A^T), singular values (SVD),
log|det| (slogdet), and the eps-pseudospectral radius from a polar grid of exact SVDs about
every eigenvalue.

    check_spectrum.py SPECTRUM_JSON_BINARY
"""
import json
import subprocess
import sys

import numpy as np

U = np.finfo(float).eps / 2


def matrices():
    rng = np.random.default_rng(20261203)
    out = [np.diag([0.9, -0.5, 0.3, 0.1])]  # normal
    for n in (5, 7, 9):
        a = rng.standard_normal((n, n))
        out.append(a)
        b = np.triu(rng.standard_normal((n, n)), 1) * 3 + np.diag(rng.uniform(-1, 1, n))
        out.append(b + 1e-3 * rng.standard_normal((n, n)))  # non-normal, distinct eigenvalues
    # an advection-diffusion step on 8 points: upwind D1 plus central D2 with varying speed
    n, dx = 8, 2 * np.pi / 8
    c = 1 + 0.8 * np.sin(np.arange(n) * dx)
    d1 = (np.eye(n) - np.roll(np.eye(n), -1, axis=1)) / dx
    d2 = (np.roll(np.eye(n), 1, axis=1) - 2 * np.eye(n) + np.roll(np.eye(n), -1, axis=1)) / dx**2
    out.append(np.eye(n) + 0.05 * (-(c[:, None] * d1) + 0.1 * d2))
    return out


def kappa_numpy(a):
    w, v = np.linalg.eig(a)
    wl, vl = np.linalg.eig(a.T)
    kappa = np.empty(len(w))
    for i, lam in enumerate(w):
        j = np.argmin(np.abs(wl - lam))
        x, y = v[:, i], vl[:, j]
        kappa[i] = np.linalg.norm(x) * np.linalg.norm(y) / abs(y @ x)
    return w, kappa


def grid_radius(a, eps, w, kappa, rays=90, steps=90):
    best = 0.0
    norm = np.linalg.norm(a, 2)
    for lam, k in zip(w, kappa):
        reach = min(norm + eps, 10 * k * eps + 2 * eps)
        for phi in np.linspace(0, 2 * np.pi, rays, endpoint=False):
            for r in np.linspace(reach, 0, steps, endpoint=False):
                z = lam + r * np.exp(1j * phi)
                if abs(z) <= best:
                    break
                if np.linalg.svd(z * np.eye(len(a)) - a, compute_uv=False)[-1] <= eps:
                    best = abs(z)
                    break
    return best


def main():
    ms = matrices()
    text = "".join(f"{len(m)}\n" + "\n".join(" ".join(repr(float(x)) for x in row) for row in m) + "\n" for m in ms)
    lines = subprocess.run([sys.argv[1]], input=text, capture_output=True, text=True, check=True).stdout.splitlines()
    problems = []
    for m, line in zip(ms, lines):
        got = json.loads(line)
        n = len(m)
        before = len(problems)
        ev = np.array(got["re"]) + 1j * np.array(got["im"])
        kappa = np.array(got["kappa"])
        w, k_np = kappa_numpy(m)
        where = f"matrix {n}x{n} (max kappa {k_np.max():.3g})"
        # eigenvalues and kappa, paired by nearest eigenvalue
        for lam, k in zip(ev, kappa):
            j = np.argmin(np.abs(w - lam))
            if abs(w[j] - lam) > 1e-12 * k_np[j] * max(1, abs(lam)):
                problems.append(f"{where}: eigenvalue {lam} vs numpy {w[j]}")
            if abs(k - k_np[j]) > 1e-6 * k_np[j]:
                problems.append(f"{where}: kappa {k} vs numpy {k_np[j]} at {lam}")
        s = np.linalg.svd(m, compute_uv=False)
        if abs(got["norm"] - s[0]) > 1e-13 * s[0] or abs(got["sigma_min"] - s[-1]) > 1e-13 * s[0]:
            problems.append(f"{where}: singular values {got['norm']}, {got['sigma_min']} vs numpy {s[0]}, {s[-1]}")
        sign, logdet = np.linalg.slogdet(m)
        determined = n * n * U * s[0] / s[-1] <= 1e-6
        if determined != (got["log_abs_det"] is not None):
            problems.append(f"{where}: log|det| determined {got['log_abs_det'] is not None}, expected {determined}")
        elif determined and abs(got["log_abs_det"] - logdet) > 1e-12 * max(1, abs(logdet)):
            problems.append(f"{where}: log|det| {got['log_abs_det']} vs numpy {logdet}")
        rounding = int(np.sum(k_np * n * U > 1e-6))
        if got["rounding_set"] != rounding:
            problems.append(f"{where}: rounding_set {got['rounding_set']} vs {rounding}")
        for rho, rel in zip(got["pseudospectral_radius"], got["epsilons"]):
            eps = rel * s[0]
            grid = grid_radius(m, eps, w, k_np)
            step = min(s[0] + eps, 10 * k_np.max() * eps + 2 * eps) / 90
            # the search's radius is inside (sigma_min <= eps on its ray) and not below the grid's
            if not (grid - 1e-9 * grid <= rho <= grid + step):
                problems.append(f"{where}: pseudospectral radius at eps {rel:g} ||A||: {rho} vs grid {grid} (step {step:.2g})")
        if len(problems) == before:
            print(f"{where}: eigenvalues, kappa, singular values, log|det|, rho_eps agree with numpy")
    for p in problems:
        print("FAIL:", p)
    if len(lines) != len(ms):
        print(f"FAIL: {len(lines)} results for {len(ms)} matrices")
        return 1
    print(f"{len(ms)} matrices: {'all agree' if not problems else str(len(problems)) + ' disagreements'}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
