#!/usr/bin/env bash
# Installs the peer systems of bench/upsert.ts and bench/fts.ts, outside the main package (CI never runs this):
#   bench/peers/node_modules  @lancedb/lancedb + apache-arrow, pinned exactly in package.json
#   bench/peers/.venv         milvus-lite + pymilvus (numpy comes with pymilvus), pinned below;
#                             bm25s + scipy for the BM25 reference, pinned in requirements-fts.txt
# Needs Node >= 20.19, npm, python3 >= 3.10 with the venv module (Debian: apt-get install python3-venv).
set -euo pipefail
cd "$(dirname "$0")"

MILVUS_LITE_VERSION=3.2.2
PYMILVUS_VERSION=3.0.2

npm install --no-audit --no-fund --no-package-lock
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/pip install --quiet --disable-pip-version-check \
  "milvus-lite==${MILVUS_LITE_VERSION}" "pymilvus==${PYMILVUS_VERSION}"
.venv/bin/pip install --quiet --disable-pip-version-check -r requirements-fts.txt

node -e "import('@lancedb/lancedb').then(() => console.log('lancedb ok'))"
.venv/bin/python -c "import milvus_lite, pymilvus, numpy; print('milvus-lite', milvus_lite.__version__, 'pymilvus', pymilvus.__version__, 'numpy', numpy.__version__)"
.venv/bin/python -c "import bm25s, scipy; print('bm25s', bm25s.__version__, 'scipy', scipy.__version__)"
