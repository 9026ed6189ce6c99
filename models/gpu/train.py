#!/usr/bin/env python3
"""Trains moodbox's emotion model on a GPU machine, with the kit's recipe, in one call of minutes.

The CPU kit (models/kit train, DJL) needs about 8 hours of a core for the long run; this does the
same recipe in PyTorch on an accelerator, optionally distilled from a larger teacher trained
first in the same call. It writes the student in the kit's weights format (MXW1, the names and
layouts of MiniXception.java), so the CPU side exports, quantizes and measures it as it does its
own runs:

    models/kit export --weights OUT/student.weights --out X-int8.tflite --float X-f32.tflite
    models/kit eval --model X-int8.tflite --float X-f32.tflite --split public

It reads Training and PublicTest only: PrivateTest stays for the one final figure. Each stage has
a time budget: after its first epoch it plans as many epochs as fit (at most the ones asked for)
and lays the cosine schedule over those, so a slower machine gets a shorter run, not a cut one.

    python3 models/gpu/train.py --data fer2013.bin.gz --out DIR [--device cuda]
        [--teacher vgg|minixception|none --teacher-width 4 --teacher-minutes 3.5]
        [--width 1 --epochs 160 --swa-epochs 24 --minutes 4.5 --distill 0.5] [--limit N] [--seed 2013]
"""
import argparse
import gzip
import math
import os
import struct
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

CLASSES = 7
# FER+ columns (neutral, happiness, surprise, sadness, anger, disgust, fear, contempt, unknown, NF)
# to FER2013 classes (angry, disgust, fear, happy, sad, surprise, neutral); -1: dropped.
FERPLUS_TO_FER = [6, 3, 5, 4, 0, 1, 2, -1, -1, -1]
BN_EPSILON = 1e-3


def load_fer2013(path):
    """Faces (N,48,48 uint8), usage, label and FER+ votes, as ../shared/datasets/README.md lays them out."""
    with gzip.open(path, "rb") as f:
        raw = f.read()
    magic, version, w, h, flags, n = struct.unpack(">8sHHHHI", raw[:20])
    if magic != b"FER2013\0" or version != 1 or (w, h) != (48, 48) or not flags & 1:
        raise SystemExit(f"{path} is not the packed FER2013 file (magic {magic!r}, version {version})")
    rec = np.frombuffer(raw, np.uint8, count=n * 2307, offset=20).reshape(n, 2307)
    votes = np.frombuffer(raw, np.uint8, count=n * 10, offset=20 + n * 2307).reshape(n, 10)
    stored = rec[:, 3:].reshape(n, 48, 48).astype(np.int32)
    if flags & 2:
        # MED (LOCO-I) residuals, decoded in scan order across all faces at once.
        pix = np.zeros((n, 48, 48), np.int32)
        zero = np.zeros(n, np.int32)
        for y in range(48):
            for x in range(48):
                a = pix[:, y, x - 1] if x > 0 else zero
                b = pix[:, y - 1, x] if y > 0 else zero
                c = pix[:, y - 1, x - 1] if x > 0 and y > 0 else zero
                hi, lo = np.maximum(a, b), np.minimum(a, b)
                pred = np.where(c >= hi, lo, np.where(c <= lo, hi, a + b - c))
                pix[:, y, x] = (stored[:, y, x] + pred) & 0xFF
        stored = pix
    return stored.astype(np.uint8), rec[:, 0].copy(), rec[:, 1].astype(np.int64), votes.astype(np.float32)


def targets(label, votes, smoothing=0.1, ferplus_mix=0.25):
    """The kit's soft targets: FER2013 label blended with the FER+ vote distribution, then smoothed."""
    n = len(label)
    hard = np.eye(CLASSES, dtype=np.float32)[label]
    d = np.zeros((n, CLASSES), np.float32)
    for col, to in enumerate(FERPLUS_TO_FER):
        if to >= 0:
            d[:, to] += votes[:, col]
    total = d.sum(1, keepdims=True)
    mix = np.where(total > 0, ferplus_mix, 0).astype(np.float32)
    d = np.divide(d, total, out=np.zeros_like(d), where=total > 0)
    t = (1 - mix) * hard + mix * d
    return (1 - smoothing) * t + smoothing / CLASSES


def same_pool(x):
    """3x3/2 max pool with TensorFlow's SAME padding: the odd pad at the end, as the exporter writes it."""
    pads = []
    for size in (x.shape[3], x.shape[2]):
        out = (size + 1) // 2
        total = max((out - 1) * 2 + 3 - size, 0)
        pads += [total // 2, total - total // 2]
    return F.max_pool2d(F.pad(x, pads, value=float("-inf")), 3, 2)


class MiniXception(nn.Module):
    """MiniXception.java with every channel count times `width`; names follow its weights file."""

    def __init__(self, width=1.0):
        super().__init__()
        c = lambda n: int(round(n * width))
        bn = lambda n: nn.BatchNorm2d(n, eps=BN_EPSILON, momentum=0.01)
        self.stem = nn.ModuleDict(dict(conv1=nn.Conv2d(1, c(8), 3, bias=False), conv1_bn=bn(c(8)),
                                       conv2=nn.Conv2d(c(8), c(8), 3, bias=False), conv2_bn=bn(c(8))))
        self.modules_ = nn.ModuleList()
        cin = c(8)
        for f in (c(16), c(32), c(64), c(128)):
            self.modules_.append(nn.ModuleDict(dict(
                sep1_dw=nn.Conv2d(cin, cin, 3, padding=1, groups=cin, bias=False), sep1_pw=nn.Conv2d(cin, f, 1, bias=False),
                sep1_bn=bn(f),
                sep2_dw=nn.Conv2d(f, f, 3, padding=1, groups=f, bias=False), sep2_pw=nn.Conv2d(f, f, 1, bias=False),
                sep2_bn=bn(f),
                res=nn.Conv2d(cin, f, 1, stride=2, bias=False), res_bn=bn(f))))
            cin = f
        self.head = nn.Conv2d(cin, CLASSES, 3, padding=1)

    def forward(self, x):
        s = self.stem
        x = F.relu(s.conv1_bn(s.conv1(x)))
        x = F.relu(s.conv2_bn(s.conv2(x)))
        for m in self.modules_:
            y = F.relu(m.sep1_bn(m.sep1_pw(m.sep1_dw(x))))
            y = same_pool(m.sep2_bn(m.sep2_pw(m.sep2_dw(y))))
            x = y + m.res_bn(m.res(x))
        return self.head(x).mean((2, 3))

    def named_tensors(self):
        """(name, array) in the kit's weights-file names: conv1.weight, module1.sep1.bn.gamma, head.bias, ..."""
        out = []

        def conv(name, m):
            out.append((name + ".weight", m.weight))
            if m.bias is not None:
                out.append((name + ".bias", m.bias))

        def norm(name, m):
            out.extend([(name + ".gamma", m.weight), (name + ".beta", m.bias),
                        (name + ".runningMean", m.running_mean), (name + ".runningVar", m.running_var)])

        s = self.stem
        conv("conv1", s.conv1); norm("conv1.bn", s.conv1_bn)
        conv("conv2", s.conv2); norm("conv2.bn", s.conv2_bn)
        for i, m in enumerate(self.modules_, 1):
            p = f"module{i}"
            conv(p + ".sep1.dw", m.sep1_dw); conv(p + ".sep1.pw", m.sep1_pw); norm(p + ".sep1.bn", m.sep1_bn)
            conv(p + ".sep2.dw", m.sep2_dw); conv(p + ".sep2.pw", m.sep2_pw); norm(p + ".sep2.bn", m.sep2_bn)
            conv(p + ".res", m.res); norm(p + ".res.bn", m.res_bn)
        conv("head", self.head)
        return out


class Vgg(nn.Module):
    """A VGG-style teacher (the kind that reads about 73% of FER2013): four stages of two 3x3 convs."""

    def __init__(self, width=1.0):
        super().__init__()
        layers, cin = [], 1
        for f in (64, 128, 256, 512):
            f = int(round(f * width))
            for _ in range(2):
                layers += [nn.Conv2d(cin, f, 3, padding=1, bias=False), nn.BatchNorm2d(f), nn.ReLU(inplace=True)]
                cin = f
            layers.append(nn.MaxPool2d(2))
        self.features = nn.Sequential(*layers)
        self.drop = nn.Dropout(0.3)
        self.fc = nn.Linear(cin, CLASSES)

    def forward(self, x):
        return self.fc(self.drop(self.features(x).mean((2, 3))))


def write_weights(path, tensors):
    """MXW1 as WeightsFile.java reads it: magic, count, then per tensor UTF name, rank, dims, floats; big-endian."""
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack(">II", 0x4D585731, len(tensors)))
        for name, t in tensors:
            a = t.detach().float().cpu().numpy()
            b = name.encode("utf-8")
            f.write(struct.pack(">H", len(b)) + b)
            f.write(struct.pack(">I", a.ndim) + struct.pack(f">{a.ndim}I", *a.shape))
            f.write(a.astype(">f4").tobytes())
    os.replace(tmp, path)


def read_weights(path):
    """What write_weights wrote (and WeightsFile.java writes): {name: array}."""
    with open(path, "rb") as f:
        data = f.read()
    magic, count = struct.unpack_from(">II", data, 0)
    if magic != 0x4D585731:
        raise SystemExit(f"{path} is not a moodbox weights file")
    pos, out = 8, {}
    for _ in range(count):
        (length,) = struct.unpack_from(">H", data, pos)
        name = data[pos + 2:pos + 2 + length].decode("utf-8")
        pos += 2 + length
        (rank,) = struct.unpack_from(">I", data, pos)
        shape = struct.unpack_from(f">{rank}I", data, pos + 4)
        pos += 4 + 4 * rank
        size = int(np.prod(shape))
        out[name] = np.frombuffer(data, ">f4", count=size, offset=pos).astype(np.float32).reshape(shape)
        pos += 4 * size
    return out


def load_minixception(path):
    """A Mini-Xception of the width the file's conv1 has, with the file's weights and batch statistics."""
    w = read_weights(path)
    net = MiniXception(w["conv1.weight"].shape[0] / 8)
    with torch.no_grad():
        for name, t in net.named_tensors():
            if name not in w or tuple(w[name].shape) != tuple(t.shape):
                raise SystemExit(f"{path} does not fit Mini-Xception at {name}")
            t.copy_(torch.from_numpy(w[name]))
    return net.eval()


def augment(x, g, rotation=10.0, shift=0.1, zoom=0.1, brightness=0.2, contrast=0.2, erasing=0.25):
    """The kit's augmentation on a batch (N,1,48,48 in 0..1): flip, rotation, shift, zoom (bilinear, edges
    replicated), brightness and contrast about the face's mean, and random erasing of one rectangle."""
    n, dev = x.shape[0], x.device
    u = lambda: torch.rand(n, device=dev, generator=g) * 2 - 1
    flip = torch.rand(n, device=dev, generator=g) < 0.5
    angle, z = u() * math.radians(rotation), 1 + u() * zoom
    tx, ty = u() * shift * 2, u() * shift * 2           # fractions of the half-width, as affine_grid counts
    cos, sin = torch.cos(angle) / z, torch.sin(angle) / z
    sx = torch.where(flip, -torch.ones_like(cos), torch.ones_like(cos))
    theta = torch.stack([torch.stack([cos * sx, -sin, -(cos * tx - sin * ty)], 1),
                         torch.stack([sin * sx, cos, -(sin * tx + cos * ty)], 1)], 1)
    grid = F.affine_grid(theta, list(x.shape), align_corners=True)
    x = F.grid_sample(x, grid, mode="bilinear", padding_mode="border", align_corners=True)
    gain, off = (1 + u() * contrast).view(n, 1, 1, 1), (u() * brightness).view(n, 1, 1, 1)
    mean = x.mean((1, 2, 3), keepdim=True)
    x = ((x - mean) * gain + mean + off).clamp(0, 1)
    if erasing > 0:
        area = (0.02 + torch.rand(n, device=dev, generator=g) * 0.23) * 48 * 48
        aspect = torch.exp(math.log(0.3) + torch.rand(n, device=dev, generator=g) * (math.log(3.3) - math.log(0.3)))
        h = torch.sqrt(area * aspect).round().clamp(1, 48)
        w = torch.sqrt(area / aspect).round().clamp(1, 48)
        top = (torch.rand(n, device=dev, generator=g) * (49 - h)).floor()
        left = (torch.rand(n, device=dev, generator=g) * (49 - w)).floor()
        r = torch.arange(48, device=dev).view(1, 48)
        rows = (r >= top.view(n, 1)) & (r < (top + h).view(n, 1))
        cols = (r >= left.view(n, 1)) & (r < (left + w).view(n, 1))
        box = (rows.view(n, 48, 1) & cols.view(n, 1, 48)).view(n, 1, 48, 48)
        box &= (torch.rand(n, device=dev, generator=g) < erasing).view(n, 1, 1, 1)
        x = torch.where(box, torch.rand(n, 1, 1, 1, device=dev, generator=g).expand_as(x), x)
    return x


@torch.no_grad()
def accuracy(net, x, y, flip=False, batch=1024):
    net.eval()
    right = 0
    for i in range(0, len(x), batch):
        xb = x[i:i + batch]
        p = F.softmax(net(xb), 1)
        if flip:
            p = p + F.softmax(net(xb.flip(3)), 1)
        right += (p.argmax(1) == y[i:i + batch]).sum().item()
    return right / len(x)


@torch.no_grad()
def refresh_batch_norm(net, x, batches=60, batch=256, g=None):
    """Batch statistics of averaged weights, recomputed exactly (a cumulative mean) on plain Training faces."""
    norms = [m for m in net.modules() if isinstance(m, nn.BatchNorm2d)]
    saved = [m.momentum for m in norms]
    for m in norms:
        m.reset_running_stats()
        m.momentum = None
    net.train()
    for _ in range(min(batches, max(1, len(x) // batch))):
        net(x[torch.randint(len(x), (batch,), device=x.device, generator=g)])
    for m, mom in zip(norms, saved):
        m.momentum = mom
    net.eval()


def train(name, net, x, t, vx, vy, args, epochs, swa_epochs, minutes, lr, batch, teacher=None, amp=False):
    """Cosine from `lr` with a one-epoch warm-up, then `swa_epochs` at the constant `args.swa_lr` averaged;
    returns the network to keep (the average if there is one, else the best epoch) and its PublicTest."""
    dev = x.device
    g = torch.Generator(device=dev)
    g.manual_seed(args.seed)
    opt = torch.optim.Adam(net.parameters(), lr=lr, weight_decay=1e-4)
    steps = len(x) // batch
    plan, start = epochs + swa_epochs, time.time()
    avg, count, best, best_state = None, 0, -1.0, None
    lines = []
    epoch = 0
    while epoch < plan:
        epoch += 1
        t0 = time.time()
        averaging = epoch > plan - swa_epochs
        net.train()
        order = torch.randperm(len(x), device=dev, generator=g)
        loss_sum = 0.0
        for s in range(steps):
            k = (epoch - 1) * steps + s
            cosine_steps = (plan - swa_epochs) * steps
            warm = min(steps, cosine_steps // 10)
            if averaging:
                rate = args.swa_lr
            elif k < warm:
                rate = lr * (k + 1) / warm
            else:
                q = min(1.0, (k - warm) / max(1, cosine_steps - warm))
                rate = 1e-5 + (lr - 1e-5) * 0.5 * (1 + math.cos(math.pi * q))
            for group in opt.param_groups:
                group["lr"] = rate
            idx = order[s * batch:(s + 1) * batch]
            xb, yb = augment(x[idx], g), t[idx]
            if teacher is not None:
                with torch.no_grad(), torch.autocast(dev.type, dtype=torch.bfloat16, enabled=dev.type == "cuda"):
                    p = (F.softmax(teacher(xb).float(), 1) + F.softmax(teacher(xb.flip(3)).float(), 1)) / 2
                yb = (1 - args.distill) * yb + args.distill * p
            with torch.autocast(dev.type, dtype=torch.bfloat16, enabled=amp and dev.type == "cuda"):
                logits = net(xb)
            loss = torch.sum(-yb * F.log_softmax(logits.float(), 1), 1).mean()
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            loss_sum = loss_sum + loss.detach()    # read once an epoch: a read every step would stall the GPU
        mean_loss = float(loss_sum) / steps
        if not math.isfinite(mean_loss):
            raise SystemExit(f"{name}: the loss went to {mean_loss} in epoch {epoch}; nothing of this run is written")
        live = accuracy(net, vx, vy)
        note = ""
        if averaging:
            count += 1
            with torch.no_grad():
                if avg is None:
                    avg = {k: v.detach().clone() for k, v in net.state_dict().items()}
                else:
                    for k, v in net.state_dict().items():
                        if v.dtype.is_floating_point:
                            avg[k] += (v - avg[k]) / count
            note = f"  average of {count}"
        elif live > best:
            best, best_state = live, {k: v.detach().clone() for k, v in net.state_dict().items()}
        seconds = time.time() - t0
        if epoch == 1:
            # Plan the run to fit the budget; the schedule is laid over the planned epochs from here on.
            fit = max(2, int(minutes * 60 / seconds))
            if fit < plan:
                swa_epochs = max(1, round(swa_epochs * fit / plan)) if swa_epochs else 0
                plan = fit
            print(f"{name}: {seconds:.1f} s an epoch; planned {plan} epochs ({plan - swa_epochs} cosine, "
                  f"{swa_epochs} averaged) for {minutes} minutes", flush=True)
        lines.append(f"{epoch}\t{mean_loss:.4f}\t{live * 100:.2f}\t{seconds:.1f}")
        print(f"{name} epoch {epoch}/{plan}  loss {mean_loss:.4f}  live PublicTest {live * 100:.2f}%{note}  {seconds:.1f} s",
              flush=True)
    if avg is not None:
        net.load_state_dict(avg)
        refresh_batch_norm(net, x, g=g)
    elif best_state is not None:
        net.load_state_dict(best_state)
    net.eval()
    return net, accuracy(net, vx, vy), lines, time.time() - start


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=os.environ.get("MOODBOX_FER2013", "../shared/datasets/fer2013.bin.gz"))
    ap.add_argument("--out")
    ap.add_argument("--check", help="only read this weights file's PublicTest accuracy (parity with the kit's exporter)")
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--seed", type=int, default=2013)
    ap.add_argument("--limit", type=int, default=0, help="first N Training faces only (for a quick check)")
    ap.add_argument("--teacher", choices=["vgg", "minixception", "none"], default="vgg")
    ap.add_argument("--teacher-width", type=float, default=1.0)
    ap.add_argument("--teacher-epochs", type=int, default=100)
    ap.add_argument("--teacher-swa-epochs", type=int, default=10)
    ap.add_argument("--teacher-minutes", type=float, default=3.5)
    ap.add_argument("--teacher-lr", type=float, default=0.001)
    ap.add_argument("--teacher-batch", type=int, default=128)
    ap.add_argument("--width", type=float, default=1.0, help="the student's channels times this (1.5 still fits 200 kB)")
    ap.add_argument("--epochs", type=int, default=160)
    ap.add_argument("--swa-epochs", type=int, default=24)
    ap.add_argument("--swa-lr", type=float, default=0.0005)
    ap.add_argument("--minutes", type=float, default=4.5)
    ap.add_argument("--lr", type=float, default=0.002)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--distill", type=float, default=0.5)
    args = ap.parse_args()
    if not args.out and not args.check:
        ap.error("give --out DIR to train, or --check FILE.weights")
    torch.manual_seed(args.seed)
    dev = torch.device(args.device)
    torch.backends.cudnn.benchmark = True

    t0 = time.time()
    pix, usage, label, votes = load_fer2013(args.data)
    soft = targets(label, votes)
    tr, pub = np.where(usage == 0)[0], np.where(usage == 1)[0]   # PrivateTest (2) is never read here
    if args.limit:
        tr = tr[:args.limit]
    to = lambda a: torch.from_numpy(a).to(dev)
    x = to(pix[tr]).float().div_(255).unsqueeze(1)
    t = to(soft[tr])
    vx, vy = to(pix[pub]).float().div_(255).unsqueeze(1), to(label[pub])
    print(f"FER2013: {len(tr)} Training, {len(pub)} PublicTest faces on {dev} ({time.time() - t0:.0f} s)", flush=True)
    if args.check:
        net = load_minixception(args.check).to(dev)
        print(f"{args.check}: PublicTest {accuracy(net, vx, vy) * 100:.2f}% "
              f"({accuracy(net, vx, vy, flip=True) * 100:.2f}% flip-averaged)")
        return
    os.makedirs(args.out, exist_ok=True)

    summary = [f"device\t{torch.cuda.get_device_name(0) if dev.type == 'cuda' else 'cpu'}"]
    teacher = None
    if args.teacher != "none":
        net = (Vgg if args.teacher == "vgg" else MiniXception)(args.teacher_width).to(dev).to(memory_format=torch.channels_last)
        teacher, acc, lines, secs = train("teacher", net, x, t, vx, vy, args, args.teacher_epochs, args.teacher_swa_epochs,
                                          args.teacher_minutes, args.teacher_lr, args.teacher_batch, amp=True)
        for p in teacher.parameters():
            p.requires_grad_(False)
        flip = accuracy(teacher, vx, vy, flip=True)
        summary += [f"teacher\t{args.teacher} x{args.teacher_width}, {sum(p.numel() for p in teacher.parameters())} parameters, "
                    f"{len(lines)} epochs, {secs:.0f} s", f"teacher PublicTest\t{acc * 100:.2f}% ({flip * 100:.2f}% flip-averaged)"]
        if args.teacher == "minixception":
            write_weights(os.path.join(args.out, "teacher.weights"), teacher.named_tensors())
    student = MiniXception(args.width).to(dev)
    student, acc, lines, secs = train("student", student, x, t, vx, vy, args, args.epochs, args.swa_epochs,
                                      args.minutes, args.lr, args.batch, teacher=teacher)
    write_weights(os.path.join(args.out, "student.weights"), student.named_tensors())
    with open(os.path.join(args.out, "student.tsv"), "w") as f:
        f.write("epoch\tloss\tlive_public\tseconds\n" + "\n".join(lines) + "\n")
    flip = accuracy(student, vx, vy, flip=True)
    summary += [f"student\tMini-Xception x{args.width}, {sum(p.numel() for p in student.parameters())} parameters, "
                f"{len(lines)} epochs, {secs:.0f} s",
                f"student PublicTest (float, PyTorch)\t{acc * 100:.2f}% ({flip * 100:.2f}% flip-averaged)"]
    with open(os.path.join(args.out, "summary.tsv"), "w") as f:
        f.write("\n".join(summary) + "\n")
    print("\n".join(summary))


if __name__ == "__main__":
    main()
