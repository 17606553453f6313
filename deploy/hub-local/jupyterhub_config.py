"""JupyterHub configuration of `make hub`: Arcade's Secrets Manager sign-in, one local JupyterLab
with Arcade per user. Read by the JupyterHub that deploy/hub-local/run.py starts; every path and
port comes from its environment (ARCADE_HUB_*).

The single-user servers are started from the notebook image's file set (.cache/hub/notebook: its
entry point, the Arc kernel, Argo's validator) with the packages the image installs
(.cache/images/notebook-venv), as processes of this machine's user (SimpleLocalProcessSpawner): the
hub keeps users apart by its authentication, not by operating-system users — zero-to-jupyterhub's
KubeSpawner runs each in a pod of its own.
"""

# ruff: noqa: F821  (`c` is the configuration object JupyterHub provides)

import json
import os
import shutil
from pathlib import Path

env = os.environ
state = Path(env["ARCADE_HUB_STATE"])
notebook = Path(env["ARCADE_HUB_NOTEBOOK"])
notebook_venv = Path(env["ARCADE_HUB_NOTEBOOK_VENV"])
sample = Path(env["ARCADE_HUB_SAMPLE"])

c.JupyterHub.bind_url = f"http://127.0.0.1:{env['ARCADE_HUB_PORT']}"
c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{env['ARCADE_HUB_API_PORT']}"
c.JupyterHub.db_url = f"sqlite:///{state / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(state / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(state / "jupyterhub.pid")
c.ConfigurableHTTPProxy.command = [env["ARCADE_HUB_CHP"]]
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{env['ARCADE_HUB_PROXY_API_PORT']}"
c.ConfigurableHTTPProxy.pid_file = str(state / "proxy.pid")

# Sign-in: deploy/authenticator against the local Secrets Manager endpoint (moto's server).
c.JupyterHub.authenticator_class = "arcade-secrets"
c.Authenticator.allow_all = True
c.SecretsManagerAuthenticator.secret_id = env["ARCADE_HUB_USERS_SECRET"]
c.SecretsManagerAuthenticator.region = env["AWS_DEFAULT_REGION"]
c.SecretsManagerAuthenticator.endpoint_url = env["ARCADE_HUB_SECRETS_ENDPOINT"]
c.SecretsManagerAuthenticator.cache_ttl = float(env.get("ARCADE_HUB_CACHE_TTL", "60"))
c.SecretsManagerAuthenticator.max_failures = int(env.get("ARCADE_HUB_MAX_FAILURES", "5"))
c.SecretsManagerAuthenticator.lockout_window = float(env.get("ARCADE_HUB_LOCKOUT_WINDOW", "300"))

# One JupyterLab with Arcade per user, started through the notebook image's entry point.
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = str(state / "homes" / "{username}")
c.Spawner.cmd = [str(notebook / "arcade" / "bin" / "arcade-entrypoint"), "jupyterhub-singleuser"]
c.Spawner.default_url = "/lab"
if os.getuid() == 0:
    # This machine's sessions run as root; the notebook image itself runs as jovyan (1000).
    c.Spawner.args = ["--allow-root"]
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
runtimes = [os.path.dirname(os.path.realpath(shutil.which(t) or t)) for t in ("java", "node")]
c.Spawner.environment = {
    "PATH": os.pathsep.join([str(notebook_venv / "bin"), *runtimes, "/usr/bin", "/bin"]),
    "ARC_KERNEL_XMX": "1g",
    # run.py stops every process carrying this mark (kernels too) when the hub stops.
    "ARCADE_HUB_MARK": str(state),
}

NEWS_OFF = {"fetchNews": "false", "checkForUpdates": False}


def prepare_home(spawner):
    """A new user's home: the quick-start notebook, and JupyterLab not asking about news."""
    home = Path(spawner.home_dir)
    home.mkdir(parents=True, exist_ok=True)
    target = home / "quickstart.ipynb"
    if not target.exists():
        shutil.copyfile(sample, target)
    settings = home / ".jupyter" / "lab" / "user-settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True, exist_ok=True)
    (settings / "notification.jupyterlab-settings").write_text(json.dumps(NEWS_OFF))


c.Spawner.pre_spawn_hook = prepare_home
