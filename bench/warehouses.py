"""Warehouse calls' throughput, in-process: each engine's contract against ``POST /models/{name}/predict``.

Each measurement is the adapter's translation plus the core's work for one request, from the body's bytes
(the event, for Redshift) to the answer's, as the server spends it: BigQuery's ``bigquery_replies`` (then
orjson, as the route's response does), Snowflake's ``snowflake_rows`` (which writes its reply's bytes
itself), and the Redshift kind's ``handle`` (its answer is the JSON string). The yardstick is
``predict_batch`` on the same rows as JSON columns, the batch route's fastest format, and its answer
encoded the same way.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import orjson

from bench.batch import _best, payloads
from core.prediction.registry import model_spec
from core.prediction.service import predict_batch
from handlers.aws_events.guard import guarded
from handlers.aws_events.redshift import RedshiftCalls, RedshiftUdf
from handlers.routes.warehouses import bigquery_replies, snowflake_rows
from handlers.settings import Settings


@dataclasses.dataclass(frozen=True)
class WarehouseResult:
    model: str
    contract: str
    rows: int
    payload_mb: float
    rows_per_s: float
    columns_rows_per_s: float

    @property
    def ratio(self) -> float:
        """How many times slower than ``POST /models/{name}/predict`` with JSON columns (1.0: as fast)."""
        return self.columns_rows_per_s / self.rows_per_s


def bodies(model: str, rows: int) -> tuple[bytes, dict[str, Any]]:
    """The JSON-columns batch, and each warehouse's request for the same rows."""
    columns_body, _, x = payloads(model, rows)["json-columns"]
    kinds = [f.kind != "number" for f in model_spec(model).features]
    calls = [[int(v) if whole else v for v, whole in zip(row, kinds, strict=True)] for row in x.tolist()]
    return columns_body, {
        "bigquery": orjson.dumps({"requestId": "bench", "caller": "bench", "sessionUser": "bench", "calls": calls}),
        "snowflake": orjson.dumps({"data": [[i, *call] for i, call in enumerate(calls)]}),
        "redshift": {
            "request_id": "bench",
            "external_function": f"public.predict_{model.replace('-', '_')}",
            "num_records": len(calls),
            "arguments": calls,
        },
    }


def measure(model: str, rows: int, runs: int) -> list[WarehouseResult]:
    settings = dataclasses.replace(Settings.from_env(), access_log=False, max_batch_rows=10**7)
    redshift = RedshiftUdf(guarded(RedshiftCalls(settings), settings))
    columns_body, requests = bodies(model, rows)
    work = {
        "bigquery": lambda: orjson.dumps(bigquery_replies(model, requests["bigquery"], settings)),
        "snowflake": lambda: snowflake_rows(model, requests["snowflake"], "label", settings),
        "redshift": lambda: redshift.handle(requests["redshift"], None),
    }
    columns = rows / _best(
        lambda: orjson.dumps(predict_batch(model, columns_body, "application/json", max_rows=10**7)), runs
    )
    results = []
    for contract, call in work.items():
        size = len(orjson.dumps(requests[contract]) if contract == "redshift" else requests[contract])
        results.append(WarehouseResult(model, contract, rows, size / 1e6, rows / _best(call, runs), columns))
    return results


def main() -> None:
    """``python -m bench.warehouses``: this section alone (its table and its two targets), printed as markdown."""
    from bench.report import Report
    from bench.sections import warehouses as section

    report = Report({})
    section.add(report, [r for m in ("diabetes", "diabetes-gbm") for r in measure(m, 50_000, 5)])
    print(report.parts[0])
    for target in report.targets:
        print(f"| {target.what} | {target.goal} | {target.ours} | {'yes' if target.holds else '**no**'} |")


if __name__ == "__main__":
    main()
