# IRSA roles, least privilege, each trusted by exactly one service account.

locals {
  artifacts_arn  = module.bucket_artifacts.arn
  lake_arn       = module.bucket_lake.arn
  results_arn    = module.bucket_athena_results.arn
  workgroup_arn  = aws_athena_workgroup.arcade.arn
  catalog_arn    = "arn:${local.partition}:glue:${var.region}:${local.account}:catalog"
  glue_db_arn    = "arn:${local.partition}:glue:${var.region}:${local.account}:database/${aws_glue_catalog_database.lake.name}"
  glue_table_arn = "arn:${local.partition}:glue:${var.region}:${local.account}:table/${aws_glue_catalog_database.lake.name}/*"
  athena_catalog = "arn:${local.partition}:athena:${var.region}:${local.account}:datacatalog/AwsDataCatalog"
  oidc = {
    provider_arn = module.eks.oidc_provider_arn
    issuer       = module.eks.oidc_issuer
  }
}

# Statements shared by the notebook and workflow roles.
data "aws_iam_policy_document" "lake_and_athena" {
  statement {
    sid       = "LakeList"
    actions   = ["s3:ListBucket", "s3:GetBucketLocation"]
    resources = [local.lake_arn, local.results_arn]
  }
  statement {
    sid       = "LakeReadWrite"
    actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"]
    resources = ["${local.lake_arn}/*"]
  }
  statement {
    sid       = "AthenaResults"
    actions   = ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload"]
    resources = ["${local.results_arn}/results/*"]
  }
  statement {
    sid = "AthenaQueries"
    actions = [
      "athena:StartQueryExecution", "athena:GetQueryExecution", "athena:GetQueryResults",
      "athena:StopQueryExecution", "athena:GetWorkGroup",
    ]
    resources = [local.workgroup_arn]
  }
  statement {
    sid       = "AthenaCatalog"
    actions   = ["athena:ListDatabases", "athena:ListTableMetadata", "athena:GetTableMetadata", "athena:GetDataCatalog"]
    resources = [local.athena_catalog]
  }
  statement {
    sid       = "GlueRead"
    actions   = ["glue:GetDatabase", "glue:GetDatabases", "glue:GetTable", "glue:GetTables", "glue:GetPartition", "glue:GetPartitions"]
    resources = [local.catalog_arn, local.glue_db_arn, local.glue_table_arn]
  }
  statement {
    sid       = "Key"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [aws_kms_key.arcade.arn]
  }
}

data "aws_iam_policy_document" "notebook" {
  source_policy_documents = [data.aws_iam_policy_document.lake_and_athena.json]
  statement {
    sid       = "ArtifactList"
    actions   = ["s3:ListBucket"]
    resources = [local.artifacts_arn]
    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = ["${var.artifact_prefix}/*"]
    }
  }
  statement {
    sid       = "ArtifactPublish"
    actions   = ["s3:GetObject", "s3:PutObject"]
    resources = ["${local.artifacts_arn}/${var.artifact_prefix}/*"]
  }
  statement {
    sid       = "GitToken"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [aws_secretsmanager_secret.git_token.arn]
  }
}

data "aws_iam_policy_document" "workflow" {
  source_policy_documents = [data.aws_iam_policy_document.lake_and_athena.json]
  statement {
    sid       = "ArtifactRead"
    actions   = ["s3:GetObject"]
    resources = ["${local.artifacts_arn}/${var.artifact_prefix}/*"]
  }
  statement {
    sid       = "ArtifactList"
    actions   = ["s3:ListBucket"]
    resources = [local.artifacts_arn]
  }
  statement {
    sid       = "RegisterTables"
    actions   = ["glue:CreateTable", "glue:UpdateTable", "glue:CreatePartition", "glue:BatchCreatePartition"]
    resources = [local.catalog_arn, local.glue_db_arn, local.glue_table_arn]
  }
}

data "aws_iam_policy_document" "hub" {
  statement {
    sid       = "HubUsers"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [aws_secretsmanager_secret.hub_users.arn]
  }
  statement {
    sid       = "Key"
    actions   = ["kms:Decrypt"]
    resources = [aws_kms_key.arcade.arn]
  }
}

data "aws_iam_policy_document" "cluster_autoscaler" {
  statement {
    sid = "Describe"
    actions = [
      "autoscaling:DescribeAutoScalingGroups", "autoscaling:DescribeAutoScalingInstances",
      "autoscaling:DescribeLaunchConfigurations", "autoscaling:DescribeScalingActivities",
      "autoscaling:DescribeTags", "ec2:DescribeImages", "ec2:DescribeInstanceTypes",
      "ec2:DescribeLaunchTemplateVersions", "ec2:GetInstanceTypesFromInstanceRequirements",
    ]
    resources = ["*"] # read-only calls without resource-level permissions
    #checkov:skip=CKV_AWS_356:these Describe/Get calls take no resource ARNs (IAM service authorization reference)
  }
  statement {
    sid       = "DescribeOwnNodeGroups"
    actions   = ["eks:DescribeNodegroup"]
    resources = ["arn:${local.partition}:eks:${var.region}:${local.account}:nodegroup/${var.name}/*"]
  }
  statement {
    sid       = "ScaleOwnNodeGroups"
    actions   = ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"]
    resources = ["arn:${local.partition}:autoscaling:${var.region}:${local.account}:autoScalingGroup:*:autoScalingGroupName/eks-${var.name}-*"]
    condition {
      test     = "StringEquals"
      variable = "aws:ResourceTag/k8s.io/cluster-autoscaler/${var.name}"
      values   = ["owned"]
    }
  }
}

module "notebook_role" {
  source            = "./modules/irsa_role"
  name              = "${var.name}-notebook"
  oidc_provider_arn = local.oidc.provider_arn
  oidc_issuer       = local.oidc.issuer
  namespace         = var.namespaces.hub
  service_account   = var.service_accounts.notebook
  policy_json       = data.aws_iam_policy_document.notebook.json
}

module "workflow_role" {
  source            = "./modules/irsa_role"
  name              = "${var.name}-workflow"
  oidc_provider_arn = local.oidc.provider_arn
  oidc_issuer       = local.oidc.issuer
  namespace         = var.namespaces.argo
  service_account   = var.service_accounts.workflow
  policy_json       = data.aws_iam_policy_document.workflow.json
}

module "hub_role" {
  source            = "./modules/irsa_role"
  name              = "${var.name}-hub"
  oidc_provider_arn = local.oidc.provider_arn
  oidc_issuer       = local.oidc.issuer
  namespace         = var.namespaces.hub
  service_account   = var.service_accounts.hub
  policy_json       = data.aws_iam_policy_document.hub.json
}

module "cluster_autoscaler_role" {
  source            = "./modules/irsa_role"
  name              = "${var.name}-cluster-autoscaler"
  oidc_provider_arn = local.oidc.provider_arn
  oidc_issuer       = local.oidc.issuer
  namespace         = "kube-system"
  service_account   = "cluster-autoscaler"
  policy_json       = data.aws_iam_policy_document.cluster_autoscaler.json
}

# ---------------------------------------------------------------- EBS CSI driver

# The EBS CSI driver (an EKS add-on) provisions the users' home volumes (deploy/helm's gp3 StorageClass,
# encrypted with the customer key). It may only touch volumes and snapshots it tagged itself.
data "aws_iam_policy_document" "ebs_csi" {
  statement {
    sid = "Describe"
    actions = [
      "ec2:DescribeAvailabilityZones", "ec2:DescribeInstances", "ec2:DescribeSnapshots",
      "ec2:DescribeTags", "ec2:DescribeVolumes", "ec2:DescribeVolumesModifications",
    ]
    resources = ["*"] # read-only calls without resource-level permissions
    #checkov:skip=CKV_AWS_356:these Describe calls take no resource ARNs (IAM service authorization reference)
  }
  statement {
    sid       = "CreateTaggedVolumes"
    actions   = ["ec2:CreateVolume", "ec2:CreateSnapshot"]
    resources = ["arn:${local.partition}:ec2:${var.region}:${local.account}:volume/*", "arn:${local.partition}:ec2:${var.region}::snapshot/*"]
    condition {
      test     = "StringEquals"
      variable = "aws:RequestTag/ebs.csi.aws.com/cluster"
      values   = ["true"]
    }
  }
  statement {
    sid       = "TagOnCreate"
    actions   = ["ec2:CreateTags"]
    resources = ["arn:${local.partition}:ec2:${var.region}:${local.account}:volume/*", "arn:${local.partition}:ec2:${var.region}::snapshot/*"]
    condition {
      test     = "StringEquals"
      variable = "ec2:CreateAction"
      values   = ["CreateVolume", "CreateSnapshot"]
    }
  }
  statement {
    sid = "OwnVolumes"
    actions = [
      "ec2:AttachVolume", "ec2:DetachVolume", "ec2:ModifyVolume", "ec2:DeleteVolume", "ec2:DeleteSnapshot",
    ]
    resources = [
      "arn:${local.partition}:ec2:${var.region}:${local.account}:volume/*",
      "arn:${local.partition}:ec2:${var.region}::snapshot/*",
    ]
    condition {
      test     = "StringEquals"
      variable = "aws:ResourceTag/ebs.csi.aws.com/cluster"
      values   = ["true"]
    }
  }
  statement {
    sid       = "AttachToNodes"
    actions   = ["ec2:AttachVolume", "ec2:DetachVolume"]
    resources = ["arn:${local.partition}:ec2:${var.region}:${local.account}:instance/*"]
    condition {
      test     = "StringEquals"
      variable = "aws:ResourceTag/eks:cluster-name"
      values   = [var.name]
    }
  }
  statement {
    sid       = "KeyForVolumes"
    actions   = ["kms:CreateGrant", "kms:Decrypt", "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncrypt*", "kms:DescribeKey"]
    resources = [aws_kms_key.arcade.arn]
    condition {
      test     = "Bool"
      variable = "kms:GrantIsForAWSResource"
      values   = ["true"]
    }
  }
}

module "ebs_csi_role" {
  source            = "./modules/irsa_role"
  name              = "${var.name}-ebs-csi"
  oidc_provider_arn = local.oidc.provider_arn
  oidc_issuer       = local.oidc.issuer
  namespace         = "kube-system"
  service_account   = "ebs-csi-controller-sa"
  policy_json       = data.aws_iam_policy_document.ebs_csi.json
}

resource "aws_eks_addon" "ebs_csi" {
  cluster_name                = module.eks.cluster_name
  addon_name                  = "aws-ebs-csi-driver"
  service_account_role_arn    = module.ebs_csi_role.arn
  resolve_conflicts_on_create = "OVERWRITE"
  resolve_conflicts_on_update = "OVERWRITE"
}
