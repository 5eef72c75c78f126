#!/usr/bin/env bash
# Installs real Milvus 2.3.5 (PyPI `milvus`: a standalone server binary with embedded etcd and local
# storage, in the wheel; no system packages) and pymilvus 2.3.7 into bench/peers/.venv-milvus, for
# bench/milvus-server.ts. Apart from bench/peers/.venv (Milvus Lite wants pymilvus 3). CI never runs this.
# The pins below are the ones that work together: milvus 2.3.5 imports pkg_resources (setuptools < 70)
# and pymilvus 2.3.7 breaks with marshmallow 4, numpy 2 and pandas 2.3.
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -x .venv-milvus/bin/python ]; then
  python3 -m venv .venv-milvus
fi
.venv-milvus/bin/pip install --quiet --disable-pip-version-check \
  "milvus==2.3.5" "pymilvus==2.3.7" "setuptools<70" "marshmallow<4" "numpy<2" "pandas<2.3"
.venv-milvus/bin/python -c "import milvus, pymilvus, numpy; print('milvus', milvus.__version__, 'pymilvus', pymilvus.__version__, 'numpy', numpy.__version__)"
