#!/usr/bin/env bash
# Build first (here, with cgo): go build -o bin/ganbook ./cmd/ganbook && go test -c -o bin/nn.test ./pkg/nn
# then run this on the GPU machine from the repository root with bin/ carried along.
# Device check for pkg/nn on XLA CUDA: backend description, conv/convT tests (tf32 off), conv benchmark.
set -u
P=$(python3 -c "import jax_plugins.xla_cuda13 as m,os;print(os.path.dirname(m.__file__))")/xla_cuda_plugin.so
export GOPJRT_CUDA_CHECKS=0
nvidia-smi -L
echo "== backend"
GOMLX_BACKEND="xla:$P" ./bin/ganbook backend
echo "== nn tests on XLA CUDA (tf32=false)"
GOMLX_BACKEND="xla:$P,tf32=false" timeout 200 ./bin/nn.test -test.count=1 2>&1 | tail -15
echo "== bench conv on XLA CUDA"
GOMLX_BACKEND="xla:$P" timeout 150 ./bin/ganbook bench conv --json --min-time 1s > "$OUT/bench_conv_cuda.json" 2>&1
cat "$OUT/bench_conv_cuda.json"
