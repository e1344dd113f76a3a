#!/usr/bin/env bash
# GPU benchmark, run on a machine with an NVIDIA GPU, JAX's CUDA PJRT plugin and a CUDA build of PyTorch, from a
# folder holding: bin/ganbook (built with cgo), bin/dcgan_torch.py (../shared/peers/dcgan_torch.py) and
# bin/mnist/train-*-ubyte.gz (the GoMNIST module's data). Writes JSON reports to $OUT (default: the current folder).
set -u
OUT=${OUT:-.}
P=$(python3 -c "import jax_plugins.xla_cuda13 as m,os;print(os.path.dirname(m.__file__))")/xla_cuda_plugin.so
export GOMLX_BACKEND="xla:$P" GOPJRT_CUDA_CHECKS=0 GANBOOK_MNIST_DIR="$PWD/bin/mnist"
nvidia-smi -L
python3 -c "import torch; print('torch', torch.__version__, 'cuda', torch.cuda.is_available())"
./bin/ganbook backend
for b in 64 256; do
  echo "== bench dcgan, batch $b"
  timeout 200 ./bin/ganbook bench dcgan --json --batch "$b" --steps 50 --peer bin/dcgan_torch.py --python python3 \
    --peer-device cuda > "$OUT/bench_dcgan_cuda_b$b.json" 2>&1
  cat "$OUT/bench_dcgan_cuda_b$b.json"
done
echo "== bench conv"
timeout 120 ./bin/ganbook bench conv --json --min-time 1s > "$OUT/bench_conv_cuda.json" 2>&1
cat "$OUT/bench_conv_cuda.json"
