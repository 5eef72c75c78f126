"""Bulk import of the files pymilvus's own LocalBulkWriter writes (JSON, Parquet, NumPy), through
pymilvus 2.6 against quiver serve: `utility.do_bulk_insert` (the Import RPC) and
`bulk_writer.bulk_import` (REST v2 jobs/import/create), then the job's state and the rows read back.
The bulk_writer extra (pyarrow, minio, azure-storage-blob) is installed in the pymilvus 2.6 venv only
(requirements-2.6.txt), so the 2.5 and 3.0 runs skip this file, saying so."""
import time

import pytest
from pymilvus import DataType, MilvusClient, utility
from pymilvus import __version__ as pymilvus_version

IS_26 = pymilvus_version.startswith("2.6.")
pytestmark = pytest.mark.skipif(not IS_26, reason="the bulk_writer extra is installed in the pymilvus 2.6 venv only")

DIM = 8
ROWS = 300


def schema_of(client: MilvusClient, full=True):
    """full: with a nullable Double and an Array field (JSON and Parquet); the NumPy format has neither (the writer refuses them, as Milvus)."""
    schema = client.create_schema(auto_id=False, enable_dynamic_field=True)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("vec", DataType.FLOAT_VECTOR, dim=DIM)
    schema.add_field("title", DataType.VARCHAR, max_length=32)
    if full:
        schema.add_field("score", DataType.DOUBLE, nullable=True)
        schema.add_field("tags", DataType.ARRAY, element_type=DataType.INT64, max_capacity=4)
    return schema


def row(i: int, full=True) -> dict:
    r = {
        "id": i,
        "vec": [float(i % 7) + k / 10 for k in range(DIM)],
        "title": f"t{i}",
        "color": "red" if i % 2 == 0 else "blue",  # dynamic field
    }
    if full:
        r["score"] = None if i % 5 == 0 else i / 2
        r["tags"] = [i, i + 1]
    return r


def write_files(schema, tmp_path, file_type, offset, full=True):
    from pymilvus.bulk_writer import LocalBulkWriter

    with LocalBulkWriter(schema=schema, local_path=str(tmp_path / file_type.name), file_type=file_type) as writer:
        for i in range(offset, offset + ROWS):
            writer.append_row(row(i, full))
        writer.commit()
        return writer.batch_files


def wait_completed(state_of, what):
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        state, reason = state_of()
        if state == "Completed":
            return
        assert state not in ("Failed",), f"{what} failed: {reason}"
        time.sleep(0.2)
    pytest.fail(f"{what} did not complete in 120 s")


def check_rows(client: MilvusClient, name, offset, full=True):
    fields = ["id", "vec", "title", "color"] + (["score", "tags"] if full else [])
    got = client.query(name, filter=f"id >= {offset} and id < {offset + ROWS}", output_fields=fields, limit=ROWS)
    assert len(got) == ROWS
    by_id = {r["id"]: r for r in got}
    for i in (offset, offset + 1, offset + 5, offset + ROWS - 1):
        want, have = row(i, full), by_id[i]
        assert have["title"] == want["title"]
        assert have["color"] == want["color"]
        if full:
            assert have["score"] == want["score"]
            assert list(have["tags"]) == want["tags"]
        assert [round(x, 5) for x in have["vec"]] == [round(x, 5) for x in want["vec"]]


def test_local_bulk_writer_files_import_through_rpc_and_rest(uri, orm, client: MilvusClient, name, tmp_path):
    from pymilvus.bulk_writer import BulkFileType, bulk_import, get_import_progress

    schema = schema_of(client)
    client.create_collection(name, schema=schema)
    numpy_name = name + "_npy"
    numpy_schema = schema_of(client, full=False)
    client.create_collection(numpy_name, schema=numpy_schema)
    # Import RPC (utility.do_bulk_insert), one call per batch of files the writer made (a NumPy batch
    # is a directory of one .npy per field, `$meta.npy` for the dynamic field).
    for k, (file_type, target, sch, full) in enumerate([(BulkFileType.JSON, name, schema, True), (BulkFileType.PARQUET, name, schema, True), (BulkFileType.NUMPY, numpy_name, numpy_schema, False)]):
        offset = k * ROWS
        batches = write_files(sch, tmp_path, file_type, offset, full)
        assert len(batches) == 1, batches
        job = utility.do_bulk_insert(collection_name=target, files=batches[0])

        def state_of(job=job):
            s = utility.get_bulk_insert_state(task_id=job)
            return s.state_name, s.failed_reason

        wait_completed(state_of, f"{file_type.name} import")
        check_rows(client, target, offset, full)
    # REST v2 jobs/import/create (bulk_writer.bulk_import), Parquet.
    offset = 3 * ROWS
    (tmp_path / "rest").mkdir()
    batches = write_files(schema, tmp_path / "rest", BulkFileType.PARQUET, offset)
    r = bulk_import(url=uri, collection_name=name, files=batches)
    body = r.json()
    assert body["code"] == 0, body
    job_id = body["data"]["jobId"]

    def rest_state():
        p = get_import_progress(url=uri, job_id=job_id).json()
        assert p["code"] == 0, p
        return p["data"]["state"], p["data"].get("reason", "")

    wait_completed(rest_state, "REST import")
    check_rows(client, name, offset)
    assert client.query(name, filter="", output_fields=["count(*)"])[0]["count(*)"] == 3 * ROWS
    assert client.query(numpy_name, filter="", output_fields=["count(*)"])[0]["count(*)"] == ROWS
