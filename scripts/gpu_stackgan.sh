#!/usr/bin/env bash
# StackGAN at the paper's emoji scale on a GPU: Stage-I at 64×64 and Stage-II at 256×256 on the 3D Fluent Emoji.
# Not yet run on a GPU (none was lent). Its commands were run on the CPU at toy length on 2026-12-07 (Stage-I 3
# steps of batch 8 at 64x64 with these channels, Stage-II 2 steps of batch 4 at 256x256, export, both samples;
# peak 3.3 GB, after the core drew its sample grids in batches bounded by pixels). Both stages train with the
# small-data options the CPU showcases measured best (DiffAugment, spectral normalization in D, resize-convolutions
# in G) and Stage-II with --refine-skip. Prepare here:
#   go build -o bin/ganbook ./cmd/ganbook && ganbook data fetch emoji --fluent --dir bin/emoji
#   cp -r runs/textenc-emoji bin/textenc-emoji     # the text encoder: emoji and Fluent share their captions
# then run this on the GPU machine from the repository root with bin/ carried along. Writes the runs to $OUT.
set -u
OUT=${OUT:-.}
P=$(python3 -c "import jax_plugins.xla_cuda13 as m,os;print(os.path.dirname(m.__file__))")/xla_cuda_plugin.so
export GOMLX_BACKEND="xla:$P" GOPJRT_CUDA_CHECKS=0 GANBOOK_EMOJI_DIR="$PWD/bin/emoji"
nvidia-smi -L
./bin/ganbook backend
./bin/ganbook data --dataset emoji-fluent64 --split train || exit 1
timeout 280 ./bin/ganbook train stackgan --stage 1 --dataset emoji-fluent64 --encoder bin/textenc-emoji \
  --gen-channels 512,256,128,64 --disc-channels 64,128,256,512 --diffaugment color,translation,cutout --spectral-norm \
  --upsample resize --minutes 4 --out "$OUT/stackgan-fluent-s1" 2>&1 | tail -3
timeout 330 ./bin/ganbook train stackgan --stage 2 --stage1 "$OUT/stackgan-fluent-s1" --refine-skip \
  --diffaugment color,translation,cutout --spectral-norm --upsample resize --minutes 5 \
  --out "$OUT/stackgan-fluent-s2" 2>&1 | tail -3
./bin/ganbook export --run "$OUT/stackgan-fluent-s2" --out "$OUT/stackgan-emoji-fluent"
./bin/ganbook sample --run "$OUT/stackgan-emoji-fluent" --caption "a red apple" --n 16 --out "$OUT/fluent-apple.png"
./bin/ganbook sample --run "$OUT/stackgan-emoji-fluent" --caption "a red apple" --n 16 --stage 1 --out "$OUT/fluent-apple-stage1.png"
