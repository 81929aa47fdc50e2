"""Reference numbers for tests/engines/diffusion/schedulers.test.ts.

Its output is scheduler-reference.json. Written independently of GenLab's TypeScript, straight from the equations in diffusers'
scheduling_euler_discrete.py, scheduling_euler_ancestral_discrete.py, scheduling_ddim.py and
scheduling_lcm.py (numpy, float64). Regenerate: python3 tests/engines/diffusion/reference_schedulers.py > tests/engines/diffusion/scheduler-reference.json
"""
import json
import numpy as np

N = 1000
SD15 = dict(beta_start=0.00085, beta_end=0.012, steps_offset=1, set_alpha_to_one=False)


def alphas_cumprod(beta_start, beta_end):
    betas = np.linspace(beta_start**0.5, beta_end**0.5, N, dtype=np.float64) ** 2
    return np.cumprod(1.0 - betas)


def spacing(kind, n, offset, integer):
    if kind == "linspace":
        t = np.linspace(0, N - 1, n)[::-1].copy()
        return t.round() if integer else t
    if kind == "leading":
        r = N // n
        return (np.arange(0, n) * r).round()[::-1].copy() + offset
    r = N / n
    return np.arange(N, 0, -r).round() - 1


def euler(kind, n, x, out, pred="epsilon", index=0, noise=None):
    ac = alphas_cumprod(SD15["beta_start"], SD15["beta_end"])
    ts = spacing(kind, n, SD15["steps_offset"], False)
    all_s = ((1 - ac) / ac) ** 0.5
    s = np.concatenate([np.interp(ts, np.arange(N), all_s), [0.0]])
    init = s.max() if kind in ("linspace", "trailing") else (s.max() ** 2 + 1) ** 0.5
    sig = s[index]
    scaled = x / (sig**2 + 1) ** 0.5
    if pred == "epsilon":
        x0 = x - sig * out
    else:
        x0 = out * (-sig / (sig**2 + 1) ** 0.5) + x / (sig**2 + 1)
    d = (x - x0) / sig
    if noise is None:
        prev = x + d * (s[index + 1] - sig)
    else:
        nxt = s[index + 1]
        up = (nxt**2 * (sig**2 - nxt**2) / sig**2) ** 0.5
        down = (nxt**2 - up**2) ** 0.5
        prev = x + d * (down - sig) + noise * up
    return dict(timesteps=ts.tolist(), sigmas=s.tolist(), init_noise_sigma=float(init), scaled=scaled.tolist(), prev=prev.tolist())


def ddim(n, x, eps, index):
    ac = alphas_cumprod(SD15["beta_start"], SD15["beta_end"])
    ts = spacing("leading", n, SD15["steps_offset"], True).astype(int)
    t = ts[index]
    prev_t = t - N // n
    a = ac[t]
    a_prev = ac[prev_t] if prev_t >= 0 else ac[0]  # set_alpha_to_one=False
    x0 = (x - (1 - a) ** 0.5 * eps) / a**0.5
    prev = a_prev**0.5 * x0 + (1 - a_prev) ** 0.5 * eps
    return dict(timesteps=ts.tolist(), prev=prev.tolist())


def lcm(n, x, eps, index, noise):
    ac = alphas_cumprod(0.00085, 0.012)
    k = N // 50
    origin = (np.arange(1, 51) * k - 1)[::-1]
    idx = np.floor(np.linspace(0, 50, num=n, endpoint=False)).astype(int)
    ts = origin[idx]
    t = ts[index]
    prev_t = ts[index + 1] if index + 1 < len(ts) else t
    a, a_prev = ac[t], ac[prev_t]
    st = t * 10.0
    c_skip = 0.25 / (st**2 + 0.25)
    c_out = st / (st**2 + 0.25) ** 0.5
    x0 = (x - (1 - a) ** 0.5 * eps) / a**0.5
    den = c_out * x0 + c_skip * x
    prev = den if index == len(ts) - 1 else a_prev**0.5 * den + (1 - a_prev) ** 0.5 * noise
    return dict(timesteps=ts.tolist(), c_skip=c_skip, c_out=c_out, prev=prev.tolist())


x = np.array([0.5, -1.2, 2.0, 0.1])
e = np.array([0.3, 0.1, -0.7, 1.0])
z = np.array([0.05, -0.4, 1.1, -2.0])
print(json.dumps({
    "euler_linspace_10_i0": euler("linspace", 10, x * 14.6, e, index=0),
    "euler_linspace_10_i9": euler("linspace", 10, x, e, index=9),
    "euler_leading_10": euler("leading", 10, x, e, index=3),
    "euler_trailing_1": euler("trailing", 1, x * 14.6, e, index=0),
    "euler_trailing_4": euler("trailing", 4, x, e, index=1),
    "euler_v_linspace_10_i2": euler("linspace", 10, x, e, pred="v", index=2),
    "euler_a_linspace_10_i4": euler("linspace", 10, x, e, index=4, noise=z),
    "ddim_leading_50_i0": ddim(50, x, e, 0),
    "ddim_leading_50_i49": ddim(50, x, e, 49),
    "lcm_4_i1": lcm(4, x, e, 1, z),
    "lcm_4_i3": lcm(4, x, e, 3, z),
}, indent=None))
