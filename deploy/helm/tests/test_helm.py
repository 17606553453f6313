"""deploy/helm with real tools: Helm v3.22.0 (`make helm`, from the Go module proxy) lints and
renders Arcade's chart and the Argo Workflows chart 1.0.14 with this folder's values and the values
values_from_terraform.py generates from terraform-shaped outputs; the rendered manifests are checked
against the Kubernetes 1.34 API schema (kubernetes-validate, from PyPI), Argo's own validation
(argo-validate) and checkov. zero-to-jupyterhub's chart cannot be fetched here: its values are
checked for what Arcade relies on, against the Terraform and the other charts.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path

import hcl2
import kubernetes_validate
import pytest
import tomllib
import yaml

ROOT = Path(__file__).resolve().parents[3]
HELM_DIR = ROOT / "deploy" / "helm"
CHART = HELM_DIR / "arcade"
ARCADE = ROOT / "kernel-bridge" / "bin" / "arcade"
ARGO_VALIDATE = ROOT / ".cache" / "argo" / "bin" / "argo-validate"
KUBERNETES = "1.34.0"
TAG = "0123abcdef01"
REGISTRY = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/arcade"
KEY_ID = "1234abcd-12ab-34cd-56ef-123456789012"


def tool(variable: str) -> str:
    path = os.environ.get(variable, "")
    if not path or not Path(path).exists():
        pytest.fail(
            f"{variable} is not set to an existing path: run these through `make test-deploy`"
        )
    return path


def helm(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [tool("ARCADE_HELM"), *args, "--kube-version", KUBERNETES],
        capture_output=True,
        text=True,
        env={"PATH": os.environ["PATH"], "HOME": str(ROOT / ".cache" / "helm-home")},
    )
    if check:
        assert done.returncode == 0, done.stderr
    return done


def documents(text: str) -> list[dict]:
    return [d for d in yaml.safe_load_all(text) if d]


def terraform_outputs() -> dict:
    """What `terraform output -json` prints for deploy/terraform (the variables' defaults)."""
    roles = ("notebook", "workflow", "hub", "cluster_autoscaler")
    values = {
        "cluster_name": "arcade",
        "buckets": {
            "artifacts": "arcade-artifacts-123456789012",
            "lake": "arcade-lake-123456789012",
            "athena_results": "arcade-athena-results-123456789012",
            "access_logs": "arcade-access-logs-123456789012",
        },
        "roles": {r: f"arn:aws:iam::123456789012:role/arcade-{r}" for r in roles},
        "athena_workgroup": "arcade",
        "hub_users_secret": "arcade/hub-users",
        "kms_key_arn": f"arn:aws:kms:eu-west-1:123456789012:key/{KEY_ID}",
        "ecr_registry": REGISTRY,
        "helm_settings": {
            "region": "eu-west-1",
            "namespaces": TF_VARIABLES["namespaces"]["default"],
            "service_accounts": TF_VARIABLES["service_accounts"]["default"],
            "hub_node_port": TF_VARIABLES["hub_node_port"]["default"],
            "artifact_prefix": TF_VARIABLES["artifact_prefix"]["default"],
            "git_token_secret": "arcade/git-token",
        },
    }
    return {name: {"value": v, "type": "any", "sensitive": False} for name, v in values.items()}


def _terraform_variables() -> dict:
    with open(ROOT / "deploy" / "terraform" / "variables.tf") as f:
        parsed = hcl2.load(f)
    variables = {}
    for block in parsed["variable"]:
        for name, body in block.items():
            variables[name.strip('"')] = {"default": _clean(body.get("default"))}
    return variables


def _clean(value):
    if isinstance(value, str):
        return value.strip('"')
    if isinstance(value, dict):
        return {k.strip('"'): _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


TF_VARIABLES = _terraform_variables()


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    out = tmp_path_factory.mktemp("values")
    (out / "outputs.json").write_text(json.dumps(terraform_outputs()))
    done = subprocess.run(
        [sys.executable, HELM_DIR / "values_from_terraform.py", out / "outputs.json"]
        + ["--tag", TAG, "--out", out / "gen"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    return out / "gen"


@pytest.fixture(scope="module")
def rendered(generated, tmp_path_factory):
    """Arcade's and Argo's charts rendered with the deployment's values, one file each."""
    out = tmp_path_factory.mktemp("rendered")
    arcade = helm(
        "template", "arcade", str(CHART), "-n", "argo", "-f", str(generated / "arcade.yaml")
    )
    argo = helm(
        "template",
        "argo-workflows",
        tool("ARCADE_ARGO_CHART"),
        "-n",
        "argo",
        "-f",
        str(HELM_DIR / "argo-workflows" / "values.yaml"),
        "-f",
        str(generated / "argo-workflows.yaml"),
    )
    (out / "arcade.yaml").write_text(arcade.stdout)
    (out / "argo-workflows.yaml").write_text(argo.stdout)
    return out


def by_kind(docs: list[dict], kind: str) -> dict[str, dict]:
    return {d["metadata"]["name"]: d for d in docs if d["kind"] == kind}


# ---------------------------------------------------------------- values from terraform


def test_values_from_terraform_refuses_what_is_not_terraforms_output(tmp_path):
    script = HELM_DIR / "values_from_terraform.py"
    cases = {
        "not json": ("{", "outputs.json:1: not JSON"),
        "partial": (json.dumps({"cluster_name": {"value": "x"}}), "missing outputs buckets"),
    }
    for text, message in cases.values():
        (tmp_path / "outputs.json").write_text(text)
        done = subprocess.run(
            [
                sys.executable,
                script,
                tmp_path / "outputs.json",
                "--tag",
                TAG,
                "--out",
                tmp_path / "o",
            ],
            capture_output=True,
            text=True,
        )
        assert done.returncode == 2 and message in done.stderr, done.stderr
        assert not (tmp_path / "o").exists(), "nothing is written"


# ---------------------------------------------------------------- the arcade chart


def test_arcade_chart_lints_and_its_schema_names_a_missing_image(generated):
    linted = helm("lint", str(CHART), "-f", str(generated / "arcade.yaml"))
    assert "0 chart(s) failed" in linted.stdout
    refused = helm("lint", str(CHART), check=False)
    assert refused.returncode != 0
    assert "/runner/image" in refused.stdout + refused.stderr
    wrong = helm(
        "template", "arcade", str(CHART), "-f", str(generated / "arcade.yaml"),
        "--set", "serviceAccounts.workflow.roleArn=not-an-arn", check=False,
    )  # fmt: skip
    assert wrong.returncode != 0 and "roleArn" in wrong.stderr


def test_workflow_template_is_the_one_the_schedules_generate(rendered):
    template = by_kind(documents((rendered / "arcade.yaml").read_text()), "WorkflowTemplate")
    assert list(template) == ["arcade-arc-job"]
    args = [
        "--name",
        "arcade-arc-job",
        "--namespace",
        "argo",
        "--service-account",
        "arcade-workflow",
    ]
    image = f"{REGISTRY}/arc-runner:{TAG}"
    bridge = subprocess.run(
        [ARCADE, "schedule", "template", *args, "--image", image],
        capture_output=True,
        text=True,
        check=True,
    )
    assert template["arcade-arc-job"] == json.loads(bridge.stdout)
    # The chart's copy of the spec is current (make helm-template-file writes it).
    current = subprocess.run(
        [ARCADE, "schedule", "template", *args, "--image", "RUNNER_IMAGE"],
        capture_output=True,
        text=True,
        check=True,
    )
    committed = (CHART / "files" / "arc-job-template.json").read_text()
    assert json.loads(committed) == json.loads(current.stdout), "run `make helm-template-file`"


def test_argo_validates_the_rendered_template(rendered):
    done = subprocess.run(
        [ARGO_VALIDATE, rendered / "arcade.yaml"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0 and json.loads(done.stdout) == [], done.stdout + done.stderr
    broken = documents((rendered / "arcade.yaml").read_text())
    template = by_kind(broken, "WorkflowTemplate")["arcade-arc-job"]
    template["spec"]["templates"][0]["container"]["imagePullPolice"] = "Always"
    (rendered.parent / "broken.yaml").write_text(yaml.safe_dump(template))
    refused = subprocess.run(
        [ARGO_VALIDATE, rendered.parent / "broken.yaml"], capture_output=True, text=True
    )
    assert refused.returncode == 1 and "imagePullPolice" in refused.stdout


def test_settings_reach_the_notebooks_and_roles_their_service_accounts(rendered, generated):
    docs = documents((rendered / "arcade.yaml").read_text())
    settings = by_kind(docs, "ConfigMap")["arcade-settings"]
    assert settings["metadata"]["namespace"] == "jupyterhub"
    data = settings["data"]
    assert data["ARCADE_JOB_IMAGE"] == f"{REGISTRY}/arc-runner:{TAG}"
    assert data["ARCADE_ARGO_URL"] == "http://argo-workflows-server.argo.svc:2746"
    assert data["ARCADE_ATHENA_OUTPUT"] == "s3://arcade-athena-results-123456789012/results/"
    assert data["ETL_CONF_LAKE"] == "s3a://arcade-lake-123456789012/lake"
    assert data["ARCADE_GIT_TOKEN_SECRET_ID"] == "arcade/git-token"
    assert not any(k in data for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"))
    accounts = {
        (d["metadata"]["namespace"], d["metadata"]["name"]): d["metadata"].get("annotations", {})
        for d in docs
        if d["kind"] == "ServiceAccount"
    }
    role = "eks.amazonaws.com/role-arn"
    assert accounts[("jupyterhub", "arcade-notebook")][role].endswith(":role/arcade-notebook")
    assert accounts[("argo", "arcade-workflow")][role].endswith(":role/arcade-workflow")
    assert accounts[("kube-system", "cluster-autoscaler")][role].endswith(
        "/arcade-cluster_autoscaler"
    )
    # The notebooks' Argo client is bound in the Argo namespace, not cluster-wide.
    binding = by_kind(docs, "RoleBinding")["arcade-notebook"]
    assert binding["metadata"]["namespace"] == "argo"
    assert binding["subjects"] == [
        {"kind": "ServiceAccount", "name": "arcade-notebook", "namespace": "jupyterhub"}
    ]
    assert not [d for d in docs if d["kind"] == "ClusterRoleBinding" and "notebook" in str(d)]


# ---------------------------------------------------------------- every rendered manifest


def test_rendered_manifests_are_valid_kubernetes_1_34_objects(rendered):
    checked = 0
    for name in ("arcade.yaml", "argo-workflows.yaml"):
        for doc in documents((rendered / name).read_text()):
            if doc["apiVersion"].startswith("argoproj.io/"):
                continue  # Argo's own kinds: argo-validate above
            kubernetes_validate.validate(doc, KUBERNETES, strict=True)
            checked += 1
    assert checked > 30
    deployment = copy.deepcopy(
        by_kind(documents((rendered / "arcade.yaml").read_text()), "Deployment")[
            "cluster-autoscaler"
        ]
    )
    deployment["spec"]["template"]["spec"]["containers"][0]["resource"] = {}
    with pytest.raises(kubernetes_validate.ValidationError, match="'resource' was unexpected"):
        kubernetes_validate.validate(deployment, KUBERNETES, strict=True)


def test_checkov_finds_no_failed_check_in_the_rendered_manifests(rendered):
    done = subprocess.run(
        [tool("ARCADE_CHECKOV"), "-d", rendered, "--framework", "kubernetes"]
        + ["-o", "json", "--skip-download"],
        capture_output=True,
        text=True,
        env={**os.environ, "BC_SKIP_MAPPING": "TRUE"},
    )
    report = json.loads(done.stdout)
    report = report[0] if isinstance(report, list) else report
    failed = [(c["check_id"], c["resource"]) for c in report["results"]["failed_checks"]]
    assert failed == []
    summary = report["summary"]
    assert summary["passed"] > 300
    print(f"checkov: {summary['passed']} passed, {summary['skipped']} skipped")
    for skipped in report["results"].get("skipped_checks", []):
        reason = skipped["check_result"].get("suppress_comment", "")
        assert reason.strip(), f"{skipped['check_id']}: a skip needs its reason"


# ---------------------------------------------------------------- zero-to-jupyterhub's values


def test_jupyterhub_values_fit_terraform_the_authenticator_and_arcades_chart(generated, rendered):
    base = yaml.safe_load((HELM_DIR / "jupyterhub" / "values.yaml").read_text())
    overlay = yaml.safe_load((generated / "jupyterhub.yaml").read_text())
    accounts = TF_VARIABLES["service_accounts"]["default"]
    # The ALB forwards to this NodePort; the hub and notebooks use the roles' service accounts.
    assert (
        overlay["proxy"]["service"]["nodePorts"]["http"] == TF_VARIABLES["hub_node_port"]["default"]
    )
    assert base["proxy"]["service"]["type"] == "NodePort"
    assert base["proxy"]["service"]["nodePorts"]["http"] == TF_VARIABLES["hub_node_port"]["default"]
    assert base["hub"]["serviceAccount"]["name"] == overlay["hub"]["serviceAccount"]["name"]
    assert overlay["hub"]["serviceAccount"]["name"] == accounts["hub"]
    assert base["singleuser"]["serviceAccountName"] == accounts["notebook"]
    assert overlay["hub"]["serviceAccount"]["annotations"]["eks.amazonaws.com/role-arn"].endswith(
        ":role/arcade-hub"
    )
    # Sign-in through Arcade's authenticator, by its entry point name.
    project = tomllib.loads((ROOT / "deploy" / "authenticator" / "pyproject.toml").read_text())
    entry_points = project["project"]["entry-points"]["jupyterhub.authenticators"]
    assert base["hub"]["config"]["JupyterHub"]["authenticator_class"] in entry_points
    assert (
        overlay["hub"]["config"]["SecretsManagerAuthenticator"]["secret_id"] == "arcade/hub-users"
    )
    # The notebooks get every setting of arcade's ConfigMap, and their volumes its StorageClass.
    docs = documents((rendered / "arcade.yaml").read_text())
    env_from = base["hub"]["config"]["KubeSpawner"]["extra_container_config"]["envFrom"]
    assert env_from == [{"configMapRef": {"name": "arcade-settings"}}]
    assert "arcade-settings" in by_kind(docs, "ConfigMap")
    storage_class = base["singleuser"]["storage"]["dynamic"]["storageClass"]
    assert storage_class in by_kind(docs, "StorageClass")
    assert base["hub"]["db"]["pvc"]["storageClassName"] == storage_class
    # Images: Arcade's, from the deployment's registry and tag.
    assert overlay["singleuser"]["image"] == {"name": f"{REGISTRY}/notebook", "tag": TAG}
    assert overlay["hub"]["image"] == {"name": f"{REGISTRY}/hub", "tag": TAG}
    # Graviton, limits, culling, network policies; IMDS stays blocked (IRSA, not the node's role).
    for part in (base["hub"], base["proxy"]["chp"], base["singleuser"]):
        assert part["nodeSelector"]["kubernetes.io/arch"] == "arm64"
    assert base["singleuser"]["memory"]["limit"] and base["singleuser"]["cpu"]["limit"]
    assert base["cull"]["enabled"] is True and base["cull"]["timeout"] > 0
    for part in (base["hub"], base["proxy"]["chp"], base["singleuser"]):
        assert part["networkPolicy"]["enabled"] is True
    assert base["singleuser"]["cloudMetadata"]["blockWithIptables"] is True
    # The Argo Server lets the notebook servers in (z2jh labels them component=singleuser-server).
    policy = by_kind(docs, "NetworkPolicy")["arcade-argo-server"]
    source = policy["spec"]["ingress"][0]["from"][0]
    assert source["podSelector"]["matchLabels"] == {"component": "singleuser-server"}
    assert source["namespaceSelector"]["matchLabels"] == {
        "kubernetes.io/metadata.name": "jupyterhub"
    }


def test_argo_values_use_client_auth_and_arcades_workflow_account(rendered):
    docs = documents((rendered / "argo-workflows.yaml").read_text())
    server = by_kind(docs, "Deployment")["argo-workflows-server"]
    args = server["spec"]["template"]["spec"]["containers"][0]["args"]
    assert "--auth-mode=client" in args
    labels = server["spec"]["template"]["metadata"]["labels"]
    assert labels["app.kubernetes.io/component"] == "server"  # arcade-argo-server's selector
    service = by_kind(docs, "Service")["argo-workflows-server"]
    assert service["spec"]["ports"][0]["port"] == 2746
    config = by_kind(docs, "ConfigMap")["argo-workflows-workflow-controller-configmap"]
    controller = yaml.safe_load(config["data"]["config"])
    assert controller["workflowDefaults"]["spec"]["serviceAccountName"] == "arcade-workflow"
    # The workflow service account (with its IAM role) is arcade's, not the Argo chart's.
    assert "arcade-workflow" not in by_kind(docs, "ServiceAccount")
