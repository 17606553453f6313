"""Jupyter server settings for the Galata UI tests.

Never use this configuration in production: it turns off authentication and
exposes the JupyterLab application object in the browser.
"""

import os

from jupyterlab.galata import configure_jupyter_server

configure_jupyter_server(c)  # noqa: F821 - `c` is injected by Jupyter

c.ServerApp.port = int(os.environ.get("ARCADE_UI_TEST_PORT", "8888"))  # noqa: F821
# CI and dev containers run as root.
c.ServerApp.allow_root = True  # noqa: F821
# As in `make demo`: the sample notebooks read their SQL files from ${ETL_CONF_SQL}; the bridge
# (started by jupyter-server-proxy with this process's environment) reads them for the linter.
os.environ.setdefault(
    "ETL_CONF_SQL",
    "file://" + os.path.join(c.ServerApp.root_dir, "sql"),  # noqa: F821
)
