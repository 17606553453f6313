"""End-to-end tests of the "Arc" Jupyter kernel (runtime/arc-kernel).

Starts the installed `arc` kernelspec with jupyter_client (the real JVM kernel over the Jupyter
protocol, running Arc 3.7.0 on a real local Spark) and executes Arc cells in it.

Needs: `make kernel` (builds .cache/arc/kernel/arcade-arc-kernel.jar and installs the kernelspec).
"""

from __future__ import annotations

import html
import re
import time

import psutil
import pytest
from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
from jupyter_client.manager import KernelManager

KERNEL_NAME = "arc"
START_TIMEOUT = 180  # JVM + SparkSession on 2 cores
CELL_TIMEOUT = 240


def _kernelspec():
    try:
        return KernelSpecManager().get_kernel_spec(KERNEL_NAME)
    except NoSuchKernel:
        pytest.fail(
            "The 'arc' Jupyter kernelspec is not installed in this environment. "
            "Build and install it with `make kernel` "
            "(or: cd runtime/arc-kernel && mvn -B -q -Dmaven.repo.local=../../.cache/m2 package "
            "&& .venv/bin/python scripts/install_arc_kernel.py).",
            pytrace=False,
        )


@pytest.fixture(scope="module")
def kernel_manager():
    spec = _kernelspec()
    assert spec.display_name == "Arc"
    km = KernelManager(kernel_name=KERNEL_NAME)
    km.start_kernel()
    try:
        yield km
    finally:
        km.shutdown_kernel(now=False)


@pytest.fixture(scope="module")
def kernel(kernel_manager):
    t0 = time.monotonic()
    kc = kernel_manager.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=START_TIMEOUT)
        print(f"arc kernel ready after {time.monotonic() - t0:.1f}s")
        yield kc
    finally:
        kc.stop_channels()


class Result:
    def __init__(self, reply: dict, outputs: list[dict]):
        self.reply = reply
        self.outputs = outputs

    @property
    def status(self) -> str:
        return self.reply["content"]["status"]

    def data(self, mime: str) -> str:
        for msg in self.outputs:
            if (
                msg["msg_type"] in ("execute_result", "display_data")
                and mime in msg["content"]["data"]
            ):
                return msg["content"]["data"][mime]
        raise AssertionError(
            f"no {mime} output; outputs: {[m['content'] for m in self.outputs]}, "
            f"reply: {self.reply['content']}"
        )


def run(kc, code: str, timeout: float = CELL_TIMEOUT) -> Result:
    outputs: list[dict] = []
    reply = kc.execute_interactive(
        code, timeout=timeout, output_hook=outputs.append, allow_stdin=False
    )
    return Result(reply, outputs)


def parse_table(markup: str) -> tuple[list[str], list[list[str]]]:
    assert "<table" in markup, markup
    header = [html.unescape(h) for h in re.findall(r"<th>(.*?)</th>", markup, re.S)]
    rows = [
        [html.unescape(c) for c in re.findall(r"<td>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", markup.split("<tbody>", 1)[1], re.S)
    ]
    return header, rows


def assert_ok(res: Result) -> None:
    assert res.status == "ok", (
        f"{res.reply['content'].get('ename')}: {res.reply['content'].get('evalue')}"
    )


def test_sql_magic_renders_html_table(kernel):
    res = run(kernel, "%sql outputView=x environments=dev\nSELECT 1 AS x")
    assert_ok(res)
    header, rows = parse_table(res.data("text/html"))
    assert header == ["x"]
    assert rows == [["1"]]
    assert "x" in res.data("text/plain")


def test_plain_hocon_stage(kernel):
    cell = (
        '{"type": "SQLTransform", "name": "t", "environments": ["dev"], '
        '"sql": "SELECT \'a\' AS letter", "outputView": "t"}'
    )
    res = run(kernel, cell)
    assert_ok(res)
    header, rows = parse_table(res.data("text/html"))
    assert header == ["letter"]
    assert rows == [["a"]]


def test_sql_reads_view_from_previous_cell(kernel):
    run(
        kernel,
        '{"type": "SQLTransform", "name": "t", "environments": ["dev"], '
        '"sql": "SELECT \'a\' AS letter", "outputView": "t"}',
    )
    res = run(
        kernel,
        '%sql name="upper" outputView=t_upper environments=dev,test\n'
        "SELECT UPPER(letter) AS big, letter FROM t",
    )
    assert_ok(res)
    header, rows = parse_table(res.data("text/html"))
    assert header == ["big", "letter"]
    assert rows == [["A", "a"]]


def test_sql_without_output_view_uses_placeholder(kernel):
    res = run(kernel, "%sql\nSELECT id, '<b>&' AS markup FROM range(3)")
    assert_ok(res)
    markup = res.data("text/html")
    assert "<b>&" not in markup  # HTML-escaped
    header, rows = parse_table(markup)
    assert header == ["id", "markup"]
    assert rows == [["0", "<b>&"], ["1", "<b>&"], ["2", "<b>&"]]


def test_conf_num_rows_limits_rows(kernel):
    assert_ok(run(kernel, "%conf numRows=2"))
    try:
        res = run(kernel, "%sql outputView=r\nSELECT id FROM range(10)")
        assert_ok(res)
        _, rows = parse_table(res.data("text/html"))
        assert rows == [["0"], ["1"]]
    finally:
        assert_ok(run(kernel, "%conf numRows=20"))


def test_env_values_substituted(kernel):
    assert_ok(run(kernel, "%env ARCADE_GREETING=hello"))
    res = run(
        kernel,
        '{"type": "SQLTransform", "name": "env", "environments": ["dev"], '
        '"sql": "SELECT \'"${ARCADE_GREETING}"\' AS g", "outputView": "g"}',
    )
    assert_ok(res)
    _, rows = parse_table(res.data("text/html"))
    assert rows == [["hello"]]


def test_sql_syntax_error_is_an_error_reply_and_kernel_survives(kernel):
    res = run(kernel, "%sql outputView=broken environments=dev\nSELEC 1 AS x FROM")
    assert res.status == "error"
    content = res.reply["content"]
    assert content["ename"].startswith("Arc")
    assert content["evalue"]
    assert any(m["msg_type"] == "error" for m in res.outputs)
    # the kernel still answers
    res = run(kernel, "%sql outputView=after_error\nSELECT 2 AS y")
    assert_ok(res)
    assert parse_table(res.data("text/html")) == (["y"], [["2"]])


def test_runtime_error_names_the_stage(kernel):
    res = run(kernel, '%sql name="missing table" outputView=m\nSELECT * FROM no_such_view_anywhere')
    assert res.status == "error"
    evalue = res.reply["content"]["evalue"]
    assert "no_such_view_anywhere" in evalue
    assert "missing table" in evalue


def test_unknown_magic_is_a_clear_error(kernel):
    res = run(kernel, "%frobnicate foo")
    assert res.status == "error"
    assert res.reply["content"]["ename"] == "ArcMagicError"
    assert "%frobnicate" in res.reply["content"]["evalue"]


def test_version(kernel):
    res = run(kernel, "%version")
    assert_ok(res)
    text = res.data("text/plain")
    assert "Arc: 3.7.0" in text
    assert "Spark: 3.3.4" in text


def test_delta_lake_through_sql(kernel, tmp_path):
    # Arc 3.7.0 core has no DeltaLakeLoad/Extract stages (that plugin is not on Maven Central);
    # Delta works through Spark SQL thanks to the Delta session extension + catalog.
    path = tmp_path / "letters"
    res = run(
        kernel,
        '%sql name="write letters" outputView=w environments=dev\n'
        f"CREATE TABLE delta.`{path}` USING DELTA AS SELECT 'a' AS letter",
    )
    assert_ok(res)
    assert (path / "_delta_log").is_dir()
    res = run(kernel, f"%sql outputView=letters_back\nSELECT * FROM delta.`{path}`")
    assert_ok(res)
    assert parse_table(res.data("text/html")) == (["letter"], [["a"]])


# -------------------------------------------------------------------------------------------------
# Network exposure: the kernel JVM (Spark's driver included) listens on loopback only.

LOOPBACK = ("127.0.0.1", "::1")


def _listening_tcp_sockets(pid: int) -> list[tuple[int, str, int]]:
    """(pid, address, port) of every listening TCP socket of the process and its children."""
    root = psutil.Process(pid)
    found = []
    for proc in (root, *root.children(recursive=True)):
        for conn in proc.net_connections(kind="tcp"):
            if conn.status == psutil.CONN_LISTEN:
                found.append((proc.pid, conn.laddr.ip, conn.laddr.port))
    return found


def test_spark_driver_listens_on_loopback_only(kernel, kernel_manager):
    # A cell that runs a Spark job: afterwards the driver's RPC and block-manager servers are up.
    res = run(kernel, "%sql outputView=loopback_probe\nSELECT COUNT(*) AS n FROM range(10)")
    assert_ok(res)
    assert parse_table(res.data("text/html")) == (["n"], [["10"]])

    listening = _listening_tcp_sockets(kernel_manager.provisioner.pid)
    jupyter_ports = {
        kernel_manager.shell_port,
        kernel_manager.iopub_port,
        kernel_manager.stdin_port,
        kernel_manager.control_port,
        kernel_manager.hb_port,
    }
    spark_sockets = [s for s in listening if s[2] not in jupyter_ports]
    # not vacuous: Spark's driver sockets are among those checked, not only Jupyter's ZeroMQ ones
    assert spark_sockets, f"no socket besides Jupyter's {sorted(jupyter_ports)}: {listening}"
    exposed = [s for s in listening if s[1] not in LOOPBACK]
    assert not exposed, f"listening beyond loopback (pid, address, port): {exposed}"


# -------------------------------------------------------------------------------------------------
# Kernel status (busy/idle) around non-execute requests. JupyterLab shows the kernel's status from
# iopub `status` messages; the busy/idle of each request must carry that request's header as
# parent_header.


def send_request(
    kc, msg_type: str, content: dict | None = None, timeout: float = 60
) -> tuple[dict, dict, list[dict]]:
    """Sends one shell request; returns (request, reply, statuses): the iopub status messages
    whose parent is the request, in order, up to its idle."""
    request = kc.session.msg(msg_type, content or {})
    kc.shell_channel.send(request)
    msg_id = request["header"]["msg_id"]
    deadline = time.monotonic() + timeout
    reply = None
    while reply is None:
        msg = kc.get_shell_msg(timeout=max(0.1, deadline - time.monotonic()))
        if msg["parent_header"].get("msg_id") == msg_id:
            reply = msg
    statuses: list[dict] = []
    while not statuses or statuses[-1]["content"]["execution_state"] != "idle":
        msg = kc.get_iopub_msg(timeout=max(0.1, deadline - time.monotonic()))
        if msg["msg_type"] == "status" and msg["parent_header"].get("msg_id") == msg_id:
            statuses.append(msg)
    return request, reply, statuses


def assert_busy_idle_for(request: dict, statuses: list[dict]) -> None:
    assert [s["content"]["execution_state"] for s in statuses] == ["busy", "idle"]
    for status in statuses:
        parent = status["parent_header"]
        for key in ("msg_id", "msg_type", "session", "username"):
            assert parent[key] == request["header"][key], key


def test_kernel_info_request_gets_busy_then_idle_with_its_parent_header(kernel):
    request, reply, statuses = send_request(kernel, "kernel_info_request")
    assert reply["msg_type"] == "kernel_info_reply"
    assert reply["content"]["language_info"]["name"] == "arc"
    assert_busy_idle_for(request, statuses)


def test_history_request_gets_busy_reply_idle(kernel):
    # What took JupyterLab's status from "Unknown" to "Idle": it ignores the busy/idle of
    # kernel_info_request (jupyter_server's untracked_message_types) and uses those of the
    # history_request a notebook sends when it connects. jupyter-jvm-basekernel 2.3.0 answered that
    # request with nothing at all.
    kernelmanager = pytest.importorskip("jupyter_server.services.kernels.kernelmanager")
    untracked = kernelmanager.MappingKernelManager.class_traits()[
        "untracked_message_types"
    ].default()
    assert "kernel_info_request" in untracked and "history_request" not in untracked

    # JupyterLab's request (NotebookHistory)
    request, reply, statuses = send_request(
        kernel,
        "history_request",
        {"output": False, "raw": True, "hist_access_type": "tail", "n": 500},
    )
    assert reply["msg_type"] == "history_reply"
    assert reply["content"]["status"] == "ok"
    assert_busy_idle_for(request, statuses)


def test_history_lists_executed_cells(kernel):
    res = run(kernel, "%version")
    assert_ok(res)
    count = res.reply["content"]["execution_count"]

    _, reply, _ = send_request(
        kernel,
        "history_request",
        {"output": False, "raw": True, "hist_access_type": "tail", "n": 1},
    )
    assert reply["content"]["history"] == [[1, count, "%version"]]

    _, reply, _ = send_request(
        kernel,
        "history_request",
        {
            "output": False,
            "raw": True,
            "hist_access_type": "range",
            "session": 0,
            "start": count,
            "stop": count + 1,
        },
    )
    assert reply["content"]["history"] == [[1, count, "%version"]]

    _, reply, _ = send_request(
        kernel,
        "history_request",
        {
            "output": False,
            "raw": True,
            "hist_access_type": "search",
            "pattern": "%vers?o[a-n]*",
            "n": 0,
            "unique": True,
        },
    )
    assert reply["content"]["history"][-1] == [1, count, "%version"]
    assert len(reply["content"]["history"]) == 1

    _, reply, _ = send_request(
        kernel, "history_request", {"output": True, "raw": True, "hist_access_type": "tail", "n": 1}
    )
    assert reply["content"]["history"] == [[1, count, ["%version", None]]]


# -------------------------------------------------------------------------------------------------
# Completion (complete_request, what JupyterLab's kernel completion provider sends on Tab): names
# and columns from the live Spark session's catalog, only inside SQL. Positions are code points
# (Jupyter protocol >= 5.2).


def complete(kc, code: str, cursor_pos: int | None = None) -> dict:
    cursor_pos = len(code) if cursor_pos is None else cursor_pos
    t0 = time.monotonic()
    request, reply, statuses = send_request(
        kc, "complete_request", {"code": code, "cursor_pos": cursor_pos}
    )
    elapsed = time.monotonic() - t0
    assert reply["msg_type"] == "complete_reply"
    assert_busy_idle_for(request, statuses)
    content = reply["content"]
    assert content["status"] == "ok", content
    assert elapsed < 10, f"complete_request took {elapsed:.1f}s"
    return content


def assert_completion(
    content: dict, matches: list[str], start: int, end: int, kind: str | None = None
) -> None:
    assert content["matches"] == matches
    assert (content["cursor_start"], content["cursor_end"]) == (start, end)
    types = content["metadata"]["_jupyter_types_experimental"]
    assert [t["text"] for t in types] == matches
    assert all((t["start"], t["end"]) == (start, end) for t in types)
    if kind is not None:
        assert {t["type"] for t in types} <= {kind}, types


@pytest.fixture(scope="module")
def people_view(kernel):
    assert_ok(
        run(
            kernel,
            '%sql name="people" outputView=people environments=dev\n'
            "SELECT 1 AS person_id, 'a' AS person_name, "
            "named_struct('city', 'x', 'zip', 1) AS address",
        )
    )
    return "people"


def test_completion_offers_columns_of_the_tables_the_sql_reads(kernel, people_view):
    head = "%sql name=x outputView=y environments=dev\nSELECT per"
    code = head + " FROM people"
    assert_completion(
        complete(kernel, code, len(head)),
        ["person_id", "person_name"],
        len(head) - 3,
        len(head),
        "column",
    )
    # case-insensitive prefix, the catalog's spelling inserted
    head = "%sql\nSELECT PERSON_N"
    assert_completion(
        complete(kernel, head + " FROM people", len(head)),
        ["person_name"],
        len(head) - 8,
        len(head),
        "column",
    )
    # positions are code points: a character outside the BMP before the cursor counts once
    head = "%sql\nSELECT '\U0001f600' AS smile, per"
    assert_completion(
        complete(kernel, head + " FROM people", len(head)),
        ["person_id", "person_name"],
        len(head) - 3,
        len(head),
    )


def test_completion_offers_views_of_the_session(kernel, people_view):
    code = "%sql name=x outputView=y environments=dev\nSELECT * FROM peo"
    assert_completion(complete(kernel, code), ["people"], len(code) - 3, len(code), "view")
    # inside the "sql" string of a plain HOCON stage too
    head = (
        '{"type": "SQLTransform", "name": "t", "environments": ["dev"], "sql": "SELECT * FROM peo'
    )
    code = head + '", "outputView": "t2"}'
    assert_completion(
        complete(kernel, code, len(head)), ["people"], len(head) - 3, len(head), "view"
    )
    # while typing: the string is not closed yet; HOCON triple-quoted strings and `sql =`
    code = '{"type": "SQLTransform", "sql": "SELECT * FROM peo'
    assert_completion(complete(kernel, code), ["people"], len(code) - 3, len(code), "view")
    head = '%arc\n{\n  type = SQLTransform\n  sql = """\n    SELECT * FROM peo'
    code = head + '\n  """\n}'
    assert_completion(
        complete(kernel, code, len(head)), ["people"], len(head) - 3, len(head), "view"
    )


def test_completion_after_an_alias_or_view_name_offers_its_columns(kernel, people_view):
    head = "%sql\nSELECT p."
    assert_completion(
        complete(kernel, head + " FROM people p", len(head)),
        ["address", "person_id", "person_name"],
        len(head),
        len(head),
        "column",
    )
    head = "%sql\nSELECT p.person_n"
    assert_completion(
        complete(kernel, head + " FROM people AS p", len(head)),
        ["person_name"],
        len(head) - 8,
        len(head),
        "column",
    )
    head = "%sql\nSELECT people.person_i"
    assert_completion(
        complete(kernel, head + " FROM people", len(head)),
        ["person_id"],
        len(head) - 8,
        len(head),
        "column",
    )
    # struct fields
    head = "%sql\nSELECT p.address."
    assert_completion(
        complete(kernel, head + " FROM people p", len(head)),
        ["city", "zip"],
        len(head),
        len(head),
        "column",
    )


def test_completion_offers_databases_and_their_tables(kernel, people_view, tmp_path):
    db = "arcade_completion_db"
    assert_ok(
        run(
            kernel,
            "%sql name=db outputView=db_created\n"
            f"CREATE DATABASE IF NOT EXISTS {db} LOCATION '{tmp_path / 'db'}'",
        )
    )
    assert_ok(
        run(
            kernel,
            "%sql name=orders outputView=orders_created\n"
            f"CREATE TABLE IF NOT EXISTS {db}.orders (order_id INT, amount DOUBLE) USING parquet "
            f"LOCATION '{tmp_path / 'orders'}'",
        )
    )
    code = "%sql\nSELECT * FROM arcade_compl"
    assert_completion(complete(kernel, code), [db], len(code) - 12, len(code), "database")
    code = f"%sql\nSELECT * FROM {db}."
    assert_completion(complete(kernel, code), ["orders"], len(code), len(code), "table")
    head = "%sql\nSELECT o.am"
    assert_completion(
        complete(kernel, head + f" FROM {db}.orders o", len(head)),
        ["amount"],
        len(head) - 2,
        len(head),
        "column",
    )


def test_completion_offers_nothing_outside_sql(kernel, people_view):
    # on the magic line
    head = "%sql name=x outputView=peo"
    assert_completion(
        complete(kernel, head + "\nSELECT per FROM people", len(head)), [], len(head), len(head)
    )
    # a magic whose body is not SQL
    assert_completion(complete(kernel, "%conf numRows=peo"), [], 17, 17)
    # a HOCON stage outside its "sql" string
    head = '{"type": "SQLTransform", "name": "peo'
    code = head + '", "sql": "SELECT * FROM people"}'
    assert_completion(complete(kernel, code, len(head)), [], len(head), len(head))
    # inside a SQL string literal / comment
    assert_completion(complete(kernel, "%sql\nSELECT 'peo"), [], 16, 16)
    assert_completion(complete(kernel, "%sql\nSELECT 1 -- peo"), [], 20, 20)


def test_completion_of_garbage_or_empty_code_is_an_empty_ok_reply(kernel, people_view):
    assert_completion(complete(kernel, "", 0), [], 0, 0)
    assert_completion(complete(kernel, "per"), [], 3, 3)
    garbage = '}{ @@ ``` \x00 %%% "\\ \U0001f600'
    assert_completion(complete(kernel, garbage, 9999), [], len(garbage), len(garbage))
    assert_completion(complete(kernel, "%sql\nSELECT f(x).", 17), [], 17, 17)
    assert_completion(complete(kernel, "%sql\nSELECT * FROM no_such_db.", 30), [], 30, 30)
    # the kernel keeps answering
    res = run(kernel, "%sql outputView=after_completion\nSELECT 3 AS z")
    assert_ok(res)
    assert parse_table(res.data("text/html")) == (["z"], [["3"]])
