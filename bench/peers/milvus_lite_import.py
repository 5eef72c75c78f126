"""Milvus Lite insert of the Parquet file of bench/import.ts (pyarrow, batches of 10,000 rows;
Milvus Lite has no bulk import). Prints one JSON line { system, rows, seconds, note }.
By hand: `.venv/bin/python bench/peers/milvus_lite_import.py --file rows.parquet --db /tmp/lite.db`."""
import argparse, json, os, time
import pyarrow.parquet as pq
from pymilvus import MilvusClient, DataType

p = argparse.ArgumentParser()
p.add_argument('--file'); p.add_argument('--db'); p.add_argument('--batch', type=int, default=10000)
a = p.parse_args()
if os.path.exists(a.db):
    os.remove(a.db)
c = MilvusClient(a.db)
schema = MilvusClient.create_schema(auto_id=False)
schema.add_field('id', DataType.INT64, is_primary=True)
schema.add_field('vec', DataType.FLOAT_VECTOR, dim=128)
c.create_collection('bench', schema=schema)
start = time.perf_counter()
f = pq.ParquetFile(a.file)
n = 0
for batch in f.iter_batches(batch_size=a.batch):
    ids = batch.column('id').to_pylist()
    vecs = batch.column('vec').to_pylist()
    c.insert('bench', [{'id': i, 'vec': v} for i, v in zip(ids, vecs)])
    n += len(ids)
c.flush('bench')
seconds = time.perf_counter() - start
print(json.dumps({'system': 'Milvus Lite insert (pyarrow batches of %d) + flush' % a.batch, 'rows': n, 'seconds': seconds, 'note': 'milvus-lite 3.2.2, pymilvus 3.0.2'}))
