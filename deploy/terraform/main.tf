data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
# Pinned by name (a, b, c, d of the region), so a zone AWS adds later never changes the plan.
data "aws_availability_zones" "available" {
  state = "available"
  filter {
    name   = "zone-name"
    values = [for suffix in ["a", "b", "c", "d"] : "${var.region}${suffix}"]
  }
}

locals {
  account            = data.aws_caller_identity.current.account_id
  partition          = data.aws_partition.current.partition
  create_vpc         = var.existing_vpc_id == ""
  vpc_id             = local.create_vpc ? module.network[0].vpc_id : var.existing_vpc_id
  private_subnet_ids = local.create_vpc ? module.network[0].private_subnet_ids : var.existing_private_subnet_ids
  buckets = {
    artifacts      = "${var.name}-artifacts-${local.account}"
    lake           = "${var.name}-lake-${local.account}"
    athena_results = "${var.name}-athena-results-${local.account}"
    access_logs    = "${var.name}-access-logs-${local.account}"
  }
}

module "network" {
  source = "./modules/network"
  count  = local.create_vpc ? 1 : 0

  name               = var.name
  region             = var.region
  cidr               = var.vpc_cidr
  availability_zones = slice(data.aws_availability_zones.available.names, 0, var.availability_zone_count)
  cluster_name       = var.name
  kms_key_arn        = aws_kms_key.arcade.arn
}

module "eks" {
  source = "./modules/eks"

  name                  = var.name
  kubernetes_version    = var.kubernetes_version
  vpc_id                = local.vpc_id
  subnet_ids            = local.private_subnet_ids
  kms_key_arn           = aws_kms_key.arcade.arn
  api_allowed_cidrs     = var.api_allowed_cidrs
  cluster_admin_arns    = var.cluster_admin_arns
  system_instance_types = var.system_instance_types
  system_nodes          = var.system_nodes
  spark_instance_types  = var.spark_instance_types
  spark_nodes           = var.spark_nodes
}

# One customer-managed key for the buckets, the secret, ECR, EKS secrets and logs.
resource "aws_kms_key" "arcade" {
  description             = "${var.name}: S3 buckets, Secrets Manager, ECR, EKS secrets, CloudWatch Logs"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.kms.json
}

resource "aws_kms_alias" "arcade" {
  name          = "alias/${var.name}"
  target_key_id = aws_kms_key.arcade.key_id
}

data "aws_iam_policy_document" "kms" {
  #checkov:skip=CKV_AWS_111:a key policy's "*" resource is this key; the account (IAM) decides who else may use it
  #checkov:skip=CKV_AWS_356:a key policy's "*" resource is this key
  #checkov:skip=CKV_AWS_109:a key policy's "*" resource is this key; only the account root is named
  statement {
    sid       = "AccountAdministers"
    actions   = ["kms:*"]
    resources = ["*"] # in a key policy, "*" is this key
    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account}:root"]
    }
  }
  statement {
    sid       = "CloudWatchLogsEncrypt"
    actions   = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
    resources = ["*"] # in a key policy, "*" is this key
    principals {
      type        = "Service"
      identifiers = ["logs.${var.region}.amazonaws.com"]
    }
    condition {
      test     = "ArnLike"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = ["arn:${local.partition}:logs:${var.region}:${local.account}:*"]
    }
  }
}

# ---------------------------------------------------------------- S3

# The log bucket first: the others send their access logs to it.
module "bucket_access_logs" {
  source              = "./modules/bucket"
  name                = local.buckets.access_logs
  kms_key_arn         = aws_kms_key.arcade.arn
  log_bucket          = ""
  expiry_days         = 365
  accepts_access_logs = true
}

# Published notebook versions: content-addressed, immutable, kept.
module "bucket_artifacts" {
  source      = "./modules/bucket"
  name        = local.buckets.artifacts
  kms_key_arn = aws_kms_key.arcade.arn
  log_bucket  = module.bucket_access_logs.id
  log_prefix  = "artifacts/"
}

module "bucket_lake" {
  source                 = "./modules/bucket"
  name                   = local.buckets.lake
  kms_key_arn            = aws_kms_key.arcade.arn
  log_bucket             = module.bucket_access_logs.id
  log_prefix             = "lake/"
  noncurrent_expiry_days = var.lake_noncurrent_expiry_days
}

module "bucket_athena_results" {
  source                 = "./modules/bucket"
  name                   = local.buckets.athena_results
  kms_key_arn            = aws_kms_key.arcade.arn
  log_bucket             = module.bucket_access_logs.id
  log_prefix             = "athena-results/"
  expiry_days            = var.athena_results_expiry_days
  noncurrent_expiry_days = 1
}

# ---------------------------------------------------------------- ECR

resource "aws_ecr_repository" "this" {
  for_each             = toset(["notebook", "arc-runner", "hub"])
  name                 = "${var.name}/${each.key}"
  image_tag_mutability = "IMMUTABLE"
  image_scanning_configuration {
    scan_on_push = true
  }
  encryption_configuration {
    encryption_type = "KMS"
    kms_key         = aws_kms_key.arcade.arn
  }
}

# ---------------------------------------------------------------- Glue and Athena

resource "aws_glue_catalog_database" "lake" {
  name        = replace("${var.name}_lake", "-", "_")
  description = "Delta tables the Arc jobs write (registered by the jobs and by crawls)."
}

resource "aws_athena_workgroup" "arcade" {
  name          = var.name
  description   = "Arcade previews and queries"
  force_destroy = false

  configuration {
    enforce_workgroup_configuration    = true
    publish_cloudwatch_metrics_enabled = true
    bytes_scanned_cutoff_per_query     = var.athena_bytes_scanned_cutoff

    result_configuration {
      output_location = "s3://${module.bucket_athena_results.id}/results/"
      encryption_configuration {
        encryption_option = "SSE_KMS"
        kms_key_arn       = aws_kms_key.arcade.arn
      }
    }
  }
}

# ---------------------------------------------------------------- Secrets Manager

# The hub's users and their Argon2id hashes (deploy/authenticator). Created empty;
# `arcade-hub-users add` fills it. Rotation is a hash change by the admin CLI, not a Lambda.
resource "aws_secretsmanager_secret" "hub_users" {
  name        = "${var.name}/hub-users"
  description = "JupyterHub users and Argon2id password hashes (arcade-hub-users manages it)"
  kms_key_id  = aws_kms_key.arcade.arn
  #checkov:skip=CKV2_AWS_57:rotation is done by admins with arcade-hub-users (new hashes); there is no machine credential for a rotation Lambda to change
}

resource "aws_secretsmanager_secret_version" "hub_users_empty" {
  secret_id     = aws_secretsmanager_secret.hub_users.id
  secret_string = jsonencode({ format = 1, users = {} })
  lifecycle {
    ignore_changes = [secret_string]
  }
}

# The git token notebooks push with (filled by the operator).
resource "aws_secretsmanager_secret" "git_token" {
  name        = "${var.name}/git-token"
  description = "Token for the workspace git remote, read by the notebook's bridge"
  kms_key_id  = aws_kms_key.arcade.arn
  #checkov:skip=CKV2_AWS_57:the token is issued by the git host; rotate it there and put the new value here
}
