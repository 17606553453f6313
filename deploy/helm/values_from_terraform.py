#!/usr/bin/env python3
"""Write the deployment's Helm values from deploy/terraform's outputs.

    terraform -chdir=deploy/terraform output -json > outputs.json
    python3 deploy/helm/values_from_terraform.py outputs.json --tag <image tag> --out build/helm

writes build/helm/{jupyterhub,argo-workflows,arcade}.yaml: the images (ecr_registry + tag), the IAM
roles of the service accounts, the buckets, the Athena workgroup, the users' secret, the region,
namespaces and NodePort. Each goes after the chart's values file of this folder on the helm command
line (see ../README.md). Nothing secret is in terraform's outputs, nor in these files.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

import yaml

TAG = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$")
NEEDED = (
    "cluster_name",
    "buckets",
    "roles",
    "athena_workgroup",
    "hub_users_secret",
    "kms_key_arn",
    "ecr_registry",
    "helm_settings",
)


class OutputsError(ValueError):
    pass


def read_outputs(text: str, source: str) -> dict[str, Any]:
    """`terraform output -json`: {name: {"value": …, "type": …, "sensitive": …}} → {name: value}."""
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as e:
        raise OutputsError(f"{source}:{e.lineno}: not JSON ({e.msg})") from e
    if not isinstance(raw, dict):
        raise OutputsError(f"{source}: expected the object `terraform output -json` prints")
    missing = [name for name in NEEDED if name not in raw]
    if missing:
        raise OutputsError(
            f"{source}: missing outputs {', '.join(missing)} — run `terraform apply` in "
            "deploy/terraform first, then `terraform output -json`"
        )
    return {name: entry["value"] for name, entry in raw.items()}


def values(outputs: dict[str, Any], tag: str) -> dict[str, dict[str, Any]]:
    if not TAG.match(tag):
        raise OutputsError(f"--tag {tag!r} is not an image tag")
    registry = outputs["ecr_registry"]
    settings = outputs["helm_settings"]
    namespaces = settings["namespaces"]
    accounts = settings["service_accounts"]
    roles = outputs["roles"]
    buckets = outputs["buckets"]
    region = settings["region"]
    jupyterhub = {
        "hub": {
            "image": {"name": f"{registry}/hub", "tag": tag},
            "serviceAccount": {
                "name": accounts["hub"],
                "annotations": {"eks.amazonaws.com/role-arn": roles["hub"]},
            },
            "config": {
                "SecretsManagerAuthenticator": {
                    "secret_id": outputs["hub_users_secret"],
                    "region": region,
                }
            },
        },
        "proxy": {"service": {"nodePorts": {"http": settings["hub_node_port"]}}},
        "singleuser": {
            "image": {"name": f"{registry}/notebook", "tag": tag},
            "serviceAccountName": accounts["notebook"],
        },
    }
    argo = {
        "singleNamespace": True,
        "controller": {"workflowNamespaces": [namespaces["argo"]]},
        "workflow": {"serviceAccount": {"name": accounts["workflow"]}},
    }
    arcade = {
        "namespaces": namespaces,
        "serviceAccounts": {
            "notebook": {"name": accounts["notebook"], "roleArn": roles["notebook"]},
            "workflow": {"name": accounts["workflow"], "roleArn": roles["workflow"]},
        },
        "runner": {"image": f"{registry}/arc-runner:{tag}"},
        "settings": {
            "region": region,
            "argoUrl": f"http://argo-workflows-server.{namespaces['argo']}.svc:2746",
            "artifactBucket": buckets["artifacts"],
            "artifactPrefix": settings["artifact_prefix"],
            "lakeBucket": buckets["lake"],
            "athena": {
                "workgroup": outputs["athena_workgroup"],
                "output": f"s3://{buckets['athena_results']}/results/",
            },
            "gitTokenSecretId": settings["git_token_secret"],
            "jobVariables": {"ETL_CONF_LAKE": f"s3a://{buckets['lake']}/lake"},
        },
        "storageClass": {"kmsKeyArn": outputs["kms_key_arn"]},
        "clusterAutoscaler": {
            "clusterName": outputs["cluster_name"],
            "roleArn": roles["cluster_autoscaler"],
        },
    }
    return {"jupyterhub": jupyterhub, "argo-workflows": argo, "arcade": arcade}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outputs", help="the file `terraform output -json` wrote")
    parser.add_argument("--tag", required=True, help="the images' tag (deploy/images/build.sh)")
    parser.add_argument("--out", required=True, help="folder for the three values files")
    args = parser.parse_args(argv)
    try:
        outputs = read_outputs(Path(args.outputs).read_text(), args.outputs)
        files = values(outputs, args.tag)
    except (OSError, OutputsError, KeyError) as e:
        what = f"missing key {e}" if isinstance(e, KeyError) else str(e)
        print(f"values_from_terraform: {what}", file=sys.stderr)
        return 2
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (out / f"{name}.yaml").write_text(
            "# Generated by deploy/helm/values_from_terraform.py from terraform's outputs.\n"
            + yaml.safe_dump(content, sort_keys=False)
        )
        print(f"wrote {out / name}.yaml")
    return 0


if __name__ == "__main__":
    sys.exit(main())
