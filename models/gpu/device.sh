#!/usr/bin/env bash
# One call on the lent GPU machine: a teacher, then the student distilled from it, in about 8 minutes.
# Run from this machine with the device tool (see models/gpu/README.md):
#   run(command="bash models/gpu/device.sh", carry=["models/work/data/fer2013.bin.gz"], timeout_s=600)
# Extra arguments go to train.py (e.g. --width 1.5 --teacher-minutes 3). What comes back is in $OUT.
set -euo pipefail
data=models/work/data/fer2013.bin.gz
[ -f "$data" ] || { echo "no $data: carry it (models/gpu/README.md says how)"; exit 2; }
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || true
python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.cuda.is_available())'
out="${OUT:-/tmp/moodbox-gpu}"
timeout 540 python3 models/gpu/train.py --data "$data" --out "$out" "$@" 2>&1 | tee "$out/train.log"
