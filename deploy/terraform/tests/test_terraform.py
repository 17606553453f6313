"""Properties of deploy/terraform, read with python-hcl2 (the AWS provider is
not available here, so `terraform validate` cannot run; these checks and
checkov stand in for it)."""

import re
from pathlib import Path

import hcl2
import pytest

ROOT = Path(__file__).resolve().parents[1]
GRAVITON = re.compile(r"^[a-z]+[0-9]+g[a-z]*\.")
READ_ONLY = re.compile(r"^[a-z0-9-]+:(Describe|Get|List)[A-Za-z]*$")


def _clean(value):
    """hcl2 keeps quotes around strings and names, and marks blocks: drop both."""
    if isinstance(value, str):
        return value[1:-1] if len(value) >= 2 and value[0] == value[-1] == '"' else value
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {_clean(k): _clean(v) for k, v in value.items() if k != "__is_block__"}
    return value


def _load(folder: Path) -> dict:
    merged: dict = {}
    for path in sorted(folder.glob("*.tf")):
        with path.open() as handle:
            parsed = _clean(hcl2.load(handle))
        for key, items in parsed.items():
            merged.setdefault(key, []).extend(items)
    return merged


def _blocks(parsed: dict, kind: str, type_name: str | None = None) -> dict:
    """name → body of every `kind` block (resource, data, module, variable) of a type."""
    found = {}
    for item in parsed.get(kind, []):
        for key, body in item.items():
            if type_name is None:
                found[key] = body
            elif key == type_name:
                found.update(body)
    return found


ROOT_TF = _load(ROOT)
MODULES = {p.name: _load(p) for p in sorted((ROOT / "modules").iterdir()) if p.is_dir()}
ALL = [ROOT_TF, *MODULES.values()]


def test_every_variable_is_described_and_typed():
    for parsed in ALL:
        for name, body in _blocks(parsed, "variable").items():
            assert body.get("description"), f"variable {name} has no description"
            assert "type" in body, f"variable {name} has no type"


def test_inputs_users_can_get_wrong_are_validated():
    variables = _blocks(ROOT_TF, "variable")
    for name in (
        "name",
        "region",
        "kubernetes_version",
        "system_instance_types",
        "spark_instance_types",
        "hub_domain",
        "certificate_arn",
        "athena_bytes_scanned_cutoff",
        "api_allowed_cidrs",
    ):
        assert variables[name].get("validation"), f"variable {name} is not validated"


def _resources(parsed: dict) -> dict:
    """type → name → body of every resource."""
    found: dict = {}
    for item in parsed.get("resource", []):
        for type_name, named in item.items():
            found.setdefault(type_name, {}).update(named)
    return found


def test_every_bucket_is_encrypted_with_the_customer_key_versioned_private_and_tls_only():
    # Buckets exist only through modules/bucket, which sets all of it unconditionally.
    assert "aws_s3_bucket" not in _resources(ROOT_TF)
    buckets = {
        name: body
        for name, body in _blocks(ROOT_TF, "module").items()
        if body["source"] == "./modules/bucket"
    }
    assert set(buckets) == {
        "bucket_artifacts",
        "bucket_lake",
        "bucket_athena_results",
        "bucket_access_logs",
    }
    for name, body in buckets.items():
        assert body["kms_key_arn"] == "${aws_kms_key.arcade.arn}", name
        if name != "bucket_access_logs":
            assert body["log_bucket"] == "${module.bucket_access_logs.id}", name
    assert buckets["bucket_athena_results"]["expiry_days"] == "${var.athena_results_expiry_days}"
    assert buckets["bucket_lake"]["noncurrent_expiry_days"] == (
        "${var.lake_noncurrent_expiry_days}"
    )
    # Published versions never expire.
    assert "expiry_days" not in buckets["bucket_artifacts"]
    assert "noncurrent_expiry_days" not in buckets["bucket_artifacts"]

    module = MODULES["bucket"]
    resources = _resources(module)
    for type_name in ("aws_s3_bucket_versioning", "aws_s3_bucket_public_access_block"):
        assert "count" not in resources[type_name]["this"]
        assert "for_each" not in resources[type_name]["this"]
    sse = resources["aws_s3_bucket_server_side_encryption_configuration"]["this"]["rule"][0]
    default = sse["apply_server_side_encryption_by_default"][0]
    assert default == {"sse_algorithm": "aws:kms", "kms_master_key_id": "${var.kms_key_arn}"}
    assert resources["aws_s3_bucket_versioning"]["this"]["versioning_configuration"][0] == {
        "status": "Enabled"
    }
    block = resources["aws_s3_bucket_public_access_block"]["this"]
    for flag in (
        "block_public_acls",
        "block_public_policy",
        "ignore_public_acls",
        "restrict_public_buckets",
    ):
        assert block[flag] is True
    tls = _blocks(module, "data", "aws_iam_policy_document")["this"]["statement"][0]
    assert tls["effect"] == "Deny"
    assert tls["condition"][0]["variable"] == "aws:SecureTransport"
    assert tls["condition"][0]["values"] == ["false"]
    assert _resources(ROOT_TF)["aws_kms_key"]["arcade"]["enable_key_rotation"] is True


def test_node_groups_are_graviton_and_only_spark_is_spot():
    eks = MODULES["eks"]
    groups = _blocks(eks, "resource", "aws_eks_node_group")["this"]
    assert groups["ami_type"] == "AL2023_ARM_64_STANDARD"
    locals_ = {k: v for item in eks["locals"] for k, v in item.items()}
    pools = locals_["node_groups"]
    assert pools["system"]["capacity_type"] == "ON_DEMAND"
    assert pools["spark"]["capacity_type"] == "SPOT"
    assert [p for p, body in pools.items() if body["capacity_type"] == "SPOT"] == ["spark"]
    assert pools["spark"]["taints"] and pools["spark"]["labels"]
    assert not pools["system"]["taints"]
    variables = _blocks(ROOT_TF, "variable")
    for name in ("system_instance_types", "spark_instance_types"):
        defaults = variables[name]["default"]
        assert defaults and all(GRAVITON.match(t) for t in defaults), name
    assert len(variables["spark_instance_types"]["default"]) >= 3
    # Nodes: IMDSv2 only, encrypted volumes; cluster secrets encrypted with the key.
    template = _blocks(eks, "resource", "aws_launch_template")["node"]
    assert template["metadata_options"][0]["http_tokens"] == "required"
    assert template["block_device_mappings"][0]["ebs"][0]["encrypted"] is True
    cluster = _blocks(eks, "resource", "aws_eks_cluster")["this"]
    assert cluster["encryption_config"][0]["resources"] == ["secrets"]
    assert cluster["vpc_config"][0]["endpoint_private_access"] is True


def test_each_role_trusts_exactly_one_service_account():
    module = MODULES["irsa_role"]
    trust = _blocks(module, "data", "aws_iam_policy_document")["trust"]["statement"]
    assert len(trust) == 1
    conditions = {c["variable"]: c for c in trust[0]["condition"]}
    sub = conditions["${var.oidc_issuer}:sub"]
    assert sub["test"] == "StringEquals"
    assert sub["values"] == ["system:serviceaccount:${var.namespace}:${var.service_account}"]
    assert conditions["${var.oidc_issuer}:aud"]["values"] == ["sts.amazonaws.com"]
    roles = {
        name: body
        for name, body in _blocks(ROOT_TF, "module").items()
        if body["source"] == "./modules/irsa_role"
    }
    assert set(roles) == {
        "notebook_role",
        "workflow_role",
        "hub_role",
        "cluster_autoscaler_role",
        "ebs_csi_role",
    }
    accounts = set()
    for name, body in roles.items():
        account = (body["namespace"], body["service_account"])
        assert "*" not in "".join(account), name
        assert account not in accounts, f"{name} shares a service account"
        accounts.add(account)


def _statements():
    for parsed in ALL:
        for name, doc in _blocks(parsed, "data", "aws_iam_policy_document").items():
            for statement in doc.get("statement", []):
                yield name, statement


@pytest.mark.parametrize("policy", ["notebook", "workflow", "hub", "lake_and_athena"])
def test_role_policies_name_their_resources(policy):
    docs = _blocks(ROOT_TF, "data", "aws_iam_policy_document")
    for statement in docs[policy]["statement"]:
        for resource in statement["resources"]:
            assert resource != "*", f"{policy}/{statement.get('sid')} uses *"


def test_no_write_action_on_every_resource():
    # A key policy's "*" means the key itself; every other "*" must be read-only.
    checked = 0
    for name, statement in _statements():
        if name == "kms" or statement.get("effect") == "Deny":
            continue
        if "*" in statement.get("resources", []):
            writes = [a for a in statement["actions"] if not READ_ONLY.match(a)]
            assert not writes, f"{name}/{statement.get('sid')}: {writes} on *"
        checked += 1
    assert checked > 20


def test_the_hub_reads_only_its_users_secret():
    hub = _blocks(ROOT_TF, "data", "aws_iam_policy_document")["hub"]["statement"]
    secret = [s for s in hub if s["sid"] == "HubUsers"][0]
    assert secret["actions"] == ["secretsmanager:GetSecretValue"]
    assert secret["resources"] == ["${aws_secretsmanager_secret.hub_users.arn}"]
    assert len(hub) == 2


def test_registries_athena_and_secrets_are_locked_down():
    resources = {}
    for item in ROOT_TF["resource"]:
        for type_name, named in item.items():
            resources.setdefault(type_name, {}).update(named)
    ecr = resources["aws_ecr_repository"]["this"]
    assert ecr["image_tag_mutability"] == "IMMUTABLE"
    assert ecr["image_scanning_configuration"][0]["scan_on_push"] is True
    assert ecr["encryption_configuration"][0]["encryption_type"] == "KMS"
    workgroup = resources["aws_athena_workgroup"]["arcade"]["configuration"][0]
    assert workgroup["enforce_workgroup_configuration"] is True
    assert workgroup["bytes_scanned_cutoff_per_query"] == "${var.athena_bytes_scanned_cutoff}"
    encryption = workgroup["result_configuration"][0]["encryption_configuration"][0]
    assert encryption["encryption_option"] == "SSE_KMS"
    for name, secret in resources["aws_secretsmanager_secret"].items():
        assert secret["kms_key_id"] == "${aws_kms_key.arcade.arn}", name
    assert "aws_glue_catalog_database" in resources


def test_the_vpc_reaches_aws_services_through_endpoints():
    network = MODULES["network"]
    locals_ = {k: v for item in network["locals"] for k, v in item.items()}
    text = locals_["interface_endpoints"]
    for service in ("ecr.api", "ecr.dkr", "sts", "secretsmanager", "athena", "glue", "logs"):
        assert f'"{service}"' in text or service in text, service
    gateway = _blocks(network, "resource", "aws_vpc_endpoint")["s3"]
    assert gateway["vpc_endpoint_type"] == "Gateway"


def test_ingress_is_tls_with_the_certificate():
    listeners = _blocks(ROOT_TF, "resource", "aws_lb_listener")
    https = listeners["https"]
    assert https["protocol"] == "HTTPS"
    assert https["certificate_arn"] == "${var.certificate_arn}"
    assert https["ssl_policy"].startswith("ELBSecurityPolicy-TLS13")
    assert listeners["http"]["default_action"][0]["type"] == "redirect"
